// Ports of the notices to the operators (src/application/notices.ts, decision 0022): their storage
// with the read marks of the portal users and the e-mails sent, the transaction in which an
// announced action (a works window, a rate limit) and its notice are written together, and the
// durable queue that carries the e-mails (one job per notice and operator). Implemented on
// PostgreSQL by src/adapters/postgres/notices.ts and by src/adapters/queue/notice-mail-queue.ts.
import type { Notice, NoticeDraft, NoticeRule } from '../domain/notices.js';
import type { AuditEntry } from './operator-ports.js';
import type { MaintenanceWindowRepository, RateLimitRepository } from './operations-ports.js';
import type { SqlExecutor } from './line-test-ports.js';

export interface NewNotice extends NoticeDraft {
  publishedAt: Date;
  createdBy: string;
  /** What an automatic notice announces: a second notice for the same key is not written. */
  sourceKey: string | null;
  forcedRule: NoticeRule | null;
}

/** What is written inside one transaction: the action, its notice, the audit and the e-mail jobs. */
export interface NoticeTransaction {
  executor: SqlExecutor;
  maintenance: MaintenanceWindowRepository;
  rateLimits: Pick<RateLimitRepository, 'set'>;
  /** Inserts a notice; undefined when one with the same source key exists already. */
  insert(notice: NewNotice): Promise<Notice | undefined>;
  audit(entry: AuditEntry): Promise<void>;
  /** The codes of the operators concerned that exist and are not terminated (null: all of them). */
  recipients(operatorCodes: string[] | null): Promise<string[]>;
}

export interface NoticeWithRead extends Notice {
  /** When the portal user read it; null: unread. */
  readAt: Date | null;
}

export interface NoticeRepository {
  transaction<T>(work: (tx: NoticeTransaction) => Promise<T>): Promise<T>;
  /** Notices newest first (withdrawn ones included when asked), optionally those concerning one operator. */
  list(options: { operatorCode?: string; includeWithdrawn: boolean; limit: number }): Promise<Notice[]>;
  find(id: number): Promise<Notice | undefined>;
  /** Withdraws a notice (once); undefined when unknown. */
  withdraw(id: number, now: Date, audit: AuditEntry): Promise<Notice | undefined>;
  /** The notices (not withdrawn) concerning an operator, newest first, with the read mark of one portal user. */
  forUser(operatorCode: string, webUser: string, limit: number): Promise<NoticeWithRead[]>;
  unreadCount(operatorCode: string, webUser: string): Promise<number>;
  /** Marks notices read by a portal user (those concerning its operator only). */
  markRead(operatorCode: string, webUser: string, ids: number[] | 'all', now: Date): Promise<number>;
  /** The codes among `codes` that name an operator (terminated ones included). */
  existingOperators(codes: string[]): Promise<string[]>;
  /** The operator's addresses for notices: its designated e-SAV contact and its order-form address. */
  mailRecipients(operatorCode: string): Promise<{ name: string; addresses: string[] } | undefined>;
  /** Whether the e-mail of a notice to an operator was already sent. */
  mailSent(noticeId: number, operatorCode: string): Promise<boolean>;
  recordMail(noticeId: number, operatorCode: string, recipients: string[], at: Date, messageId: string | null): Promise<void>;
}

/** The durable queue of the notices' e-mails, as the use case sees it. */
export interface NoticeMailJobs {
  /** Enqueues inside the caller's transaction: committed with the notice or not at all. */
  enqueueInTransaction(executor: SqlExecutor, job: { noticeId: number; operatorCode: string }): Promise<void>;
  wake(): void;
}

/** Sends one e-mail (SMTP). */
export interface Mailer {
  send(mail: { to: string[]; subject: string; text: string }): Promise<{ messageId: string | null }>;
}
