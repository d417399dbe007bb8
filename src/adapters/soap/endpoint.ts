// What a published service version is made of, for the pipeline: its payload namespace, its
// compiled schema and its operations (each one a contract mapping around a use case).
import type { EsavFault } from '../../domain/faults.js';
import type { OperatorIdentity } from '../../domain/identity.js';
import type { PromotionDomain } from '../../domain/operators.js';
import type { PlainObject } from './envelope.js';
import type { CompiledSchema } from './schema-registry.js';
import type { XmlWriter } from './writer.js';

export interface OperationContext {
  requestId: string;
  identity: OperatorIdentity;
  /** The validated request header, as the contract's conventions read it. */
  header: unknown;
}

/**
 * How a published contract carries its header and its faults: e-SAV uses enteteRequete /
 * enteteReponse and erreurESAV; Interop'Fibre uses EnteteType and InfoErreurType. The pipeline
 * is the same for all; only these conventions differ.
 */
export interface ContractConventions<H = unknown> {
  /** Clark name ({namespace}local) of the mandatory request header block. */
  readonly headerElement: string;
  /** How fault 101 names the header when it is missing. */
  readonly headerField: string;
  readHeader(plain: PlainObject): H;
  /** The header's own rules once the caller is known: it designates the caller (201), its version (400)… */
  checkHeader(header: H, identity: OperatorIdentity, endpoint: SoapEndpoint): void;
  /** The response header block(s), serialised. */
  writeResponseHeader(header: H, requestId: string, now: Date, endpoint: SoapEndpoint): string;
  /** A whole fault envelope (sent with HTTP 500). */
  writeFault(fault: EsavFault): string;
}

export interface SoapOperation<I = unknown, O = unknown> {
  /** The WSDL operation name (what profiles grant). */
  readonly name: string;
  /** Local name of the request element when it is not the operation name (Interop'Fibre). */
  readonly requestElement?: string;
  readonly soapAction: string;
  /** Maps the validated payload to the use case's input. */
  read(payload: PlainObject): I;
  execute(context: OperationContext, input: I): Promise<O>;
  /** Writes the response payload element. */
  write(writer: XmlWriter, output: O): void;
}

export interface SoapEndpoint {
  /** URL path, e.g. /ws/v1/signalisation. */
  readonly path: string;
  readonly serviceName: string;
  /** The service's major version, compared with enteteRequete/versionWS. */
  readonly version: string;
  /**
   * The domain of its operations for promotion to production (spec §3): a production instance
   * serves them only to operators promoted for it (fault 203).
   */
  readonly domain: PromotionDomain;
  readonly payloadNamespace: string;
  /** The WSDL file served at `${path}?wsdl`. */
  readonly wsdlFile: string;
  readonly schema: CompiledSchema;
  readonly conventions: ContractConventions<any>;
  /** Operations by request element local name. */
  readonly operations: ReadonlyMap<string, SoapOperation<any, any>>;
  /**
   * The versions of this service live now, with their paths (set from the version registry,
   * src/composition/config/versions.ts): fault 400 lists them. Absent: only this endpoint's own version.
   */
  readonly liveVersions?: () => ReadonlyArray<{ version: string; path: string }>;
}

/** The operations map of an endpoint, keyed by request element. */
export function operationsByElement(operations: ReadonlyArray<SoapOperation<any, any>>): Map<string, SoapOperation<any, any>> {
  return new Map(operations.map((op) => [op.requestElement ?? op.name, op]));
}

export function defineOperation<I, O>(operation: SoapOperation<I, O>): SoapOperation<I, O> {
  return operation;
}
