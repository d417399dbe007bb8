// The durable queue of the push notifications (issue 15, decision 0023): pg-boss on the gateway's
// database, one job per "deliver this ticket's due events" (data: the signalisation id). The
// outbox rows (push_events, written in the transaction of each change) are the truth; a relay
// loop in every process looks for tickets whose first undelivered event is due and enqueues a job
// for each; worker loops take jobs and deliver (PushDelivery.deliverTicket, one ticket at a time
// under its lease, in sequence order). A job lost with its process (SIGKILL) is harmless: its
// events are still PENDING in push_events and the next relay pass enqueues them again.
// Only pg-boss's documented API is used (createQueue, send, fetch, complete, fail, stop).
import os from 'node:os';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { PushKicks } from '../../application/push-ports.js';
import type { Database } from '../postgres/db.js';
import { bossDatabase, QUEUE_SCHEMA } from './queue.js';

export const PUSH_QUEUE = 'esav-push';

export interface PushQueueSettings {
  /** Worker loops taking delivery jobs in this process (0: relay and enqueue only). */
  workers: number;
  /** How often an idle worker looks for a job, and how often the relay looks for due tickets. */
  pollingIntervalMs: number;
  /** A delivery job silent for longer is failed by pg-boss (its ticket is relayed again anyway). */
  jobTimeoutSeconds: number;
}

export interface PushJobHandler {
  dueTickets(): Promise<number[]>;
  deliverTicket(signalisationId: number): Promise<void>;
}

export class PushQueue implements PushKicks {
  private readonly boss: PgBoss;
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private readonly loops: Array<Promise<void>> = [];

  constructor(
    db: Database,
    private readonly settings: PushQueueSettings,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({ db: bossDatabase(db), schema: QUEUE_SCHEMA, migrate: true, supervise: false, schedule: false });
    this.boss.on('error', (error: unknown) => this.logger.error({ err: error }, 'push queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    // Policy "short" with the ticket as singleton key: at most one waiting job per ticket, however
    // often the relay finds it due (a job already waiting makes the next send a no-op).
    const queue: PgBoss.Queue = { name: PUSH_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: this.settings.jobTimeoutSeconds };
    await this.boss.createQueue(queue.name, queue);
  }

  async kick(signalisationIds: readonly number[]): Promise<void> {
    for (const signalisationId of signalisationIds) {
      await this.boss.send(PUSH_QUEUE, { signalisationId }, { singletonKey: String(signalisationId), retryLimit: 0, expireInSeconds: this.settings.jobTimeoutSeconds });
    }
    if (signalisationIds.length > 0) for (const wake of this.wakers) wake();
  }

  /** Starts the relay and the worker loops of this process. */
  startWorkers(handler: PushJobHandler, workerName = `${os.hostname()}/${process.pid}`): void {
    this.loops.push(this.loop(async () => {
      const due = await handler.dueTickets();
      await this.kick(due);
      return false;
    }, `${workerName}/push-relay`));
    for (let i = 1; i <= this.settings.workers; i++) {
      this.loops.push(
        this.loop(async () => {
          const [job] = await this.boss.fetch<{ signalisationId: number }>(PUSH_QUEUE, { batchSize: 1 });
          if (!job) return false;
          try {
            await handler.deliverTicket(Number(job.data.signalisationId));
            await this.boss.complete(PUSH_QUEUE, job.id);
          } catch (error) {
            this.logger.warn({ err: error, job: job.id }, 'push delivery job failed');
            await this.boss.fail(PUSH_QUEUE, job.id, { message: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
          }
          return true;
        }, `${workerName}/push-${i}`),
      );
    }
  }

  /** Runs `step` until stopped; waits the polling interval (or a wake-up) whenever it found nothing to do. */
  private async loop(step: () => Promise<boolean>, name: string): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        busy = await step();
      } catch (error) {
        this.logger.error({ err: error, worker: name }, 'push loop step failed');
      }
      if (busy || this.stopping) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.settings.pollingIntervalMs);
        this.wakers.add(done);
      });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await Promise.all(this.loops);
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }
}
