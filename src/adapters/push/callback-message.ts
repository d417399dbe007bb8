// The SOAP 1.1 message of one pushed ticket event: notificationEvenement of the published callback
// contract (wsdl/callback/esav-notification-v1.wsdl, xsd/callback/notification-v1.xsd, namespace
// urn:esav:notification:v1), document/literal, no header. Decision 0023.
import type { PushEvent } from '../../application/push-ports.js';
import { XmlWriter } from '../soap/writer.js';
import { SOAP11_NS } from '../soap/namespaces.js';

export const NOTIFICATION_NS = 'urn:esav:notification:v1';
export const NOTIFICATION_SOAP_ACTION = 'urn:esav:notification:v1:notificationEvenement';

export function notificationEnvelope(event: PushEvent): string {
  const w = new XmlWriter().open('notificationEvenement', NOTIFICATION_NS);
  w.leaf('idEvenement', event.id)
    .leaf('typeEvenement', event.kind)
    .leaf('codeOperateur', event.operatorCode)
    .leaf('referenceSignalisation', event.reference)
    .leaf('referenceInterneOC', event.referenceInterneOC)
    .leaf('numeroSequence', event.seq)
    .leaf('horodatage', event.occurredAt.toISOString())
    .leaf('etat', event.etat);
  const d = event.details;
  switch (d.kind) {
    case 'CHANGEMENT_ETAT':
      w.open('changementEtat').leaf('etatPrecedent', d.etatPrecedent).leaf('motif', d.motif || null).close('changementEtat');
      break;
    case 'COMMENTAIRE_SAV':
      w.open('commentaire').leaf('texte', d.texte).close('commentaire');
      break;
    case 'RENDEZ_VOUS':
      w.open('rendezVous')
        .leaf('referenceRendezVous', d.referenceRendezVous)
        .leaf('typeRendezVous', d.typeRendezVous)
        .leaf('statut', d.statut)
        .leaf('debut', d.debut)
        .leaf('fin', d.fin)
        .close('rendezVous');
      break;
    case 'RESULTAT_TEST':
      w.open('resultatTest')
        .leaf('idDemandeTest', d.idDemandeTest)
        .leaf('typeTest', d.typeTest)
        .leaf('verdict', d.verdict)
        .leaf('localisation', d.localisation)
        .close('resultatTest');
      break;
  }
  w.close('notificationEvenement');
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Body>${w.toString()}</soapenv:Body></soapenv:Envelope>`;
}
