// Volumetry (spec §3): requests are counted per operator, per minute, in the five kinds of article 6.
// This is the hook the use cases call at the exact point where a request counts; storing and
// reporting the counts is issue 8's (it provides a VolumetrySink). The default counts nothing.
import type { VolumetryKind } from '../domain/volumetry.js';
import type { SqlExecutor } from './line-test-ports.js';

export interface VolumetryEvent {
  /**
   * TEST_RESULTAT: a line test that produced a result (statut TERMINE, whatever the verdict). A
   * test request that ends in ECHEC, or is still running, does not count (spec §3).
   */
  kind: 'TEST_RESULTAT';
  operatorCode: string;
  /** When the request counted (business clock). */
  at: Date;
  /** The object counted, e.g. the idDemandeTest. */
  reference: string;
}

export interface VolumetrySink {
  /**
   * Called inside the transaction that records what counts (for a test: the one writing its
   * result), with that transaction's executor: a sink that writes through it counts each request
   * exactly once, even when a job is delivered twice.
   */
  record(event: VolumetryEvent, executor: SqlExecutor): Promise<void>;
}

/** The default sink: counts nothing. */
export const noVolumetry: VolumetrySink = {
  async record() {
    // nothing stored until the volumetry capability (issue 8) provides a sink
  },
};

/** One line of a volumetry report: requests of one kind, per operator (and minute). */
export interface VolumetryRow {
  operatorCode: string;
  /** Set when the report is per minute. */
  minute?: Date;
  kind: VolumetryKind;
  requests: number;
}

/**
 * How a report is detailed: `total` per operator and kind; `minute` per operator, minute and kind;
 * `pic` the busiest minute of each operator (all kinds together; the earliest of equals), per kind.
 */
export type VolumetryDetail = 'total' | 'minute' | 'pic';

/**
 * The most rows a per-minute report gives (operator × minute × kind: 40 operators active every
 * minute in two kinds make ≈ 115 000 a day). A longer period is refused rather than cut: the
 * report's totals would be silently wrong otherwise.
 */
export const VOLUMETRY_MINUTE_ROWS_MAX = 100_000;

/** The stored counts, as the back office reads them (SqlVolumetryRepository). */
export interface VolumetryReports {
  /**
   * Counts of [from, to) as `detail` says. Per minute, at most VOLUMETRY_MINUTE_ROWS_MAX + 1 rows:
   * one more than the maximum says the period holds more (the caller refuses it).
   */
  report(from: Date, to: Date, options: { operatorCode?: string; detail: VolumetryDetail }): Promise<VolumetryRow[]>;
}
