// The request pipeline of one SOAP call, in the order of docs/architecture.md:
// identity → content type → guard → envelope → dispatch → validation → header rules →
// use case → response. Every failure becomes a typed fault; nothing here knows HTTP framework
// details (src/server/ adapts Fastify to it).
import { EsavFault, isEsavFault } from '../domain/faults.js';
import { authorizeOperation, type OperatorIdentity, type Platform } from '../domain/identity.js';
import { formatParisDateTime } from '../domain/clock.js';
import type { OperationContext, RequestHeader, SoapEndpoint, SoapOperation } from './endpoint.js';
import { clark, parseEnvelope, toPlain, type PlainObject } from './envelope.js';
import { DEFAULT_GUARD_LIMITS, guardRequestBody, type GuardLimits } from './guard.js';
import { COMMON_NS } from './namespaces.js';
import { XmlWriter, faultEnvelope, responseEnvelope } from './writer.js';

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

export interface PipelineOptions {
  platform: Platform;
  limits?: GuardLimits;
}

const HEADER_ELEMENT = `{${COMMON_NS}}enteteRequete`;

function checkContentType(contentType: string | undefined): void {
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
  if (soapAction === undefined) return;
  const action = soapAction.trim().replace(/^"(.*)"$/, '$1');
  if (action !== '' && action !== operation.soapAction) {
    throw new EsavFault(102, `SOAPAction ${action} ne correspond pas à l'opération ${operation.name}`);
  }
}

function readHeader(plain: PlainObject | string): RequestHeader {
  const h = plain as Record<string, string>;
  return {
    versionWS: String(h.versionWS),
    horodatageRequete: String(h.horodatageRequete),
    codeOperateur: String(h.codeOperateur),
    ...(h.idCorrelation !== undefined ? { idCorrelation: String(h.idCorrelation) } : {}),
  };
}

function responseHeader(endpoint: SoapEndpoint, header: RequestHeader, requestId: string, now: Date): string {
  return new XmlWriter()
    .open('enteteReponse', COMMON_NS)
    .leaf('versionWS', endpoint.version)
    .leaf('horodatageReponse', formatParisDateTime(now))
    .leaf('idCorrelation', header.idCorrelation)
    .leaf('idRequete', requestId)
    .close('enteteReponse')
    .toString();
}

export async function handleSoapRequest(endpoint: SoapEndpoint, request: SoapRequest, options: PipelineOptions): Promise<SoapResult> {
  let operationName: string | undefined;
  let operatorCode: string | undefined;
  try {
    const identity = await request.resolveIdentity();
    operatorCode = identity.operatorCode;
    checkContentType(request.contentType);
    guardRequestBody(request.body, options.limits ?? DEFAULT_GUARD_LIMITS);

    const envelope = parseEnvelope(request.body);
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

      const headerElement = envelope.headers.find((h) => clark(h) === HEADER_ELEMENT);
      if (!headerElement) {
        throw new EsavFault(101, "En-tête SOAP enteteRequete absent", { champ: 'enteteRequete' });
      }
      endpoint.schema.validateElement(headerElement);
      endpoint.schema.validateElement(payload);
      const header = readHeader(toPlain(headerElement));
      if (header.versionWS !== endpoint.version) {
        throw new EsavFault(400, `versionWS ${header.versionWS} inconnue sur ${endpoint.path} : version(s) en service ${endpoint.version}`, {
          champ: 'enteteRequete/versionWS',
        });
      }
      authorizeOperation(identity, header.codeOperateur, operation.name, options.platform);
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
      xml: responseEnvelope(responseHeader(endpoint, context.header, request.requestId, request.now()), writer.toString()),
      operation: operationName,
      operatorCode,
    };
  } catch (error) {
    const fault = isEsavFault(error) ? error : new EsavFault(500);
    return {
      httpStatus: 500,
      xml: faultEnvelope(fault),
      fault,
      ...(operationName ? { operation: operationName } : {}),
      ...(operatorCode ? { operatorCode } : {}),
      ...(isEsavFault(error) ? {} : { internalError: error }),
    };
  }
}
