// Ports of the conformance use cases (src/application/conformance-runs.ts): the recorded runs
// (what promotion to production checks), the campaigns the kit opens and closes, and the log of
// the calls served to each operator and certificate. Implemented on PostgreSQL by
// src/adapters/postgres/conformance-runs.ts and conformance-evidence.ts.
import type { ConformanceDomain } from '../domain/conformance.js';

export interface ConformanceRun {
  operatorCode: string;
  platform: 'integration' | 'production';
  domains: ConformanceDomain[];
  passedDomains: ConformanceDomain[];
  passed: boolean;
  startedAt: Date;
  finishedAt: Date;
  certificateFingerprint: string | null;
  reportJunit: string | null;
  reportHtml: string | null;
}

export interface RecordedRun extends ConformanceRun {
  id: number;
  recordedAt: Date;
}

export interface ConformanceRunRepository {
  record(run: ConformanceRun): Promise<RecordedRun>;
  /** One recorded run by id, whoever recorded it. */
  find(id: number): Promise<RecordedRun | undefined>;
  /** The operator's runs, most recent first. */
  list(operatorCode: string, limit?: number): Promise<RecordedRun[]>;
  /** Domains covered by at least one passing run of the operator on the integration platform. */
  passedDomains(operatorCode: string): Promise<Set<ConformanceDomain>>;
}

/** One SOAP call answered to an operator with a given certificate. */
export interface ServedOperation {
  at: Date;
  operatorCode: string;
  certificateFingerprint: string;
  path: string;
  operation: string | undefined;
  outcome: string;
  requestId: string;
}

export interface ServedCount {
  path: string;
  operation: string | null;
  outcome: string;
  count: number;
}

export interface ServedOperationsRepository {
  /** Writes a batch (one statement). */
  insert(batch: readonly ServedOperation[]): Promise<void>;
  /** What was served to that operator and certificate in [from, to], by path, operation and outcome. */
  counts(operatorCode: string, certificateFingerprint: string, from: Date, to: Date): Promise<ServedCount[]>;
  /** Removes the rows served before `before`; returns how many. */
  purge(before: Date): Promise<number>;
}

export interface Campaign {
  id: number;
  operatorCode: string;
  certificateFingerprint: string;
  domains: ConformanceDomain[];
  openedAt: Date;
  closedAt: Date | null;
  runId: number | null;
  evidence: unknown;
}

export interface ConformanceCampaignRepository {
  open(operatorCode: string, certificateFingerprint: string, domains: ConformanceDomain[], at: Date): Promise<Campaign>;
  /** The operator's campaign (another operator's is not found). */
  find(operatorCode: string, id: number): Promise<Campaign | undefined>;
  /** The campaign that recorded a run. */
  findByRun(runId: number): Promise<Campaign | undefined>;
  /**
   * Claims an open campaign for closing, once: sets its closing time and returns it, or undefined
   * when it is unknown, another operator's, or already closed (a concurrent or repeated submission).
   */
  claimForClosing(operatorCode: string, id: number, at: Date): Promise<Campaign | undefined>;
  /** Stores what a closed campaign recorded: the run, and the gateway's evidence per domain. */
  attach(id: number, runId: number, evidence: unknown): Promise<void>;
}
