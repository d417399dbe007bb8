// What a published service version is made of, for the pipeline: its payload namespace, its
// compiled schema and its operations (each one a contract mapping around a use case).
import type { OperatorIdentity } from '../domain/identity.js';
import type { PlainObject } from './envelope.js';
import type { CompiledSchema } from './schema-registry.js';
import type { XmlWriter } from './writer.js';

/** The validated request header (enteteRequete). */
export interface RequestHeader {
  versionWS: string;
  horodatageRequete: string;
  codeOperateur: string;
  idCorrelation?: string;
}

export interface OperationContext {
  requestId: string;
  identity: OperatorIdentity;
  header: RequestHeader;
}

export interface SoapOperation<I = unknown, O = unknown> {
  /** Local name of the request element, equal to the WSDL operation name. */
  readonly name: string;
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
  readonly payloadNamespace: string;
  /** The WSDL file served at `${path}?wsdl`. */
  readonly wsdlFile: string;
  readonly schema: CompiledSchema;
  readonly operations: ReadonlyMap<string, SoapOperation<any, any>>;
}

export function defineOperation<I, O>(operation: SoapOperation<I, O>): SoapOperation<I, O> {
  return operation;
}
