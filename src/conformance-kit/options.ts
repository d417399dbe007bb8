// Options of the conformance kit: where the gateway is, who calls it (certificate, operator code),
// what to check (domains) and the scenario data. The data defaults are the demo operator OPA1's
// (docs/conformance.md lists them); an operator passes its own test lines with the options.
import type { ConformanceDomain } from '../domain/conformance.js';

export const KIT_DOMAINS: readonly ConformanceDomain[] = ['signalisation', 'test', 'rendezvous', 'interop'];

/** The appointment types of SignalisationService v1. */
export const TYPES_RENDEZ_VOUS = ['SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE'] as const;
export type TypeRendezVous = (typeof TYPES_RENDEZ_VOUS)[number];

export interface KitTlsFiles {
  /** Client certificate and key, PEM files… */
  cert?: string;
  key?: string;
  /** …or one PKCS#12 file (.p12/.pfx) with its password. */
  pfx?: string;
  passphrase?: string;
  /** The CA that signed the gateway's server certificate (PEM); default: the system's CAs. */
  ca?: string;
}

export interface KitOptions {
  /** Base URL of the gateway's operators' port, e.g. https://integration.esav.example:8443 */
  url: string;
  operatorCode: string;
  domains: ConformanceDomain[];
  tls: KitTlsFiles;
  /** Folder of junit.xml and rapport.html (created). */
  reportsDir: string;
  /** Submit the run to the gateway to be recorded (integration platform). */
  record: boolean;
  /** Time limit of one call. */
  callTimeoutMs: number;

  // ---- signalisation (and the ticket the appointments use)
  /** The test line of the deposit. */
  prestation: string;
  /** Its offer; default: FTTH_PASSIF for the default prestation, else from the operator's earlier tickets on it. */
  offre?: string;
  /** idFormulaire/version; default: the newest live version of the offer whose mandatory fields are given. */
  formulaire?: { idFormulaire: string; version: number };
  /** defautDeclare; default: the first of the offer's nomenclature. */
  defautDeclare?: string;
  /** Form fields (champs) of the deposit. */
  champs: Array<{ code: string; valeur: string }>;
  /** The KO prior test some offers require (fault 305). */
  idDemandeTest?: string;

  // ---- test
  /** An activated line of the operator (tests are only open on activated offers). */
  prestationTest: string;
  /** Default: the first test of the line that does not act on the network. */
  typeTest?: string;
  /** How long to poll consulterResultatTest for a final status. */
  testWaitMs: number;
  testPollMs: number;

  // ---- appointments
  typeRendezVous: TypeRendezVous;
  /** An existing open ticket to book on; default: the ticket the run deposits. */
  referenceSignalisation?: string;
  /** Days ahead searched for slots. */
  searchDays: number;

  // ---- interop
  /** INSEE code of the commune searched; default: the deposited ticket's prestation's. */
  codeInsee?: string;
  /** The operator's SIREN (EnteteType/sirenOC, InfoTravauxFTTHHeader/serviceProviderID). */
  sirenOC: string;
  /** The provider's SIREN (sirenOI, supplierID). */
  sirenOI: string;
}

/** The demo data (operator OPA1 of the demo data set, provider SIREN of the demo gateway). */
export const DEMO_DEFAULTS = {
  prestation: 'FI-1000-0001',
  offre: 'FTTH_PASSIF',
  prestationTest: 'FI-1000-0002',
  sirenOC: '100000009',
  sirenOI: '300000007',
} as const;

export const DEFAULT_REPORTS_DIR = 'reports/conformite';

/** A usage error: bad option, unreadable file (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options with everything not given set to its default. */
export function withDefaults(partial: Partial<KitOptions> & Pick<KitOptions, 'url' | 'operatorCode' | 'tls'>): KitOptions {
  const options: KitOptions = {
    domains: [...KIT_DOMAINS],
    reportsDir: DEFAULT_REPORTS_DIR,
    record: true,
    callTimeoutMs: 30_000,
    prestation: DEMO_DEFAULTS.prestation,
    champs: [],
    prestationTest: DEMO_DEFAULTS.prestationTest,
    testWaitMs: 120_000,
    testPollMs: 1_000,
    typeRendezVous: 'SAV',
    searchDays: 14,
    sirenOC: DEMO_DEFAULTS.sirenOC,
    sirenOI: DEMO_DEFAULTS.sirenOI,
    ...partial,
  };
  // The demo offer goes with the demo line only.
  if (partial.offre === undefined && partial.prestation === undefined) options.offre = DEMO_DEFAULTS.offre;
  return options;
}

/** Checks what the options must satisfy before anything is sent (UsageError otherwise). */
export function checkOptions(o: KitOptions): void {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new UsageError(`--url ${o.url} : URL invalide (ex. https://localhost:8443)`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--url ${o.url} : https:// attendu (authentification par certificat client)`);
  if (url.pathname !== '/' && url.pathname !== '') throw new UsageError(`--url ${o.url} : l’URL de base de la passerelle, sans chemin (ex. https://localhost:8443)`);
  if (!/^[A-Z0-9]{4}$/.test(o.operatorCode)) throw new UsageError(`--operateur ${o.operatorCode} : code opérateur de 4 caractères [A-Z0-9] attendu`);
  if (o.domains.length === 0) throw new UsageError('--domaines : au moins un domaine (signalisation, test, rendezvous, interop)');
  const hasPem = o.tls.cert !== undefined || o.tls.key !== undefined;
  if (hasPem && o.tls.pfx !== undefined) throw new UsageError('--cert/--key ou --pkcs12, pas les deux');
  if (!o.tls.pfx && !(o.tls.cert && o.tls.key)) throw new UsageError('certificat client requis : --cert et --key (PEM), ou --pkcs12 (avec --mot-de-passe)');
  if (!/^[0-9]{9}$/.test(o.sirenOC)) throw new UsageError(`--siren ${o.sirenOC} : SIREN de 9 chiffres attendu`);
  if (!/^[0-9]{9}$/.test(o.sirenOI)) throw new UsageError(`--siren-oi ${o.sirenOI} : SIREN de 9 chiffres attendu`);
}
