// The durable job queue of the line tests: pg-boss 10 on the gateway's own database (decision 0008).
// pg-boss runs every statement through `executeSql` over src/adapters/postgres/db.ts, so the same code works on
// PostgreSQL (one pool for the gateway and the queue) and on the embedded PGlite (one connection).
// A job is enqueued with the executor of the transaction that records its test request; workers
// take jobs with SELECT … FOR UPDATE SKIP LOCKED (never the same job twice at once), and a job whose
// worker vanished is failed by the queue's maintenance after `timeoutSeconds`, then retried
// (`maxAttempts` executions at most) or, once the attempts are used up, moved to the dead-letter
// queue where it ends its test in ECHEC.
// Only pg-boss's documented API is used (constructor options with `db`, createQueue, send with `db`,
// fetch, complete, fail, getJobById, getQueueSize, stop): its SQL text is never inspected and its
// tables are never read or written by our SQL, so that its next major is a version bump here.
import type { JobHandlers, LineTestJob } from '../../application/line-test-ports.js';
import os from 'node:os';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { LineTestJobs, SqlExecutor } from '../../application/line-test-ports.js';
import type { Database } from '../postgres/db.js';

export const LINE_TEST_QUEUE = 'esav-line-test';
/** Jobs whose attempts are used up (including executions lost with their worker). */
export const LINE_TEST_DEAD_LETTER = 'esav-line-test-echec';
/** The database schema pg-boss keeps its tables in (its `schema` option). */
export const QUEUE_SCHEMA = 'pgboss';

export interface QueueSettings {
  /** Executions of one test at most (first one included). */
  maxAttempts: number;
  /** An execution silent for longer is considered lost: its job is failed and retried. */
  timeoutSeconds: number;
  retryDelaySeconds: number;
  /** How often an idle worker looks for a job (500 ms at least). */
  pollingIntervalMs: number;
  /** How often the queue's maintenance (expiry of lost executions, archiving) runs. */
  maintenanceIntervalSeconds: number;
}

// What a job is and what runs it are the use case's (src/application/line-test-ports.ts).
export type { JobHandlers, LineTestJob } from '../../application/line-test-ports.js';

export type QueuedJobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** A line-test job as the queue holds it (support, tests). */
export interface QueuedJob {
  id: string;
  testId: number;
  state: QueuedJobState;
  /** Executions retried so far (0 on the first one). */
  retryCount: number;
}

/** Jobs of the test queue by state: waiting, waiting to be retried, running. */
export interface QueueDepth {
  created: number;
  retry: number;
  active: number;
}

/**
 * pg-boss's executor over one of our query runners (a pool, PGlite, or an open transaction): the
 * documented `db` option (`executeSql(text, values)` resolving `{ rows }`).
 */
export function executorOver(q: SqlExecutor): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      return { rows: await q.query(text, values) };
    },
  };
}

/**
 * pg-boss's executor over the gateway's database. A statement with parameters is one statement
 * (extended protocol); a text without any (schema creation and migration, maintenance, some
 * reads) may hold several statements and its own BEGIN … COMMIT, so it runs as a script
 * (`Database.script`: simple protocol, alone on its connection, rolled back if it fails, so that
 * a failing script never leaves a pooled connection inside an aborted transaction, and PGlite
 * gets the protocol multi-statement text needs). The text itself is never looked at.
 */
export function bossDatabase(db: Database): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values === undefined || values.length === 0) return { rows: await db.script(text) };
      return { rows: await db.query(text, values) };
    },
  };
}

interface Loop {
  name: string;
  wake(): void;
  done: Promise<void>;
}

export class LineTestQueue implements LineTestJobs {
  private readonly boss: PgBoss;
  private readonly loops: Loop[] = [];
  private stopping = false;
  private started = false;

  constructor(
    db: Database,
    private readonly settings: QueueSettings,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({
      db: bossDatabase(db),
      schema: QUEUE_SCHEMA,
      migrate: true,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
      archiveCompletedAfterSeconds: 3600,
      archiveFailedAfterSeconds: 7 * 24 * 3600,
      deleteAfterDays: 30,
    });
    this.boss.on('error', (error: unknown) => this.logger.error({ err: error }, 'job queue error'));
  }

  /**
   * Retries and expiry of this process's settings, given with every job: a queue's own settings
   * are those of the process that created it first, and processes (or tests) may differ.
   */
  private get jobOptions() {
    return {
      retryLimit: this.settings.maxAttempts - 1,
      retryDelay: this.settings.retryDelaySeconds,
      expireInSeconds: this.settings.timeoutSeconds,
    };
  }

