// The conventions of the Interop'Fibre planChargeSavFtth contract: the EnteteType header (request
// and response) and the InfoErreurType fault detail, in namespace http://interop-fibre.fr with
// unqualified children (elementFormDefault="unqualified", as published).
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import { EsavFault } from '../../../domain/faults.js';
import { assertHeaderDesignatesCaller } from '../../../domain/identity.js';
import type { ContractConventions } from '../../soap/endpoint.js';
import { soapFaultEnvelope, XmlWriter } from '../../soap/writer.js';
import { interopFaultMessage } from './fault-message.js';

export const INTEROP_FIBRE_NS = 'http://interop-fibre.fr';

/** The validated request header (EnteteType). */
export interface EnteteType {
  versionWS: string;
  horodatageRequete: string;
  sirenOC: string;
  sirenOI: string;
}

/** Opens a global element of the contract: qualified (prefix tns), its children unqualified. */
export function openInterop(w: XmlWriter, name: string): XmlWriter {
  return w.openPrefixed('tns', name, INTEROP_FIBRE_NS);
}

export function closeInterop(w: XmlWriter, name: string): XmlWriter {
  return w.closePrefixed('tns', name);
}

/**
 * A SOAP 1.1 fault (WS-I BP: faultcode a QName, unqualified faultcode/faultstring/detail, HTTP
 * 500) whose detail is InfoErreurType{codeErreur: the e-SAV code, messageErreur: its text, with
 * the offending field and the retry delay when there are}.
 */
export function interopFaultEnvelope(fault: EsavFault): string {
  const detail = new XmlWriter()
    .openPrefixed('tns', 'InfoErreurType', INTEROP_FIBRE_NS)
    .leaf('codeErreur', fault.code)
    .leaf('messageErreur', interopFaultMessage(fault))
    .closePrefixed('tns', 'InfoErreurType');
  return soapFaultEnvelope(fault, detail.toString());
}

/**
 * EnteteType rules: `sirenOC` names the caller and must be the SIREN of the client certificate's
 * operator (else 201, like e-SAV's codeOperateur); `sirenOI` names the infrastructure operator the
 * request is addressed to and must be the provider's SIREN (else 101 naming the field: a wrong
 * value in the request, not a question of who is calling). `versionWS` is free text in the
 * publication: echoed, not checked.
 */
export function planChargeConventions(providerSiren: string): ContractConventions<EnteteType> {
  return {
    headerElement: `{${INTEROP_FIBRE_NS}}EnteteType`,
    headerField: 'EnteteType',

    readHeader(plain) {
      const h = plain as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
      return {
        versionWS: text(h.versionWS),
        horodatageRequete: text(h.horodatageRequete),
        sirenOC: text(h.sirenOC),
        sirenOI: text(h.sirenOI),
      };
    },

    checkHeader(header, identity) {
      assertHeaderDesignatesCaller(header.sirenOC === identity.operatorSiren, 'EnteteType/sirenOC');
      if (header.sirenOI !== providerSiren) {
        throw new EsavFault(101, `sirenOI ${header.sirenOI} : ce service est celui de l'opérateur d'infrastructure ${providerSiren}`, {
          champ: 'EnteteType/sirenOI',
        });
      }
    },

    writeResponseHeader(header, _requestId, now) {
      const w = openInterop(new XmlWriter(), 'EnteteType')
        .leaf('versionWS', header.versionWS)
        .leaf('horodatageRequete', header.horodatageRequete)
        .leaf('horodatageReponse', formatParisDateTime(now))
        .leaf('sirenOC', header.sirenOC)
        .leaf('sirenOI', providerSiren);
      return closeInterop(w, 'EnteteType').toString();
    },

    writeFault: interopFaultEnvelope,
  };
}
