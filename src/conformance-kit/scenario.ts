// The shape of a conformance scenario and what it can use while it runs. A scenario is one step
// of a domain's suite (e.g. "dépôt"), made of one or more SOAP calls whose answers it checks; it
// ends as réussi, échec (with the reason), non exécuté (a scenario it needs did not pass) or
// indisponible (night window 321, maintenance 402: not a failure of the operator's integration).
import type { ConformanceDomain, EvidenceItem, ServiceName } from '../domain/conformance.js';
import type { HeaderValues, KitFault, ServiceClient } from './client.js';
import type { KitOptions } from './options.js';

export type ScenarioStatus = 'reussi' | 'echec' | 'non-execute' | 'indisponible';

export const STATUS_LABELS: Record<ScenarioStatus, string> = {
  reussi: 'réussi',
  echec: 'échec',
  'non-execute': 'non exécuté',
  indisponible: 'indisponible',
};

/** One SOAP call as made and answered. */
export interface CallRecord {
  service: ServiceName;
  operation: string;
  /** `ok`, `fault:<code>` or `erreur` (no SOAP answer). */
  outcome: string;
  durationMs: number;
  /** The gateway's request id (enteteReponse/idRequete or x-id-requete): what support staff look for in the logs. */
  idRequete?: string;
  /** Fault text or communication error. */
  detail?: string;
}

export interface ScenarioResult {
  id: string;
  domain: ConformanceDomain;
  title: string;
  status: ScenarioStatus;
  /** One line: what was found (réussi) or why not. */
  message: string;
  /** Further lines (data used, values read). */
  details: string[];
  calls: CallRecord[];
  durationMs: number;
}

/** A check that did not hold: the scenario fails with this message. */
export class Failure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Failure';
  }
}

/** The service could not answer for a reason that is not the operator's (night window, maintenance). */
export class Unavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unavailable';
  }
}

/** A fault the scenario did not expect (kept typed so that scenarios may react to a given code). */
export class UnexpectedFault extends Failure {
  constructor(
    readonly operation: string,
    readonly fault: KitFault,
  ) {
    super(`${operation} : faute ${Number.isNaN(fault.code) ? '?' : fault.code} inattendue — ${fault.libelle}${fault.champ ? ` (champ ${fault.champ})` : ''}${hintFor(fault.code)}`);
    this.name = 'UnexpectedFault';
  }
}

function hintFor(code: number): string {
  switch (code) {
    case 200:
      return ' — le certificat client est-il enregistré pour cet opérateur ?';
    case 201:
      return ' — vérifier --operateur (e-SAV) ou --siren (Interop’Fibre)';
    case 202:
      return ' — le profil du certificat n’autorise pas cette opération : retirer ce domaine ou demander le profil au support';
    case 300:
      return ' — la prestation est-elle une ligne de test de cet opérateur ? (--prestation, --prestation-test)';
    case 301:
      return ' — offre non ouverte aux web services ou pas encore mise en place (--offre)';
    case 303:
      return ' — champ de formulaire obligatoire : --champ CODE=VALEUR';
    case 305:
      return ' — cette offre exige un test préalable KO : --id-demande-test';
    default:
      return '';
  }
}

/** The deposit data read from the catalogue for the run's prestation. */
export interface DepositSelection {
  offre: string;
  formulaire: { idFormulaire: string; version: number };
  defautDeclare: string;
  champs: Array<{ code: string; valeur: string }>;
}

export interface Ticket {
  referenceSignalisation: string;
  referenceInterneOC?: string;
  codeInsee?: string;
}

/** What scenarios hand over to the next ones. */
export interface SharedState {
  selection?: DepositSelection;
  ticket?: Ticket;
  /** Why no ticket could be deposited (the later scenarios say so rather than retrying). */
  ticketError?: string;
  test?: { typeTest: string; idDemandeTest?: string };
  rendezVous?: { slots: Array<{ idCreneau: string; debut: Date; fin: Date }>; idRendezVous?: string; debut?: Date };
  interop?: { codeInsee: string; slots: Array<{ idOI: string; dateDebut: Date; dateFin: Date }>; idRendezvous?: string; reportedTo?: Date };
}

export interface CallOptions {
  /** Header values changed for this call only (negative cases). */
  header?: Partial<HeaderValues>;
}

export interface ScenarioContext {
  options: KitOptions;
  shared: SharedState;
  /** The client of a service (built from its served WSDL once, on first use). */
  client(service: ServiceName): Promise<ServiceClient>;
  /** Calls an operation; a fault throws UnexpectedFault (321/402: Unavailable). Resolves to the answer's body. */
  call<T = any>(service: ServiceName, operation: string, args: Record<string, unknown>, options?: CallOptions): Promise<T>;
  /** Calls an operation that must fail with fault `code`; resolves to that fault. */
  expectFault(service: ServiceName, operation: string, args: Record<string, unknown>, code: number, options?: CallOptions): Promise<KitFault>;
  /** The gateway's current time (from its last response header; the local time until then). */
  serverNow(): Date;
  /** A line of detail for the report. */
  note(text: string): void;
  /** The run's open ticket (deposited once, by the deposit scenario or on first need). */
  ticket(): Promise<Ticket>;
  /** A short unique tag of the run, for referenceInterneOC and idCorrelation. */
  runTag: string;
}

export interface Scenario {
  /** `<domain>.<name>`, e.g. signalisation.depot. */
  id: string;
  domain: ConformanceDomain;
  title: string;
  /** The calls it makes with the outcome it expects: the gateway checks the same (src/domain/conformance.ts). */
  calls: readonly EvidenceItem[];
  /** Scenarios that must have passed first. */
  needs?: readonly string[];
  /** Runs the checks; throws Failure / Unavailable; resolves to a one-line summary. */
  run(ctx: ScenarioContext): Promise<string>;
}

// ---------------------------------------------------------------- helpers for scenarios

export const asList = <T = any>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Failure(message);
}

export function expectSame(what: string, expected: unknown, actual: unknown): void {
  if (String(expected) !== String(actual)) throw new Failure(`${what} : ${String(expected)} attendu, ${actual === undefined ? 'absent' : String(actual)} reçu`);
}

/** An xs:dateTime as node-soap gives it (Date or text) to a Date, or undefined. */
export function instant(value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const isTrue = (value: unknown): boolean => value === true || value === 'true' || value === '1';

/** A prestation identifier that exists nowhere (negative cases). */
export function unknownPrestation(tag: string): string {
  return `INCONNUE-${tag}`;
}

/** A code that is valid for the schema but not the caller's. */
export function otherOperatorCode(code: string): string {
  return code === 'ZZZZ' ? 'ZZZY' : 'ZZZZ';
}

export function otherSiren(siren: string): string {
  return siren === '999999999' ? '999999998' : '999999999';
}
