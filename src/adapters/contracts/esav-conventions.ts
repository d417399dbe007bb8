// The e-SAV conventions shared by every e-SAV service and version: the enteteRequete header
// (versionWS, horodatageRequete, codeOperateur, idCorrelation?), the enteteReponse header, and
// the typed fault detail erreurESAV.
import { formatParisDateTime } from '../../domain/paris-calendar.js';
import { EsavFault } from '../../domain/faults.js';
import { assertHeaderDesignatesCaller } from '../../domain/identity.js';
import { defineOperation, type ContractConventions, type SoapOperation } from '../soap/endpoint.js';
import type { PlainObject } from '../soap/envelope.js';
import { COMMON_NS } from '../soap/namespaces.js';
import { XmlWriter, escapeAttribute, escapeXml, faultEnvelope } from '../soap/writer.js';

/** The validated request header (enteteRequete). */
export interface RequestHeader {
  versionWS: string;
  horodatageRequete: string;
  codeOperateur: string;
  idCorrelation?: string;
}

/** "version(s) en service : 1 (/ws/v1/signalisation), 2 (/ws/v2/signalisation)" — what fault 400 says. */
export function describeLiveVersions(live: ReadonlyArray<{ version: string; path: string }>): string {
  if (live.length === 0) return 'aucune version en service';
  return `version(s) en service : ${live.map((l) => `${l.version} (${l.path})`).join(', ')}`;
}

const RESPONSE_HEADER_OPEN = `<enteteReponse xmlns="${escapeAttribute(COMMON_NS)}">`;

export const esavConventions: ContractConventions<RequestHeader> = {
  headerElement: `{${COMMON_NS}}enteteRequete`,
  headerField: 'enteteRequete',

  readHeader(plain) {
    const h = plain as Record<string, string>;
    return {
      versionWS: String(h.versionWS),
      horodatageRequete: String(h.horodatageRequete),
      codeOperateur: String(h.codeOperateur),
      ...(h.idCorrelation !== undefined ? { idCorrelation: String(h.idCorrelation) } : {}),
    };
  },

  checkHeader(header, identity, endpoint) {
    if (header.versionWS !== endpoint.version) {
      const live = endpoint.liveVersions?.() ?? [{ version: endpoint.version, path: endpoint.path }];
      throw new EsavFault(400, `versionWS ${header.versionWS} inconnue sur ${endpoint.path} : ${describeLiveVersions(live)}`, {
        champ: 'enteteRequete/versionWS',
      });
    }
    assertHeaderDesignatesCaller(header.codeOperateur === identity.operatorCode, 'enteteRequete/codeOperateur');
  },

  // What XmlWriter would write (open with the default namespace, one leaf per field, optional
  // idCorrelation), as one template: every answer writes it (test/unit/pipeline.test.ts).
  writeResponseHeader(header, requestId, now, endpoint) {
    const correlation = header.idCorrelation === undefined ? '' : `<idCorrelation>${escapeXml(header.idCorrelation)}</idCorrelation>`;
    return (
      `${RESPONSE_HEADER_OPEN}<versionWS>${escapeXml(endpoint.version)}</versionWS>` +
      `<horodatageReponse>${escapeXml(formatParisDateTime(now))}</horodatageReponse>${correlation}` +
      `<idRequete>${escapeXml(requestId)}</idRequete></enteteReponse>`
    );
  },

  writeFault: faultEnvelope,
};

/** Who calls an e-SAV operation: the operator its client certificate resolved to. */
export interface EsavCaller {
  operatorCode: string;
}

/**
 * The operation factory of one e-SAV service version: SOAPAction `<namespace>:<operation>`, the
 * use case run for the operator the client certificate resolved to.
 */
export function esavOperationFactory(namespace: string) {
  return function operation<I, O>(
    name: string,
    read: (payload: PlainObject) => I,
    run: (caller: EsavCaller, input: I) => Promise<O>,
    write: (w: XmlWriter, output: O) => void,
  ): SoapOperation<I, O> {
    return defineOperation<I, O>({
      name,
      soapAction: `${namespace}:${name}`,
      read,
      execute: (ctx, input) => run({ operatorCode: ctx.identity.operatorCode }, input),
      write,
    });
  };
}
