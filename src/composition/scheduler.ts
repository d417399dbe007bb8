// The one scheduler of a process's periodic jobs (docs/decisions/0014-scheduler.md). Two kinds:
//
// - cluster jobs, whose effect is global (the dashboard sweep, purging the rate-limit counters):
//   run once per period across every process and machine sharing the database. Each period is
//   claimed through a ledger (`ClusterRuns`, PostgreSQL: src/adapters/postgres/scheduled-runs.ts)
//   that holds the claim for the whole run and drops it if the process dies, so a period is
//   neither run twice nor lost with a process: another process, retrying every `retryMs` while
//   the period lasts, runs it;
// - per-process jobs, which refresh this process's memory (trust store, maintenance windows, rate
//   limits) or write it out (volumetry counts): run once per period in every process.
//
// A cluster job's periods are multiples of its interval since the Unix epoch on the injected clock,
// so every process names the same period the same way; a per-process job's periods start when it
// is registered (processes do not all refresh at the same instant, and a long interval really is
// that long after start). That clock is operational time (the system clock in
// the gateway), not the business clock, which tests and demonstrations set anywhere or freeze.
// A job never overlaps itself; different jobs run side by side. A failed run is logged and the
// schedule goes on (the next period runs again). `stop()` waits for the runs in progress.
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';

export type ClusterRunOutcome = 'ran' | 'already-run' | 'busy';

/** The port of the cluster-wide ledger (one claim per job and period). */
export interface ClusterRuns {
  /**
   * Runs `work` unless (job, period) was already run ('already-run') or another process is
   * running the job now ('busy'). `work` resolves to an error message when the job failed.
   */
  runOnce(job: string, periodStart: Date, work: () => Promise<string | undefined>): Promise<ClusterRunOutcome>;
}

export type JobScope = 'cluster' | 'process';

export interface SchedulerOptions {
  /** Operational time: periods are computed on it. */
  clock: Clock;
  logger: Logger;
  /** Required to register cluster jobs. */
  clusterRuns?: ClusterRuns;
  /** How soon a cluster job found busy (or whose claim failed) is tried again (default 1 s). */
  retryMs?: number;
}

interface Job {
  name: string;
  scope: JobScope;
  everyMs: number;
  /** The job; its signal is aborted by stop(), so a long job can end between two steps. */
  run: (signal: AbortSignal) => Promise<unknown>;
  /** Where its periods start: the Unix epoch (cluster) or its registration (per process). */
  origin: number;
  /** The last period this process ran (or, for a cluster job, saw run). */
  lastPeriod: number;
  /** A cluster job found busy is not tried again before this instant. */
  retryAt: number;
  running: Promise<void> | undefined;
  /** The last claim failure logged (once per period, not once per retry). */
  claimErrorPeriod: number;
}

/** The longest single wait: a clock set back or forward is noticed within it. */
const MAX_WAIT_MS = 30_000;

export const processName = (): string => `${os.hostname()}/${process.pid}`;

export class Scheduler {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private readonly retryMs: number;
  /** Aborted by stop(): the jobs that work in steps (the slot purge, the horizon) stop between two. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: SchedulerOptions) {
    this.retryMs = options.retryMs ?? 1000;
  }

  /** A job run once per period across all the processes sharing the database (first try: at start). */
  cluster(name: string, everyMs: number, run: (signal: AbortSignal) => Promise<unknown>): this {
    if (!this.options.clusterRuns) throw new Error(`scheduler: cluster job ${name} needs a ledger (clusterRuns)`);
    return this.add(name, 'cluster', everyMs, run, 0, Number.NEGATIVE_INFINITY);
  }

  /**
   * A job run once per period in this process. The current period counts as run: the process
   * loads what it needs before it opens its ports, the first refresh is due at the next period.
   */
  perProcess(name: string, everyMs: number, run: (signal: AbortSignal) => Promise<unknown>): this {
    const now = this.options.clock.now().getTime();
    return this.add(name, 'process', everyMs, run, now, now);
  }

