// The durable queue of the notices' e-mails (decision 0022): pg-boss 10 on the gateway's own
// database, like the line tests' queue (src/adapters/queue/queue.ts, decision 0008), in a queue of
// its own. A job (one notice, one operator) is enqueued in the transaction that writes the notice:
// a notice committed always has its e-mails, and a restart loses none. A failed sending is retried
// with an exponential backoff (the SMTP server down for a while), at most `retryLimit` times.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { NoticeMailJobs } from '../../application/notice-ports.js';
import type { SqlExecutor } from '../../application/line-test-ports.js';
import type { Database } from '../postgres/db.js';
import { bossDatabase, executorOver, QUEUE_SCHEMA } from './queue.js';

export const NOTICE_MAIL_QUEUE = 'esav-notice-mail';

export interface NoticeMailJob {
  noticeId: number;
  operatorCode: string;
}

export class NoticeMailQueue implements NoticeMailJobs {
  private readonly boss: PgBoss;
  private workerId: string | undefined;
  private readonly jobOptions = { retryLimit: 12, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 };

  constructor(
    db: Database,
    private readonly logger: Logger,
    private readonly pollingIntervalSeconds = 2,
  ) {
    this.boss = new PgBoss({ db: bossDatabase(db), schema: QUEUE_SCHEMA, migrate: true, supervise: true, schedule: false });
    this.boss.on('error', (error: unknown) => this.logger.error({ err: error }, 'notice mail queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(NOTICE_MAIL_QUEUE, { name: NOTICE_MAIL_QUEUE, ...this.jobOptions });
    // Looked up once outside any transaction (PGlite is one session; see queue.ts).
    await this.boss.getJobById(NOTICE_MAIL_QUEUE, '00000000-0000-0000-0000-000000000000');
  }

  async enqueueInTransaction(executor: SqlExecutor, job: NoticeMailJob): Promise<void> {
    const id = await this.boss.send(NOTICE_MAIL_QUEUE, job, { db: executorOver(executor), ...this.jobOptions });
    if (id === null) throw new Error(`notice mail job ${job.noticeId}/${job.operatorCode} not enqueued`);
  }

  wake(): void {
    if (this.workerId) this.boss.notifyWorker(this.workerId);
  }

  /** Sends the queued e-mails in this process (one at a time). */
  async startWorker(deliver: (job: NoticeMailJob) => Promise<unknown>): Promise<void> {
    this.workerId = await this.boss.work<NoticeMailJob>(NOTICE_MAIL_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.pollingIntervalSeconds }, async (jobs) => {
      for (const job of jobs) {
        try {
          await deliver({ noticeId: Number(job.data.noticeId), operatorCode: String(job.data.operatorCode) });
        } catch (error) {
          this.logger.warn({ err: error, notice: job.data.noticeId, operator: job.data.operatorCode }, 'notice e-mail not sent (retried later)');
          throw error;
        }
      }
    });
  }

  /** Jobs not yet completed (tests, support). */
  async pending(): Promise<number> {
    return this.boss.getQueueSize(NOTICE_MAIL_QUEUE, { before: 'completed' });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }
}
