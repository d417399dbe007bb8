// The SOAP 1.1 requests the benchmarks send: valid e-SAV v1 messages for the demo operator OPA1.
// Built from constant parts so that making one costs a string concatenation, not an XML writer.
export const SERVICE_PATH = '/ws/v1/signalisation';
export const ECHO_PATH = '/bench/echo';
const ACTION = 'urn:esav:signalisation:v1:';

export function soapHeaders(operation: string): Record<string, string> {
  return { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}${operation}"` };
}

function envelope(operatorCode: string, payload: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:com="urn:esav:commun:v1" ' +
    'xmlns:sig="urn:esav:signalisation:v1">' +
    '<soapenv:Header><com:enteteRequete>' +
    '<com:versionWS>1</com:versionWS>' +
    '<com:horodatageRequete>2026-11-27T10:00:00+01:00</com:horodatageRequete>' +
    `<com:codeOperateur>${operatorCode}</com:codeOperateur>` +
    '<com:idCorrelation>BENCH</com:idCorrelation>' +
    '</com:enteteRequete></soapenv:Header>' +
    `<soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`
  );
}

/** A complete deposit, by default on the demo prestation FI-1000-0001 (FTTH_PASSIF, form v1 with one field). */
export function depositRequest(referenceInterneOC: string, operatorCode = 'OPA1', identifiantPrestation = 'FI-1000-0001'): string {
  return envelope(
    operatorCode,
    '<sig:deposerSignalisation>' +
      '<sig:offre>FTTH_PASSIF</sig:offre>' +
      `<sig:identifiantPrestation>${identifiantPrestation}</sig:identifiantPrestation>` +
      '<sig:formulaire><sig:idFormulaire>FTTH_PASSIF</sig:idFormulaire><sig:version>1</sig:version></sig:formulaire>' +
      '<sig:defautDeclare>INTERRUPTION_TOTALE</sig:defautDeclare>' +
      '<sig:impact>TOTAL</sig:impact>' +
      '<sig:dateDebutDefaut>2026-11-27T08:00:00+01:00</sig:dateDebutDefaut>' +
      '<sig:localisationPresumee>PTO</sig:localisationPresumee>' +
      `<sig:referenceInterneOC>${referenceInterneOC}</sig:referenceInterneOC>` +
      '<sig:contactSite><sig:nom>Mme Martin</sig:nom><sig:telephone>+33 1 23 45 67 89</sig:telephone></sig:contactSite>' +
      '<sig:contactOC><sig:nom>SAV OPA</sig:nom><sig:telephone>0800 000 000</sig:telephone><sig:email>sav@opa.example</sig:email></sig:contactOC>' +
      '<sig:accesSite><sig:horaires>8h-18h</sig:horaires><sig:informations>Digicode 1234</sig:informations></sig:accesSite>' +
      '<sig:commentaire>Plus de synchronisation depuis ce matin</sig:commentaire>' +
      '<sig:champs><sig:champ><sig:code>REF_PTO</sig:code><sig:valeur>PTO-75056-000123</sig:valeur></sig:champ></sig:champs>' +
      '</sig:deposerSignalisation>',
  );
}

export function consultStateRequest(referenceSignalisation: string, operatorCode = 'OPA1'): string {
  return envelope(
    operatorCode,
    `<sig:consulterEtatSignalisation><sig:referenceSignalisation>${referenceSignalisation}</sig:referenceSignalisation></sig:consulterEtatSignalisation>`,
  );
}

/** listerSignalisations; `filters` in the schema's order (etat, offre, periode, curseur). */
export function listRequest(
  taille: number,
  operatorCode = 'OPA1',
  periode?: { debut: Date; fin: Date },
  filters: { etats?: string[]; offre?: string; curseur?: string } = {},
): string {
  const etats = (filters.etats ?? []).map((e) => `<sig:etat>${e}</sig:etat>`).join('');
  const offre = filters.offre ? `<sig:offre>${filters.offre}</sig:offre>` : '';
  const period = periode ? `<sig:periode><sig:debut>${periode.debut.toISOString()}</sig:debut><sig:fin>${periode.fin.toISOString()}</sig:fin></sig:periode>` : '';
  const curseur = filters.curseur ? `<sig:curseur>${filters.curseur}</sig:curseur>` : '';
  return envelope(operatorCode, `<sig:listerSignalisations>${etats}${offre}${period}${curseur}<sig:taille>${taille}</sig:taille></sig:listerSignalisations>`);
}

export function detailRequest(referenceSignalisation: string, operatorCode = 'OPA1'): string {
  return envelope(
    operatorCode,
    `<sig:consulterDetailSignalisation><sig:referenceSignalisation>${referenceSignalisation}</sig:referenceSignalisation></sig:consulterDetailSignalisation>`,
  );
}

/** consulterHistorique: the tickets closed in [debut, fin[ (first page of `taille`). */
export function closedHistoryRequest(debut: Date, fin: Date, taille: number, operatorCode = 'OPA1'): string {
  return envelope(
    operatorCode,
    '<sig:consulterHistorique>' +
      `<sig:periode><sig:debut>${debut.toISOString()}</sig:debut><sig:fin>${fin.toISOString()}</sig:fin></sig:periode>` +
      `<sig:taille>${taille}</sig:taille></sig:consulterHistorique>`,
  );
}

/** rechercherCreneaux: the free slots of a type in the zone of the ticket's prestation over [debut, fin[. */
export function slotSearchRequest(referenceSignalisation: string, typeRendezVous: string, debut: Date, fin: Date, operatorCode = 'OPA1'): string {
  return envelope(
    operatorCode,
    '<sig:rechercherCreneaux>' +
      `<sig:referenceSignalisation>${referenceSignalisation}</sig:referenceSignalisation>` +
      `<sig:typeRendezVous>${typeRendezVous}</sig:typeRendezVous>` +
      `<sig:periode><sig:debut>${debut.toISOString()}</sig:debut><sig:fin>${fin.toISOString()}</sig:fin></sig:periode>` +
      '</sig:rechercherCreneaux>',
  );
}

/** The text of the first `<…localName>value</…localName>` of an answer (good enough for our own answers). */
export function firstText(xml: string, localName: string): string | undefined {
  return new RegExp(`<(?:[A-Za-z0-9_]+:)?${localName}>([^<]*)</`).exec(xml)?.[1];
}
