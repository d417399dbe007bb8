// The ledger of the cluster-wide scheduled jobs (migration 0009, docs/decisions/0014-scheduler.md):
// `runOnce(job, period, work)` runs `work` only if no process ran that job for that period.
//
// PostgreSQL (several processes, several machines): one transaction per attempt takes the job's
// transaction-level advisory lock without waiting (`busy` if another process holds it: that one is
// running the job now), inserts the (job, period) row (`already-run` if it exists), runs `work`
// while holding the lock, records the end and commits. If the process dies during `work`, its
// connection closes, PostgreSQL rolls the transaction back and releases the lock: no row remains
// and the next process to try runs the period. `work` runs on other pooled connections, so its
// own writes are committed as it goes; only a commit lost after `work` ended (connection broken
// at that instant) lets the period be run again: the jobs are written to be idempotent.
//
// PGlite (embedded, a single process): its one connection cannot serve `work` while a transaction
// holds it, and no other process can claim, so the row is checked, `work` run, then the row written.
import type { Database } from './db.js';

export type ScheduledRunOutcome = 'ran' | 'already-run' | 'busy';

/** The advisory-lock namespace of the scheduler (the migrations use the one-key form). */
const LOCK_NAMESPACE = 0x65736368; // "esch"
/** Rows older than this are deleted as new periods are run (the ledger is not an archive). */
const KEEP_DAYS = 7;

export class SqlScheduledRuns {
  constructor(
    private readonly db: Database,
    /** Recorded with each run (host/pid). */
    private readonly processName: string,
  ) {}

  /** `work` resolves to an error message when the job failed (recorded), undefined otherwise. */
  async runOnce(job: string, periodStart: Date, work: () => Promise<string | undefined>): Promise<ScheduledRunOutcome> {
    if (this.db.kind === 'pglite') return this.runOnceEmbedded(job, periodStart, work);
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [LOCK_NAMESPACE, job]);
      if (!lock?.locked) return 'busy';
      const claimed = await tx.query(
        `INSERT INTO scheduled_runs (job, period_start, process, started_at) VALUES ($1, $2, $3, clock_timestamp())
         ON CONFLICT (job, period_start) DO NOTHING RETURNING job`,
        [job, periodStart, this.processName],
      );
      if (claimed.length === 0) return 'already-run';
      const error = await work();
      await tx.query('UPDATE scheduled_runs SET finished_at = clock_timestamp(), error = $3 WHERE job = $1 AND period_start = $2', [job, periodStart, error ?? null]);
      await tx.query(`DELETE FROM scheduled_runs WHERE job = $1 AND period_start < $2::timestamptz - interval '${KEEP_DAYS} days'`, [job, periodStart]);
      return 'ran';
    });
  }

  private async runOnceEmbedded(job: string, periodStart: Date, work: () => Promise<string | undefined>): Promise<ScheduledRunOutcome> {
    const done = await this.db.query('SELECT 1 FROM scheduled_runs WHERE job = $1 AND period_start = $2', [job, periodStart]);
    if (done.length > 0) return 'already-run';
    const startedAt = new Date();
    const error = await work();
    await this.db.query(
      `INSERT INTO scheduled_runs (job, period_start, process, started_at, finished_at, error) VALUES ($1, $2, $3, $4, clock_timestamp(), $5)
       ON CONFLICT (job, period_start) DO NOTHING`,
      [job, periodStart, this.processName, startedAt, error ?? null],
    );
    await this.db.query(`DELETE FROM scheduled_runs WHERE job = $1 AND period_start < $2::timestamptz - interval '${KEEP_DAYS} days'`, [job, periodStart]);
    return 'ran';
  }

  /** The periods a job was run for, oldest first (tests, support). */
  async runs(job: string): Promise<Array<{ periodStart: Date; process: string; error: string | null }>> {
    const rows = await this.db.query<{ period_start: Date; process: string; error: string | null }>(
      'SELECT period_start, process, error FROM scheduled_runs WHERE job = $1 ORDER BY period_start',
      [job],
    );
    return rows.map((r) => ({ periodStart: r.period_start, process: r.process, error: r.error }));
  }
}
