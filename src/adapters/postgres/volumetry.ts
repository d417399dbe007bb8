// SQL of the volumetry (migration 0007): counts per (minute, operator, kind), added in batches by
// one multi-row UPSERT (unnest of arrays: one statement whatever the batch size), and the report
// of a period.
import type { VolumetryKind } from '../../domain/volumetry.js';
import type { SqlExecutor } from '../../application/line-test-ports.js';
import { VOLUMETRY_MINUTE_ROWS_MAX, type VolumetryDetail, type VolumetryReports, type VolumetryRow, type VolumetrySink } from '../../application/volumetry.js';
import type { Queryable } from './db.js';

export interface VolumetryCount {
  operatorCode: string;
  minute: Date;
  kind: VolumetryKind;
  requests: number;
}

const UPSERT = `INSERT INTO volumetry AS v (operator_code, minute, kind, requests)
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[])
  ON CONFLICT (minute, operator_code, kind) DO UPDATE SET requests = v.requests + EXCLUDED.requests`;

/** Adds counts (each (operator, minute, kind) at most once in `counts`). */
export async function addVolumetry(db: Queryable | SqlExecutor, counts: readonly VolumetryCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.query(UPSERT, [counts.map((c) => c.operatorCode), counts.map((c) => c.minute), counts.map((c) => c.kind), counts.map((c) => c.requests)]);
}

const MINUTE_MS = 60_000;

/**
 * The sink of the line-test workers: a test that produced a result is counted in the transaction
 * that stores the result, through its executor, so it is counted exactly once.
 */
export const sqlVolumetrySink: VolumetrySink = {
  async record(event, executor) {
    const minute = new Date(Math.floor(event.at.getTime() / MINUTE_MS) * MINUTE_MS);
    await addVolumetry(executor, [{ operatorCode: event.operatorCode, minute, kind: event.kind, requests: 1 }]);
  },
};

export class SqlVolumetryRepository implements VolumetryReports {
  constructor(private readonly db: Queryable) {}

  /** Counts of [from, to) as `detail` says (VolumetryReports.report). */
  async report(from: Date, to: Date, options: { operatorCode?: string; detail: VolumetryDetail }): Promise<VolumetryRow[]> {
    const params: unknown[] = [from, to];
    let filter = '';
    if (options.operatorCode) {
      params.push(options.operatorCode);
      filter = ' AND operator_code = $3';
    }
    type MinuteRow = { operator_code: string; minute: Date; kind: VolumetryKind; requests: number };
    const perMinute = (rows: MinuteRow[]) => rows.map((r) => ({ operatorCode: r.operator_code, minute: r.minute, kind: r.kind, requests: Number(r.requests) }));
    if (options.detail === 'minute') {
      // One row past the maximum: the caller tells "too long a period" from "exactly the maximum".
      const rows = await this.db.query<MinuteRow>(
        `SELECT operator_code, minute, kind, requests FROM volumetry WHERE minute >= $1 AND minute < $2${filter}
          ORDER BY operator_code, minute, kind LIMIT ${VOLUMETRY_MINUTE_ROWS_MAX + 1}`,
        params,
      );
      return perMinute(rows);
    }
    if (options.detail === 'pic') {
      // The busiest minute per operator, computed here: the answer has one minute per operator
      // whatever the period's length (the console's peaks over a week of national traffic).
      const rows = await this.db.query<MinuteRow>(
        `WITH per_minute AS (
           SELECT operator_code, minute, sum(requests) AS total FROM volumetry WHERE minute >= $1 AND minute < $2${filter}
            GROUP BY operator_code, minute),
         busiest AS (SELECT DISTINCT ON (operator_code) operator_code, minute FROM per_minute ORDER BY operator_code, total DESC, minute)
         SELECT v.operator_code, v.minute, v.kind, v.requests FROM volumetry v JOIN busiest b USING (operator_code, minute)
          ORDER BY v.operator_code, v.kind`,
        params,
      );
      return perMinute(rows);
    }
    const rows = await this.db.query<{ operator_code: string; kind: VolumetryKind; requests: number }>(
      `SELECT operator_code, kind, sum(requests)::bigint AS requests FROM volumetry WHERE minute >= $1 AND minute < $2${filter}
        GROUP BY operator_code, kind ORDER BY operator_code, kind`,
      params,
    );
    return rows.map((r) => ({ operatorCode: r.operator_code, kind: r.kind, requests: Number(r.requests) }));
  }
}
