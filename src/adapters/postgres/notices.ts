// SQL of the notices to the operators (migration 0018, decision 0022): notices, the portal users'
// read marks, the e-mails sent, and the transaction in which an announced action (works window,
// rate limit) and its notice are written together with the audit entry and the e-mail jobs.
import type { NewNotice, NoticeRepository, NoticeTransaction, NoticeWithRead } from '../../application/notice-ports.js';
import type { AuditEntry } from '../../application/operator-ports.js';
import type { Notice, NoticeKind, NoticeRule } from '../../domain/notices.js';
import type { Database } from './db.js';
import { SqlMaintenanceRepository } from './maintenance.js';
import { insertAudit } from './audit-log.js';
import { SqlRateLimitRepository } from './rate-limits.js';

interface NoticeRow {
  id: string | number;
  kind: NoticeKind;
  operator_codes: string[] | null;
  title: string;
  body: string;
  published_at: Date;
  starts_at: Date | null;
  ends_at: Date | null;
  created_by: string;
  forced_rule: NoticeRule | null;
  withdrawn_at: Date | null;
  read_at?: Date | null;
}

const toNotice = (r: NoticeRow): Notice => ({
  id: Number(r.id),
  kind: r.kind,
  operatorCodes: r.operator_codes,
  title: r.title,
  body: r.body,
  publishedAt: r.published_at,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdBy: r.created_by,
  forcedRule: r.forced_rule,
  withdrawnAt: r.withdrawn_at,
});

const COLUMNS = 'n.id, n.kind, n.operator_codes, n.title, n.body, n.published_at, n.starts_at, n.ends_at, n.created_by, n.forced_rule, n.withdrawn_at';
/** The notices concerning operator $1. */
const CONCERNS = '(n.operator_codes IS NULL OR $1 = ANY (n.operator_codes))';

export class SqlNoticeRepository implements NoticeRepository {
  constructor(private readonly db: Database) {}

  async transaction<T>(work: (tx: NoticeTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (q) => {
      const tx: NoticeTransaction = {
        executor: q,
        maintenance: new SqlMaintenanceRepository(q),
        rateLimits: new SqlRateLimitRepository(q),
        async insert(n: NewNotice) {
          const rows = await q.query<NoticeRow>(
            `INSERT INTO notices AS n (kind, operator_codes, title, body, published_at, starts_at, ends_at, created_by, source_key, forced_rule)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (source_key) DO NOTHING RETURNING ${COLUMNS}`,
            [n.kind, n.operatorCodes, n.title, n.body, n.publishedAt, n.startsAt, n.endsAt, n.createdBy, n.sourceKey, n.forcedRule],
          );
          return rows[0] ? toNotice(rows[0]) : undefined;
        },
        audit: (entry) => insertAudit(q, entry),
        async recipients(codes) {
          const rows = await q.query<{ code: string }>(
            `SELECT code FROM operators WHERE termination_at IS NULL AND ($1::text[] IS NULL OR code = ANY ($1::text[])) ORDER BY code`,
            [codes],
          );
          return rows.map((r) => r.code);
        },
      };
      return work(tx);
    });
  }

  async list(options: { operatorCode?: string; includeWithdrawn: boolean; limit: number }): Promise<Notice[]> {
    const rows = await this.db.query<NoticeRow>(
      `SELECT ${COLUMNS} FROM notices n
        WHERE ($1::text IS NULL OR ${CONCERNS}) AND ($2 OR n.withdrawn_at IS NULL)
        ORDER BY n.published_at DESC, n.id DESC LIMIT $3`,
      [options.operatorCode ?? null, options.includeWithdrawn, options.limit],
    );
    return rows.map(toNotice);
  }

  async find(id: number): Promise<Notice | undefined> {
    const rows = await this.db.query<NoticeRow>(`SELECT ${COLUMNS} FROM notices n WHERE n.id = $1`, [id]);
    return rows[0] ? toNotice(rows[0]) : undefined;
  }

  async withdraw(id: number, now: Date, entry: AuditEntry): Promise<Notice | undefined> {
    return this.db.transaction(async (q) => {
      const rows = await q.query<NoticeRow>(
        `UPDATE notices n SET withdrawn_at = COALESCE(withdrawn_at, $2) WHERE n.id = $1 RETURNING ${COLUMNS}`,
        [id, now],
      );
      if (!rows[0]) return undefined;
      await insertAudit(q, entry);
      return toNotice(rows[0]);
    });
  }

  async forUser(operatorCode: string, webUser: string, limit: number): Promise<NoticeWithRead[]> {
    const rows = await this.db.query<NoticeRow>(
      `SELECT ${COLUMNS}, r.read_at FROM notices n
         LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.web_user = $2
        WHERE ${CONCERNS} AND n.withdrawn_at IS NULL
        ORDER BY n.published_at DESC, n.id DESC LIMIT $3`,
      [operatorCode, webUser, limit],
    );
    return rows.map((r) => ({ ...toNotice(r), readAt: r.read_at ?? null }));
  }

  async unreadCount(operatorCode: string, webUser: string): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM notices n
        WHERE ${CONCERNS} AND n.withdrawn_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.web_user = $2)`,
      [operatorCode, webUser],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async markRead(operatorCode: string, webUser: string, ids: number[] | 'all', now: Date): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO notice_reads (notice_id, web_user, read_at)
       SELECT n.id, $2, $3 FROM notices n
        WHERE ${CONCERNS} AND n.withdrawn_at IS NULL AND ($4::bigint[] IS NULL OR n.id = ANY ($4::bigint[]))
       ON CONFLICT DO NOTHING RETURNING notice_id`,
      [operatorCode, webUser, now, ids === 'all' ? null : ids],
    );
    return rows.length;
  }

  async existingOperators(codes: string[]): Promise<string[]> {
    const rows = await this.db.query<{ code: string }>('SELECT code FROM operators WHERE code = ANY ($1::text[])', [codes]);
    return rows.map((r) => r.code);
  }

  async mailRecipients(operatorCode: string): Promise<{ name: string; addresses: string[] } | undefined> {
    const rows = await this.db.query<{ raison_sociale: string; email: string | null; contact: string | null }>(
      `SELECT raison_sociale, email, esav_contact ->> 'email' AS contact FROM operators WHERE code = $1`,
      [operatorCode],
    );
    const r = rows[0];
    if (!r) return undefined;
    const addresses = [...new Set([r.contact, r.email].filter((a): a is string => typeof a === 'string' && a.length > 0))];
    return { name: r.raison_sociale, addresses };
  }

  async mailSent(noticeId: number, operatorCode: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM notice_mails WHERE notice_id = $1 AND operator_code = $2', [noticeId, operatorCode]);
    return rows.length > 0;
  }

  async recordMail(noticeId: number, operatorCode: string, recipients: string[], at: Date, messageId: string | null): Promise<void> {
    await this.db.query(
      'INSERT INTO notice_mails (notice_id, operator_code, recipients, sent_at, message_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [noticeId, operatorCode, recipients, at, messageId],
    );
  }
}
