// What the line-test and travaux use cases need from storage and from the job queue (implemented in
// src/adapters/postgres/ and src/jobs/). A test request and its job are written in ONE transaction: the
// repository opens it and hands its executor to the queue (decision 0008).
import type { LocalisationProbable, Mesure, StatutTest, TestOutcome, TypeTest, Verdict } from '../domain/line-tests.js';
import type { ElementReseau, EtatTravaux, NatureIntervention, NatureTravaux } from '../domain/travaux.js';

/** A statement executor inside the transaction that records a test (structurally the store's Queryable). */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** The durable queue, as the use cases see it. */
export interface LineTestJobs {
  /** Enqueues the job of a test inside the caller's transaction: committed with it or not at all. */
  enqueueInTransaction(executor: SqlExecutor, job: { jobId: string; testId: number }): Promise<void>;
  /** After the commit: wakes the local workers up (optional latency improvement, never required). */
  wake(): void;
}

export interface LineTest {
  id: number;
  /** idDemandeTest */
  reference: string;
  operatorCode: string;
  prestationId: string;
  offerCode: string;
  typeTest: TypeTest;
  statut: StatutTest;
  verdict: Verdict | null;
  localisation: LocalisationProbable | null;
  mesures: Mesure[];
  motifEchec: string | null;
  /** The signalisation the test is linked to (asked with it, or named by its deposit). */
  signalisationReference: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  attempts: number;
}

export interface NewLineTest {
  operatorCode: string;
  prestationId: string;
  offerCode: string;
  typeTest: TypeTest;
  signalisationId?: number;
  requestedAt: Date;
  jobId: string;
}

/** The line a test runs on, as the network adapter needs it. */
export interface TestTarget {
  testId: number;
  reference: string;
  operatorCode: string;
  typeTest: TypeTest;
  prestationId: string;
  offerCode: string;
  codeInsee: string | null;
  extremites: Array<{ type: string; reference?: string }>;
  informations: Array<{ code: string; valeur: string }>;
}

export type ClaimResult =
  | { kind: 'claimed'; target: TestTarget; attempt: number }
  /** Already TERMINE or ECHEC: nothing to do (a job delivered again). */
  | { kind: 'done' }
  /** Still pending but the attempts are used up. */
  | { kind: 'exhausted'; attempts: number; lastError: string | null }
  | { kind: 'unknown' };

export interface LineTestRepository {
  /**
   * Stores the request (statut EN_ATTENTE) and, in the same transaction, lets `enqueue` write its
   * job: both are committed, or neither.
   */
  create(test: NewLineTest, enqueue: (executor: SqlExecutor, created: { id: number }) => Promise<void>): Promise<LineTest>;
  /** The operator's test (never another operator's). */
  find(operatorCode: string, reference: string): Promise<LineTest | undefined>;
  /** The tests linked to a signalisation, oldest first. */
  linkedTo(signalisation: { id: number; operatorCode: string; idDemandeTest: string | null }): Promise<LineTest[]>;

  // ---- execution (workers)
  /**
   * Starts one execution: EN_ATTENTE/EN_COURS → EN_COURS, attempts + 1, a new run token (the only
   * one allowed to write the result) and a run row, unless the test is finished or has used
   * `maxAttempts` executions.
   */
  claim(testId: number, run: { token: string; worker: string; at: Date; maxAttempts: number }): Promise<ClaimResult>;
  /**
   * Records the result of the run holding `token` (TERMINE) and calls `onResult` in the same
   * transaction. False (nothing written) when the run lost its claim or the test is finished.
   */
  complete(testId: number, token: string, outcome: TestOutcome, at: Date, onResult: (executor: SqlExecutor, test: LineTest) => Promise<void>): Promise<boolean>;
  /**
   * A failed execution: the test waits for a retry (EN_ATTENTE) with the reason kept. False when
   * the execution had lost its claim (nothing changed on the test).
   */
  recordError(testId: number, token: string, reason: string, at: Date): Promise<boolean>;
  /** ECHEC with its reason, unless already finished; true when this call finished it. */
  fail(testId: number, motif: (attempts: number, lastError: string | null) => string, at: Date): Promise<boolean>;
}

