// What the signalisation use cases need from storage (implemented in src/adapters/postgres/).
import type { Acteur, Attente, Etat, Impact } from '../domain/signalisation.js';

export interface Extremite {
  type: string;
  reference?: string;
  adresse?: { lignes: string[]; codePostal: string; commune: string; codeInsee?: string };
}

export interface CodeValeur {
  code: string;
  valeur: string;
}

export interface Prestation {
  identifiant: string;
  operatorCode: string;
  offerCode: string;
  codeInsee: string | null;
  gtrCode: string;
  extremites: Extremite[];
  informations: CodeValeur[];
  /** First Paris day of service (null or absent: no bound); deposits are refused before it (300). */
  dateActivation?: string | null;
  /** First Paris day out of service (terminated); deposits are refused from it on (300), tickets stay. */
  dateResiliation?: string | null;
}

export interface PrestationRepository {
  /** The prestation if it belongs to this operator; undefined otherwise (never another's). */
  findForOperator(operatorCode: string, identifiant: string): Promise<Prestation | undefined>;
  /**
   * At most `limit` of the operator's prestations of these offers whose identifier starts with
   * `prefix` (exactly, case included), in byte order of the identifier: the portal's suggestions.
   * Bounded whatever the operator's number of prestations (an index range per offer, never a scan).
   */
  suggestForOperator(operatorCode: string, offerCodes: readonly string[], prefix: string, limit: number): Promise<PrestationSuggestion[]>;
}

export interface PrestationSuggestion {
  identifiant: string;
  offerCode: string;
}

export interface ContactSite {
  nom: string;
  telephone: string;
}
export interface ContactOC {
  nom: string;
  telephone: string;
  email?: string;
}
export interface AccesSite {
  horaires: string;
  informations: string;
}

export interface NewSignalisation {
  operatorCode: string;
  referenceInterneOC: string;
  prestationId: string;
  offerCode: string;
  formulaire: { idFormulaire: string; version: number };
  defautDeclare: string;
  impact: Impact;
  dateDebutDefaut?: Date;
  localisationPresumee?: string;
  contactSite: ContactSite;
  contactOC: ContactOC;
  accesSite?: AccesSite;
  commentaire?: string;
  champs: CodeValeur[];
  idDemandeTest?: string;
  etat: Etat;
  garantieCode: string;
  echeanceRetablissement?: Date;
  depositedAt: Date;
  /** The guarantee clock starts running at the deposit. */
  guaranteeClock: { consumedMs: number; runningSince: Date | null };
  /** The first history row, written in the same transaction. */
  firstHistory: { actor: Acteur; motif: string };
}

export interface Signalisation {
  id: number;
  reference: string;
  operatorCode: string;
  referenceInterneOC: string;
  prestationId: string;
  offerCode: string;
  formulaire: { idFormulaire: string; version: number };
  defautDeclare: string;
  impact: Impact;
  dateDebutDefaut: Date | null;
  localisationPresumee: string | null;
  contactSite: ContactSite;
  contactOC: ContactOC;
  accesSite: AccesSite | null;
  commentaire: string | null;
  champs: CodeValeur[];
  idDemandeTest: string | null;
  etat: Etat;
  dateEtat: Date;
  motif: string | null;
  attente: Attente | null;
  garantieCode: string;
  echeanceRetablissement: Date | null;
  /** The guarantee clock (paused while GELE): consumed time and the running segment's start. */
  guaranteeClock: { consumedMs: number; runningSince: Date | null };
  causeCloture: string | null;
  dateCloture: Date | null;
  depositedAt: Date;
}

export interface HistoryEntry {
  at: Date;
  from: Etat | null;
  to: Etat;
  actor: Acteur;
  motif: string | null;
}

export interface CommentEntry {
  at: Date;
  author: Acteur;
  texte: string;
}

/** What consulterEtatSignalisation answers, and the closing date that decides 312. */
export type SignalisationStateView = Pick<Signalisation, 'reference' | 'referenceInterneOC' | 'etat' | 'dateEtat' | 'motif' | 'dateCloture'>;

/** A signalisation designated by the provider's reference or by the operator's own one. */
export type SignalisationKey = { referenceSignalisation: string } | { referenceInterneOC: string };


/** What one locked update of a signalisation writes; absent fields are left as they are. */
export interface SignalisationChange {
  state?: {
    etat: Etat;
    dateEtat: Date;
    motif: string | null;
    attente: Attente | null;
    causeCloture: string | null;
    dateCloture: Date | null;
  };
  guarantee?: { consumedMs: number; runningSince: Date | null; echeance: Date | null };
  contactSite?: ContactSite;
  accesSite?: AccesSite;
  champs?: CodeValeur[];
  /** Appended to the history (every state change has one). */
  history?: { at: Date; from: Etat; to: Etat; actor: Acteur; motif: string | null };
  /** Appended to the comments restituted to the operator. */
  comment?: { at: Date; author: Acteur; texte: string };
  /**
   * Appended to the support audit log (audit_log) in the same transaction, with the ticket's
   * operator: the support staff member behind a back-office move or comment.
   */
  audit?: { at: Date; actor: string; action: string; details: Record<string, unknown> };
}

export interface ListFilter {
  etats?: Etat[];
  offerCode?: string;
  prestationId?: string;
  depositedFrom?: Date;
  depositedTo?: Date;
  /** Signalisations closed before this instant are left out (the 90-day window). */
  closedNotBefore: Date;
}

export interface ClosedFilter {
  closedFrom: Date;
  closedTo: Date;
  prestationId?: string;
}

/** Keyset position: the last row of the previous page. */
export interface PagePosition {
  id: number;
  /** For lists ordered by closing date. */
  at?: Date;
}

export interface SignalisationRepository {
  /**
   * Stores a new signalisation and its first history row in one transaction, unless the operator
   * already has one with the same referenceInterneOC: then returns that one (created=false).
   * Safe under concurrent identical requests.
   */
  depositOnce(signalisation: NewSignalisation): Promise<{ signalisation: Signalisation; created: boolean }>;
  /** Only this operator's signalisations are ever found (operatorCode null: any, for the back office). */
  find(operatorCode: string | null, key: SignalisationKey): Promise<Signalisation | undefined>;
  /** The state of one of this operator's signalisations only (consulterEtatSignalisation: a narrow read). */
  findState(operatorCode: string, key: SignalisationKey): Promise<SignalisationStateView | undefined>;
  /**
   * Locks the signalisation (row lock, one transaction), lets `decide` compute the change from
   * its current state, writes it with its history/comment rows, and returns the updated ticket.
   * `decide` may throw: nothing is written. Undefined when no such signalisation.
   */
  update(
    operatorCode: string | null,
    key: SignalisationKey,
    decide: (current: Signalisation) => SignalisationChange,
  ): Promise<Signalisation | undefined>;
  /** The operator's signalisations, most recent first, after `after`. */
  list(operatorCode: string, filter: ListFilter, after: PagePosition | undefined, limit: number): Promise<Signalisation[]>;
  /** The operator's closed signalisations, most recently closed first, after `after`. */
  listClosed(operatorCode: string, filter: ClosedFilter, after: PagePosition | undefined, limit: number): Promise<Signalisation[]>;
  /** References of CLOS/VALIDE signalisations closed before `closedBefore` (for the dashboard sweep). */
  closedBefore(closedBefore: Date, limit: number): Promise<string[]>;
  history(signalisationId: number): Promise<HistoryEntry[]>;
  comments(signalisationId: number): Promise<CommentEntry[]>;
}
