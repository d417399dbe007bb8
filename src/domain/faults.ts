// The typed faults of the contract (spec §2.1): business and protocol errors with their codes.
// Use cases and pipeline stages throw an EsavFault; src/adapters/soap/writer turns it into a WS-I
// conformant SOAP 1.1 Fault with detail/erreurESAV. Pure: no XML here.

export type FaultCode =
  | 100 | 101 | 102 | 103
  | 200 | 201 | 202 | 203
  | 300 | 301 | 302 | 303 | 304 | 305
  | 310 | 311 | 312
  | 320 | 321
  | 330 | 331
  | 400 | 401 | 402
  | 500;

/** soap:Client when the caller must change the request, soap:Server when a retry may succeed. */
export type FaultSide = 'Client' | 'Server';

interface FaultDefinition {
  side: FaultSide;
  libelle: string;
}

export const FAULTS: Readonly<Record<FaultCode, FaultDefinition>> = {
  100: { side: 'Client', libelle: 'Message XML mal formé, enveloppe SOAP 1.1 invalide ou construction interdite' },
  101: { side: 'Client', libelle: 'Message non conforme au schéma' },
  102: { side: 'Client', libelle: 'Opération inconnue' },
  103: { side: 'Client', libelle: 'Message trop volumineux ou trop profond' },
  200: { side: 'Client', libelle: 'Certificat client non enregistré, expiré ou révoqué' },
  201: { side: 'Client', libelle: "Le codeOperateur de l'en-tête ne correspond pas au certificat" },
  202: { side: 'Client', libelle: "Opération non autorisée par le profil du certificat" },
  203: { side: 'Client', libelle: "Opérateur non habilité sur cette plateforme" },
  300: { side: 'Client', libelle: 'Identifiant de prestation inconnu' },
  301: { side: 'Client', libelle: "Offre non prise en charge par l'e-SAV pour cette demande" },
  302: { side: 'Client', libelle: 'Formulaire inconnu ou version retirée' },
  303: { side: 'Client', libelle: 'Champ du formulaire obligatoire absent ou invalide' },
  304: { side: 'Client', libelle: 'Valeur hors nomenclature' },
  305: { side: 'Client', libelle: 'Un test préalable est requis avant le dépôt sur cette offre' },
  310: { side: 'Client', libelle: 'Signalisation inconnue' },
  311: { side: 'Client', libelle: "Action non autorisée dans l'état actuel de la signalisation" },
  312: { side: 'Client', libelle: "Signalisation close depuis plus de 90 jours" },
  320: { side: 'Client', libelle: 'Créneau plus disponible ou rendez-vous inconnu' },
  321: { side: 'Server', libelle: 'Recherche de créneaux indisponible de 01:00 à 04:00' },
  330: { side: 'Client', libelle: 'Test non disponible pour cette offre ou prestation' },
  331: { side: 'Client', libelle: 'Demande de test inconnue' },
  400: { side: 'Client', libelle: 'Version du web service retirée ou inconnue' },
  401: { side: 'Server', libelle: "Débit de requêtes supérieur à la limite de l'opérateur" },
  402: { side: 'Server', libelle: 'Service en maintenance' },
  500: { side: 'Server', libelle: "Erreur technique : rien n'a été enregistré, la requête peut être renouvelée" },
};

export interface FaultOptions {
  /** Path of the offending field, e.g. "deposerSignalisation/contactSite/telephone". */
  champ?: string;
  /** Seconds after which a retry may succeed (401, 402). */
  reessayerApres?: number;
}

export class EsavFault extends Error {
  readonly code: FaultCode;
  readonly libelle: string;
  readonly champ: string | undefined;
  readonly reessayerApres: number | undefined;

  constructor(code: FaultCode, libelle?: string, options: FaultOptions = {}) {
    const text = libelle ?? FAULTS[code].libelle;
    super(`${code} ${text}`);
    this.name = 'EsavFault';
    this.code = code;
    this.libelle = text;
    this.champ = options.champ;
    this.reessayerApres = options.reessayerApres;
  }

  get side(): FaultSide {
    return FAULTS[this.code].side;
  }
}

export const isEsavFault = (error: unknown): error is EsavFault => error instanceof EsavFault;