// ---------------------------------------------------------------- travaux

export interface Travaux {
  id: number;
  reference: string;
  nature: NatureTravaux;
  etat: EtatTravaux;
  libelle: string;
  equipement: string;
  referencePm: string | null;
  referencePmTechnique: string | null;
  dateDebut: Date;
  dateFin: Date | null;
  interventionRequiseOC: boolean;
  travauxCuratifs: boolean | null;
  natureIntervention: NatureIntervention | null;
  commentaire: string | null;
  contactOI: string | null;
  referenceIncident: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  perimetre: ElementReseau[];
}

/** A work as one operator sees it: the prestations of that operator it impacts. */
export interface TravauxImpact {
  travaux: Travaux;
  prestations: string[];
  /** The PTO references of those prestations (Interop'Fibre referencePriseImpactees). */
  prises: string[];
}

export interface NewTravaux {
  reference?: string;
  nature: NatureTravaux;
  libelle: string;
  equipement: string;
  referencePm?: string;
  referencePmTechnique?: string;
  dateDebut: Date;
  dateFin?: Date;
  interventionRequiseOC: boolean;
  travauxCuratifs?: boolean;
  natureIntervention?: NatureIntervention;
  commentaire?: string;
  contactOI?: string;
  referenceIncident?: string;
  perimetre: ElementReseau[];
  at: Date;
}

/** Fields a back-office update may change (absent: unchanged; null: removed). */
export interface TravauxChanges {
  libelle?: string;
  dateDebut?: Date;
  dateFin?: Date | null;
  interventionRequiseOC?: boolean;
  travauxCuratifs?: boolean | null;
  natureIntervention?: NatureIntervention | null;
  commentaire?: string | null;
  contactOI?: string | null;
  referenceIncident?: string | null;
  perimetre?: ElementReseau[];
}

export interface ImpactFilter {
  operatorCode: string;
  prestationId?: string;
  /** Only prestations of these offers. */
  offerCodes?: readonly string[];
  /** Only works overlapping [debut, fin). */
  overlap?: { debut: Date; fin: Date };
  /** Works closed before this instant are left out. */
  visibleSince: Date;
  /** Only works on FTTH network elements (PM, PMT, PBO, LIENPMPBO) with a PM reference. */
  ftthOnly?: boolean;
  limit: number;
}

export interface TravauxRepository {
  /** Inserts a work and its perimeter; undefined when the reference is taken. */
  insert(travaux: NewTravaux): Promise<Travaux | undefined>;
  find(reference: string): Promise<Travaux | undefined>;
  /** Locks the work, lets `decide` compute the change, writes it; undefined when unknown. */
  update(reference: string, decide: (current: Travaux) => { etat: EtatTravaux; changes: TravauxChanges; closedAt?: Date }, at: Date): Promise<Travaux | undefined>;
  list(filter: { openOnly: boolean; limit: number }): Promise<Travaux[]>;
  /** The visible works impacting the operator's prestations, by start date. */
  impacting(filter: ImpactFilter): Promise<TravauxImpact[]>;
  /** References of the open incidents impacting a prestation at `at` (network simulator). */
  openIncidents(prestationId: string, at: Date): Promise<string[]>;
}

/** One execution of a line test as the durable queue hands it to a worker. */
export interface LineTestJob {
  id: string;
  testId: number;
  /** No retry will follow a failure of this execution. */
  lastAttempt: boolean;
  /** What the queue recorded of the failure (dead-letter jobs only). */
  output?: unknown;
}

export interface JobHandlers {
  /** Runs one job; 'superseded' when the execution lost its claim (the job is then left alone). */
  run(job: LineTestJob, worker: string): Promise<'completed' | 'superseded'>;
  /** A job whose attempts are used up. */
  deadLetter(job: LineTestJob): Promise<void>;
}
