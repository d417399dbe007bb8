import type { OperatorIdentity } from '../../../src/domain/identity.js';
// Builders of SOAP 1.1 request messages for the unit tests (strings; encode with utf8()).
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const COM = 'urn:esav:commun:v1';
export const SIG = 'urn:esav:signalisation:v1';

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

export interface HeaderOptions {
  versionWS?: string;
  horodatageRequete?: string;
  codeOperateur?: string;
  idCorrelation?: string;
  /** Extra attributes on the enteteRequete element, e.g. ` soapenv:mustUnderstand="1"`. */
  attributes?: string;
}

export function enteteRequete(options: HeaderOptions = {}): string {
  const {
    versionWS = '1',
    horodatageRequete = '2026-03-10T10:00:00+01:00',
    codeOperateur = 'OPA1',
    idCorrelation,
    attributes = '',
  } = options;
  return (
    `<com:enteteRequete xmlns:com="${COM}"${attributes}>` +
    `<com:versionWS>${versionWS}</com:versionWS>` +
    `<com:horodatageRequete>${horodatageRequete}</com:horodatageRequete>` +
    `<com:codeOperateur>${codeOperateur}</com:codeOperateur>` +
    (idCorrelation !== undefined ? `<com:idCorrelation>${idCorrelation}</com:idCorrelation>` : '') +
    `</com:enteteRequete>`
  );
}

/** A SOAP 1.1 envelope (prefix soapenv); `header` null writes no soapenv:Header at all. */
export function envelope(payload: string, header: string | null = enteteRequete(), soapNs = SOAP11): string {
  return (
    `<soapenv:Envelope xmlns:soapenv="${soapNs}">` +
    (header === null ? '' : `<soapenv:Header>${header}</soapenv:Header>`) +
    `<soapenv:Body>${payload}</soapenv:Body>` +
    `</soapenv:Envelope>`
  );
}

/** The children of a valid deposerSignalisation, in schema order (sig: prefix). */
export const DEPOSIT_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['offre', '<sig:offre>FTTH_PASSIF</sig:offre>'],
  ['identifiantPrestation', '<sig:identifiantPrestation>FI-1000-0001</sig:identifiantPrestation>'],
  ['formulaire', '<sig:formulaire><sig:idFormulaire>FTTH_PASSIF</sig:idFormulaire><sig:version>1</sig:version></sig:formulaire>'],
  ['defautDeclare', '<sig:defautDeclare>INTERRUPTION_TOTALE</sig:defautDeclare>'],
  ['impact', '<sig:impact>TOTAL</sig:impact>'],
  ['dateDebutDefaut', '<sig:dateDebutDefaut>2026-03-10T08:00:00+01:00</sig:dateDebutDefaut>'],
  ['localisationPresumee', '<sig:localisationPresumee>PTO</sig:localisationPresumee>'],
  ['referenceInterneOC', '<sig:referenceInterneOC>TT-2026-000123</sig:referenceInterneOC>'],
  ['contactSite', '<sig:contactSite><sig:nom>Mme Martin</sig:nom><sig:telephone>+33 1 23 45 67 89</sig:telephone></sig:contactSite>'],
  [
    'contactOC',
    '<sig:contactOC><sig:nom>SAV OPA</sig:nom><sig:telephone>0800 000 000</sig:telephone><sig:email>sav@opa.example</sig:email></sig:contactOC>',
  ],
  ['accesSite', '<sig:accesSite><sig:horaires>8h-18h</sig:horaires><sig:informations>Digicode 1234</sig:informations></sig:accesSite>'],
  ['commentaire', '<sig:commentaire>Plus de synchro depuis ce matin</sig:commentaire>'],
  ['champs', '<sig:champs><sig:champ><sig:code>REF_PTO</sig:code><sig:valeur>PTO-42</sig:valeur></sig:champ></sig:champs>'],
  ['idDemandeTest', '<sig:idDemandeTest>TST-0001</sig:idDemandeTest>'],
];

/**
 * A deposerSignalisation payload; `overrides` replaces a field's whole element (string) or
 * removes it (null). Overrides of unknown names are appended at the end.
 */
export function deposerSignalisation(overrides: Record<string, string | null> = {}): string {
  const known = new Set(DEPOSIT_FIELDS.map(([name]) => name));
  const parts = DEPOSIT_FIELDS.map(([name, xml]) => (name in overrides ? overrides[name] : xml)).filter(
    (xml): xml is string => typeof xml === 'string',
  );
  for (const [name, xml] of Object.entries(overrides)) if (!known.has(name) && xml !== null) parts.push(xml);
  return `<sig:deposerSignalisation xmlns:sig="${SIG}">${parts.join('')}</sig:deposerSignalisation>`;
}

export function consulterEtat(key = '<sig:referenceSignalisation>SIG-0000000001</sig:referenceSignalisation>'): string {
  return `<sig:consulterEtatSignalisation xmlns:sig="${SIG}">${key}</sig:consulterEtatSignalisation>`;
}

/** Runs `fn` and returns the EsavFault-like error it throws (fails the test when nothing is thrown). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}

/** A caller identity for pure tests: OPA1, read-only profile, valid certificate. */
export function testIdentity(overrides: Partial<OperatorIdentity> = {}): OperatorIdentity {
  return {
    operatorCode: 'OPA1',
    operatorSiren: '123456789',
    operatorName: 'Opérateur A',
    operatorPlatform: 'integration',
    productionDomains: new Set(),
    profileName: 'SIGNALISATION_LECTURE',
    allowedOperations: new Set(['consulterEtatSignalisation', 'consulterDetailSignalisation']),
    certificateFingerprint: 'AA:BB',
    certificateNotAfter: new Date('2030-01-01T00:00:00Z'),
    certificateRevokedAt: null,
    ...overrides,
  };
}