  private add(name: string, scope: JobScope, everyMs: number, run: (signal: AbortSignal) => Promise<unknown>, origin: number, lastPeriod: number): this {
    if (!Number.isInteger(everyMs) || everyMs <= 0) throw new Error(`scheduler: job ${name} needs a positive interval in ms (got ${everyMs})`);
    if (this.jobs.some((j) => j.name === name)) throw new Error(`scheduler: job ${name} registered twice`);
    this.jobs.push({ name, scope, everyMs, run, origin, lastPeriod, retryAt: Number.NEGATIVE_INFINITY, running: undefined, claimErrorPeriod: Number.NaN });
    if (this.started) this.plan();
    return this;
  }

  /** The registered jobs (name, kind, interval). */
  get registered(): Array<{ name: string; scope: JobScope; everyMs: number }> {
    return this.jobs.map(({ name, scope, everyMs }) => ({ name, scope, everyMs }));
  }

  /** Starts the timer (it does not keep the process alive); due jobs start at once. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.tick();
  }

  /** Starts the jobs due now and waits for every run in progress (tests drive the clock with it). */
  async runDue(): Promise<void> {
    this.tick();
    await Promise.all(this.jobs.flatMap((j) => (j.running ? [j.running] : [])));
  }

  /** No job starts any more; resolves when the runs in progress have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.jobs.flatMap((j) => (j.running ? [j.running] : [])));
  }

  /** The start of the job's period that contains `now`. */
  private periodOf(now: number, job: Job): number {
    return job.origin + Math.floor((now - job.origin) / job.everyMs) * job.everyMs;
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.options.clock.now().getTime();
    for (const job of this.jobs) {
      if (job.running) continue;
      const period = this.periodOf(now, job);
      if (period <= job.lastPeriod || now < job.retryAt) continue;
      job.running = (job.scope === 'cluster' ? this.runCluster(job, period) : this.runHere(job, period)).finally(() => {
        job.running = undefined;
        if (this.started) this.plan();
      });
    }
    if (this.started) this.plan();
  }

  private async runHere(job: Job, period: number): Promise<void> {
    job.lastPeriod = period;
    try {
      await job.run(this.stopping.signal);
    } catch (error) {
      this.options.logger.error({ err: error, job: job.name }, 'scheduled job failed');
    }
  }

  private async runCluster(job: Job, period: number): Promise<void> {
    try {
      const outcome = await this.options.clusterRuns!.runOnce(job.name, new Date(period), async () => {
        try {
          await job.run(this.stopping.signal);
          return undefined;
        } catch (error) {
          this.options.logger.error({ err: error, job: job.name }, 'scheduled job failed');
          return error instanceof Error ? error.message : String(error);
        }
      });
      if (outcome === 'busy') {
        job.retryAt = this.options.clock.now().getTime() + this.retryMs;
      } else {
        job.lastPeriod = period;
        job.retryAt = Number.NEGATIVE_INFINITY;
      }
    } catch (error) {
      // The ledger is unreachable (database down): try again soon, log once per period.
      job.retryAt = this.options.clock.now().getTime() + this.retryMs;
      if (job.claimErrorPeriod !== period) {
        job.claimErrorPeriod = period;
        this.options.logger.warn({ err: error, job: job.name }, 'scheduled job not claimed (retrying)');
      }
    }
  }

  /** One timer: the next period boundary of a job, or the retry of a busy cluster job. */
  private plan(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.options.clock.now().getTime();
    let wake = Number.POSITIVE_INFINITY;
    for (const job of this.jobs) {
      if (job.running) continue;
      const nextPeriod = Math.max(job.lastPeriod + job.everyMs, this.periodOf(now, job));
      wake = Math.min(wake, Math.max(nextPeriod, job.retryAt));
    }
    if (wake === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_WAIT_MS, Math.max(0, wake - now)));
    this.timer.unref();
  }
}
