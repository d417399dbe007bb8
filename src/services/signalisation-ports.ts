// What the signalisation use cases need from storage (implemented in src/store/).
import type { Acteur, Etat, Impact } from '../domain/signalisation.js';

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
}

export interface PrestationRepository {
  /** The prestation if it belongs to this operator; undefined otherwise (never another's). */
  findForOperator(operatorCode: string, identifiant: string): Promise<Prestation | undefined>;
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
  garantieCode: string;
  echeanceRetablissement: Date | null;
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

/** A signalisation designated by the provider's reference or by the operator's own one. */
export type SignalisationKey = { referenceSignalisation: string } | { referenceInterneOC: string };

export interface SignalisationRepository {
  /**
   * Stores a new signalisation and its first history row in one transaction, unless the operator
   * already has one with the same referenceInterneOC: then returns that one (created=false).
   * Safe under concurrent identical requests.
   */
  depositOnce(signalisation: NewSignalisation): Promise<{ signalisation: Signalisation; created: boolean }>;
  /** Only this operator's signalisations are ever found. */
  find(operatorCode: string, key: SignalisationKey): Promise<Signalisation | undefined>;
  history(signalisationId: number): Promise<HistoryEntry[]>;
  comments(signalisationId: number): Promise<CommentEntry[]>;
}
