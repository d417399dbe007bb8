// The conventions of the Interop'Fibre infoTravauxFTTH contract: the InfoTravauxFTTHHeader request
// header (no response header in the publication) and the infoFtthError fault detail, in namespace
// http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0 with unqualified children
// (elementFormDefault="unqualified", as published).
import { EsavFault } from '../../../domain/faults.js';
import { assertHeaderDesignatesCaller } from '../../../domain/identity.js';
import type { ContractConventions } from '../../soap/endpoint.js';
import { soapFaultEnvelope, XmlWriter } from '../../soap/writer.js';
import { interopFaultMessage } from './fault-message.js';

export const INFO_TRAVAUX_NS = 'http://interop-fibre.fr/wsdl/ftth/infoTravaux/v1-0';

/** The validated request header. */
export interface InfoTravauxHeader {
  /** The provider's (infrastructure operator's) SIREN. */
  supplierID: string;
  /** The calling operator's SIREN. */
  serviceProviderID: string;
}

/** Opens a global element of the contract: qualified (prefix it), its children unqualified. */
export function openInfoTravaux(w: XmlWriter, name: string, attributes: Record<string, string> = {}): XmlWriter {
  return w.openPrefixed('it', name, INFO_TRAVAUX_NS, attributes);
}

export function closeInfoTravaux(w: XmlWriter, name: string): XmlWriter {
  return w.closePrefixed('it', name);
}

/**
 * A SOAP 1.1 fault (WS-I BP: faultcode a QName, unqualified faultcode/faultstring/detail, HTTP 500)
 * whose detail is infoFtthError{codeRetour: the e-SAV fault code, messageRetour: its text, with the
 * offending field and the retry delay when there are}.
 */
export function infoTravauxFaultEnvelope(fault: EsavFault): string {
  const detail = new XmlWriter()
    .openPrefixed('it', 'infoFtthError', INFO_TRAVAUX_NS)
    .leaf('codeRetour', fault.code)
    .leaf('messageRetour', interopFaultMessage(fault))
    .closePrefixed('it', 'infoFtthError');
  return soapFaultEnvelope(fault, detail.toString());
}

/**
 * InfoTravauxFTTHHeader rules: `serviceProviderID` names the caller and must be the SIREN of the
 * client certificate's operator (else 201, like e-SAV's codeOperateur); `supplierID` names the
 * infrastructure operator the request is addressed to and must be the provider's SIREN (else 101
 * naming the field: a wrong value in the request, not a question of who is calling).
 */
export function infoTravauxConventions(providerSiren: string): ContractConventions<InfoTravauxHeader> {
  return {
    headerElement: `{${INFO_TRAVAUX_NS}}InfoTravauxFTTHHeader`,
    headerField: 'InfoTravauxFTTHHeader',

    readHeader(plain) {
      const h = plain as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
      return { supplierID: text(h.supplierID), serviceProviderID: text(h.serviceProviderID) };
    },

    checkHeader(header, identity) {
      assertHeaderDesignatesCaller(header.serviceProviderID === identity.operatorSiren, 'InfoTravauxFTTHHeader/serviceProviderID');
      if (header.supplierID !== providerSiren) {
        throw new EsavFault(101, `supplierID ${header.supplierID} : ce service est celui de l'opérateur d'infrastructure ${providerSiren}`, {
          champ: 'InfoTravauxFTTHHeader/supplierID',
        });
      }
    },

    // The published contract has no response header.
    writeResponseHeader: () => '',

    writeFault: infoTravauxFaultEnvelope,
  };
}