  /** Installs or migrates the queue schema (idempotent, safe with several processes) and the queues. */
  async start(): Promise<void> {
    await this.boss.start();
    // Typed as whole queues (name included) and passed as (name, queue): the call pg-boss 10 and 11
    // both accept. A job inherits its queue's dead-letter queue.
    const deadLetter: PgBoss.Queue = { name: LINE_TEST_DEAD_LETTER, retryLimit: 5, retryDelay: 5, expireInSeconds: 60 };
    const tests: PgBoss.Queue = { name: LINE_TEST_QUEUE, ...this.jobOptions, deadLetter: LINE_TEST_DEAD_LETTER };
    await this.boss.createQueue(deadLetter.name, deadLetter);
    await this.boss.createQueue(tests.name, tests);
    // A read naming the queue, outside any transaction: pg-boss 11 looks a queue up once (then
    // caches it) on its own connection, which on PGlite (one session) must not first happen inside
    // the transaction of an enqueue. With pg-boss 10 it is one cheap read (null).
    await this.boss.getJobById(LINE_TEST_QUEUE, '00000000-0000-0000-0000-000000000000');
    this.started = true;
  }

  async enqueueInTransaction(executor: SqlExecutor, job: { jobId: string; testId: number }): Promise<void> {
    const id = await this.boss.send(LINE_TEST_QUEUE, { testId: job.testId }, { id: job.jobId, db: executorOver(executor), ...this.jobOptions });
    if (id === null) throw new Error(`job ${job.jobId} not enqueued`);
  }

  /** The test job `jobId` while the queue holds it (completed jobs leave it after an hour), or undefined. */
  async job(jobId: string): Promise<QueuedJob | undefined> {
    const job = await this.boss.getJobById<{ testId: number }>(LINE_TEST_QUEUE, jobId);
    if (!job) return undefined;
    return { id: job.id, testId: Number(job.data.testId), state: job.state, retryCount: job.retryCount };
  }

  /**
   * Test jobs waiting, waiting to be retried and running. pg-boss counts the jobs in the states
   * before a given one (created < retry < active < …): three counts, not one snapshot, hence the
   * floor at 0 when a job moves on between two of them.
   */
  async depth(): Promise<QueueDepth> {
    const [waiting, notRunning, notFinished] = await Promise.all(
      (['retry', 'active', 'completed'] as const).map((before) => this.boss.getQueueSize(LINE_TEST_QUEUE, { before })),
    );
    return {
      created: waiting!,
      retry: Math.max(0, notRunning! - waiting!),
      active: Math.max(0, notFinished! - notRunning!),
    };
  }

  wake(): void {
    for (const loop of this.loops) if (loop.name === LINE_TEST_QUEUE) loop.wake();
  }

  /** Starts `count` worker loops on the test queue and one on the dead-letter queue, in this process. */
  startWorkers(count: number, handlers: JobHandlers, workerName = `${os.hostname()}/${process.pid}`): void {
    if (!this.started) throw new Error('queue not started');
    for (let i = 1; i <= count; i++) this.loops.push(this.loop(LINE_TEST_QUEUE, `${workerName}/${i}`, handlers));
    if (count > 0) this.loops.push(this.loop(LINE_TEST_DEAD_LETTER, `${workerName}/echec`, handlers));
  }

  /**
   * One worker: takes one job at a time, runs it, then completes or fails it (awaited: nothing is
   * left in flight when it stops). Between jobs it waits the polling interval, or a wake-up.
   */
  private loop(queue: string, worker: string, handlers: JobHandlers): Loop {
    let wakeUp: (() => void) | undefined;
    const idle = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.settings.pollingIntervalMs);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    const run = async () => {
      while (!this.stopping) {
        let job: PgBoss.JobWithMetadata<{ testId: number }> | undefined;
        try {
          [job] = await this.boss.fetch<{ testId: number }>(queue, { batchSize: 1, includeMetadata: true });
        } catch (error) {
          this.logger.error({ err: error, worker }, 'job fetch failed');
        }
        if (!job) {
          if (!this.stopping) await idle();
          continue;
        }
        await this.runOne(queue, job, worker, handlers);
      }
    };
    return {
      name: queue,
      wake: () => wakeUp?.(),
      done: run(),
    };
  }

  private async runOne(queue: string, job: PgBoss.JobWithMetadata<{ testId: number }>, worker: string, handlers: JobHandlers): Promise<void> {
    const item: LineTestJob = {
      id: job.id,
      testId: Number(job.data.testId),
      lastAttempt: job.retryCount >= job.retryLimit,
      ...(job.output !== undefined && job.output !== null ? { output: job.output } : {}),
    };
    try {
      if (queue === LINE_TEST_DEAD_LETTER) {
        await handlers.deadLetter(item);
        await this.boss.complete(queue, job.id);
        return;
      }
      const outcome = await handlers.run(item, worker);
      // A superseded execution leaves the job to the execution that took it over.
      if (outcome === 'completed') await this.boss.complete(queue, job.id);
    } catch (error) {
      this.logger.warn({ err: error, worker, job: job.id, testId: item.testId, retryCount: job.retryCount }, 'job failed');
      try {
        await this.boss.fail(queue, job.id, { message: error instanceof Error ? error.message : String(error) });
      } catch (failError) {
        // The job stays active and expires: the queue's maintenance retries it.
        this.logger.error({ err: failError, job: job.id }, 'job could not be marked failed');
      }
    }
  }

  /**
   * Stops the workers: no new job is taken, the running ones get `graceMs` to finish (a job still
   * running after that is left to expire and be retried by another worker), then the queue's
   * maintenance stops.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const loop of this.loops) loop.wake();
    const all = Promise.all(this.loops.map((l) => l.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }
}
