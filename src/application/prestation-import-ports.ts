// What the prestations import and administration need from storage (SQL in
// src/adapters/postgres/prestation-imports.ts). Decision 0017.
import type { ImportFormat, ImportedPrestation, OperatorDirectory, RefusedLine } from '../domain/prestation-import.js';
import type { ParisDay } from '../domain/paris-calendar.js';
import type { Prestation } from './signalisation-ports.js';

export type ImportState = 'RUNNING' | 'DONE' | 'DRY_RUN' | 'REFUSED' | 'FAILED';

export interface ImportCounts {
  bytesRead: number;
  linesRead: number;
  accepted: number;
  refused: number;
  created: number;
  updated: number;
  unchanged: number;
}

export const ZERO_COUNTS: ImportCounts = { bytesRead: 0, linesRead: 0, accepted: 0, refused: 0, created: 0, updated: 0, unchanged: 0 };

export interface ImportRecord {
  id: string;
  state: ImportState;
  simulation: boolean;
  format: ImportFormat;
  agent: string;
  maxRefused: number | null;
  startedAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  counts: ImportCounts;
  reason: string | null;
}

export interface ImportAudit {
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/** The work of one import inside its one transaction. */
export interface PrestationImportSession {
  /** Stages valid lines (a batch). */
  stage(lines: readonly ImportedPrestation[]): Promise<void>;
  /** Records refused lines (a batch). */
  refuse(lines: readonly RefusedLine[]): Promise<void>;
  /** Publishes the progress on the import's row: readable by every process at once. */
  progress(counts: ImportCounts, at: Date): Promise<void>;
  /**
   * Refuses the staged lines that the file or the database contradicts: an identifier present on
   * several valid lines of the file (every such line), a prestation of another operator. Returns
   * how many lines it refused.
   */
  refuseConflicts(): Promise<number>;
  /** What applying the staged lines would do. */
  compare(): Promise<{ created: number; updated: number; unchanged: number }>;
  /** Upserts the staged lines into the prestations (only those that change something). */
  apply(): Promise<void>;
  /** The import's final state and counts, and its audit entry, in the same transaction. */
  finish(state: ImportState, counts: ImportCounts, at: Date, reason: string | null, audit: ImportAudit): Promise<void>;
}

export interface StoredPrestation extends Prestation {
  signalisations: number;
}

export interface PrestationImportRepository {
  /** Every operator's code and SIRET (a few dozens). */
  operatorDirectory(): Promise<OperatorDirectory>;
  /** Creates the import's row (RUNNING); false if the id is already taken. */
  start(record: { id: string; simulation: boolean; format: ImportFormat; agent: string; maxRefused: number | null; at: Date }): Promise<boolean>;
  /**
   * Runs `work` in one transaction (committed if it resolves, rolled back if it throws). `exclusive`:
   * one writing import at a time across every process; undefined is returned (nothing run) when
   * another holds it.
   */
  inTransaction<T>(importId: string, exclusive: boolean, work: (session: PrestationImportSession) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Ends an import outside its (rolled back) transaction: REFUSED or FAILED, with its audit entry. */
  end(id: string, state: ImportState, counts: ImportCounts, at: Date, reason: string, audit: ImportAudit): Promise<void>;
  find(id: string): Promise<ImportRecord | undefined>;
  list(limit: number): Promise<ImportRecord[]>;
  /** Refused lines by line number, after `afterLine`. */
  refusedLines(id: string, afterLine: number, limit: number): Promise<RefusedLine[]>;
  findPrestation(identifiant: string): Promise<StoredPrestation | undefined>;
  /** Sets the termination day, audited in the same transaction. */
  terminate(identifiant: string, day: ParisDay, at: Date, audit: ImportAudit): Promise<void>;
}
