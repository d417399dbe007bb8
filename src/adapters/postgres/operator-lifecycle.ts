// SQL of the operator's life cycle (issue 14): suspension, reactivation, termination (columns of
// `operators`, migration 0012), the revocation of the operator's portal sessions, and the audit
// log rows of those actions.
import type { AuditEntry, OperatorRecord } from '../../application/operator-ports.js';
import type { OperatorLifecycleRepository } from '../../application/operator-lifecycle.js';
import type { Database, Queryable } from './db.js';
import { toOperator, type OperatorRow } from './operators.js';
import { insertAudit } from './audit-log.js';

export class SqlOperatorLifecycleRepository implements OperatorLifecycleRepository {
  /** `q`: the open transaction, when bound to one. */
  constructor(
    private readonly db: Database,
    private readonly q: Queryable = db,
  ) {}

  transaction<T>(work: (repository: OperatorLifecycleRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new SqlOperatorLifecycleRepository(this.db, tx)));
  }

  async operator(code: string, lock = false): Promise<OperatorRecord | undefined> {
    if (lock) await this.q.query('SELECT code FROM operators WHERE code = $1 FOR UPDATE', [code]);
    const [row] = await this.q.query<OperatorRow>(
      `SELECT o.*, (SELECT count(*)::int FROM client_certificates c WHERE c.operator_code = o.code AND c.revoked_at IS NULL AND c.not_after > now()) AS active_certificates
         FROM operators o WHERE o.code = $1`,
      [code],
    );
    return row ? toOperator(row) : undefined;
  }

  async suspend(code: string, at: Date, by: string, reason: string): Promise<void> {
    await this.q.query('UPDATE operators SET suspended_at = $2, suspended_by = $3, suspension_reason = $4 WHERE code = $1', [code, at, by, reason]);
  }

  async reactivate(code: string): Promise<void> {
    await this.q.query('UPDATE operators SET suspended_at = NULL, suspended_by = NULL, suspension_reason = NULL WHERE code = $1', [code]);
  }

  async terminate(code: string, t: { date: string; at: Date; notifiedOn: string; by: string; reason: string | null }): Promise<void> {
    await this.q.query(
      `UPDATE operators SET termination_date = $2, termination_at = $3, termination_notified_on = $4, termination_recorded_by = $5, termination_reason = $6
        WHERE code = $1`,
      [code, t.date, t.at, t.notifiedOn, t.by, t.reason],
    );
  }

  async revokePortalSessions(operatorCode: string, at: Date): Promise<number> {
    const rows = await this.q.query(
      `UPDATE web_sessions SET revoked_at = $2
        WHERE revoked_at IS NULL AND user_identifier IN (SELECT identifier FROM web_users WHERE operator_code = $1)
       RETURNING id_hash`,
      [operatorCode, at],
    );
    return rows.length;
  }

  audit(entry: AuditEntry): Promise<void> {
    return insertAudit(this.q, entry);
  }
}
