// The request pipeline of one SOAP call, in the order of docs/architecture.md:
// identity → content type → guard → envelope → dispatch → validation → header rules →
// use case → response. Every failure becomes a typed fault; nothing here knows HTTP framework
// details (src/server/ adapts Fastify to it).
import { EsavFault, isEsavFault } from '../../domain/faults.js';
import { authorizeOperation, type OperatorIdentity, type Platform } from '../../domain/identity.js';
import type { ContractConventions, OperationContext, SoapEndpoint, SoapOperation } from './endpoint.js';
import { clark, parseEnvelope, toPlain } from './envelope.js';
import { DEFAULT_GUARD_LIMITS, guardRequestBody, type GuardLimits } from './guard.js';
import { XmlWriter, responseEnvelope } from './writer.js';

export interface SoapRequest {
  body: Uint8Array;
  contentType: string | undefined;
  soapAction: string | undefined;
  requestId: string;
  /** Resolves the caller from the TLS client certificate; throws fault 200 when unusable. */
  resolveIdentity(): Promise<OperatorIdentity>;
  now(): Date;
}

export interface SoapResult {
  httpStatus: 200 | 500;
  xml: string;
  operation?: string;
  operatorCode?: string;
  fault?: EsavFault;
  /** An unexpected error behind a fault 500, for the log (never sent to the caller). */
  internalError?: unknown;
}

/**
 * The service's running rules around the contract (src/adapters/operators-front/request-policy.ts): maintenance
 * (402) before anything is read, then, once the caller is known, retired versions (400) and rate
 * limits (401). A hook throws an EsavFault to refuse; the endpoint's conventions write it.
 */
export interface RequestPolicy {
  /** Before the caller is resolved: must not need the database (maintenance). */
  beforeIdentity?(endpoint: SoapEndpoint, now: Date): void;
  /** Once the caller is known, before the message is read. */
  afterIdentity?(endpoint: SoapEndpoint, identity: OperatorIdentity, now: Date): void | Promise<void>;
}

export interface PipelineOptions {
  platform: Platform;
  limits?: GuardLimits;
  policy?: RequestPolicy;
}

/** Content-Type values already accepted (clients send one or two spellings): checked once each. */
const acceptedContentTypes = new Set<string>();

function checkContentType(contentType: string | undefined): void {
  if (contentType !== undefined && acceptedContentTypes.has(contentType)) return;
  checkContentTypeOnce(contentType);
  if (contentType !== undefined && acceptedContentTypes.size < 64) acceptedContentTypes.add(contentType);
}

function checkContentTypeOnce(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'text/xml') {
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8') throw new EsavFault(100, `Encodage ${charset} non supporté : UTF-8 attendu`);
    return;
  }
  if (mediaType === 'application/soap+xml') {
    throw new EsavFault(100, "Requête SOAP 1.2 (application/soap+xml) : ce service n'accepte que SOAP 1.1 (text/xml)");
  }
  throw new EsavFault(100, `Content-Type ${mediaType ?? 'absent'} : text/xml attendu (SOAP 1.1)`);
}

function checkSoapAction(soapAction: string | undefined, operation: SoapOperation): void {
  if (soapAction === undefined || isQuoted(soapAction, operation.soapAction)) return;
  const action = soapAction.trim().replace(/^"(.*)"$/, '$1');
  if (action !== '' && action !== operation.soapAction) {
    throw new EsavFault(102, `SOAPAction ${action} ne correspond pas à l'opération ${operation.name}`);
  }
}

/** The header blocks a contract understands (mustUnderstand="1" allowed): its own header, one set per contract. */
const understood = new WeakMap<ContractConventions, ReadonlySet<string>>();
function understoodHeaders(conventions: ContractConventions): ReadonlySet<string> {
  let set = understood.get(conventions);
  if (!set) understood.set(conventions, (set = new Set([conventions.headerElement])));
  return set;
}

/** `"<action>"`, the usual form of the header (what the regular expression below would read as `action`). */
function isQuoted(header: string, action: string): boolean {
  return header.length === action.length + 2 && header.charCodeAt(0) === 0x22 && header.charCodeAt(header.length - 1) === 0x22 && header.startsWith(action, 1);
}

export async function handleSoapRequest(endpoint: SoapEndpoint, request: SoapRequest, options: PipelineOptions): Promise<SoapResult> {
  let operationName: string | undefined;
  let operatorCode: string | undefined;
  try {
    options.policy?.beforeIdentity?.(endpoint, request.now());
    const identity = await request.resolveIdentity();
    operatorCode = identity.operatorCode;
    await options.policy?.afterIdentity?.(endpoint, identity, request.now());
    checkContentType(request.contentType);
    guardRequestBody(request.body, options.limits ?? DEFAULT_GUARD_LIMITS);

    const { conventions } = endpoint;
    const envelope = parseEnvelope(request.body, understoodHeaders(conventions));
    let context: OperationContext;
    let operation: SoapOperation;
    let input: unknown;
    try {
      const payload = envelope.payload;
      const found = payload.namespaceUri === endpoint.payloadNamespace ? endpoint.operations.get(payload.name) : undefined;
      if (!found) {
        throw new EsavFault(102, `Opération ${clark(payload)} inconnue du service ${endpoint.serviceName} v${endpoint.version}`);
      }
      operation = found;
      operationName = operation.name;
      checkSoapAction(request.soapAction, operation);

      const headerElement = envelope.headers.find((h) => clark(h) === conventions.headerElement);
      if (!headerElement) {
        throw new EsavFault(101, `En-tête SOAP ${conventions.headerField} absent`, { champ: conventions.headerField });
      }
      endpoint.schema.validateElement(headerElement);
      endpoint.schema.validateElement(payload);
      const headerPlain = toPlain(headerElement);
      const header: unknown = conventions.readHeader(typeof headerPlain === 'string' ? {} : headerPlain);
      conventions.checkHeader(header, identity, endpoint);
      authorizeOperation(identity, operation.name, options.platform, endpoint.domain);
      const plain = toPlain(payload);
      input = operation.read(typeof plain === 'string' ? {} : plain);
      context = { requestId: request.requestId, identity, header };
    } finally {
      envelope.doc.dispose();
    }

    const output = await operation.execute(context, input);
    const writer = new XmlWriter();
    operation.write(writer, output);
    return {
      httpStatus: 200,
      xml: responseEnvelope(conventions.writeResponseHeader(context.header, request.requestId, request.now(), endpoint), writer.toString()),
      operation: operationName,
      operatorCode,
    };
  } catch (error) {
    const fault = isEsavFault(error) ? error : new EsavFault(500);
    return {
      httpStatus: 500,
      xml: endpoint.conventions.writeFault(fault),
      fault,
      ...(operationName ? { operation: operationName } : {}),
      ...(operatorCode ? { operatorCode } : {}),
      ...(isEsavFault(error) ? {} : { internalError: error }),
    };
  }
}
