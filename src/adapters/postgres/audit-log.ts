// The one writer of audit_log rows (the table of migration 0006, read by
// src/adapters/postgres/operators.ts `auditLog`): every repository that audits an action, in its
// own transaction or not, writes through it, so the columns and the JSON of `details` are the same
// whoever writes.
import type { AuditEntry } from '../../application/operator-ports.js';
import type { Queryable } from './db.js';

export async function insertAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query(`INSERT INTO audit_log (at, actor, action, operator_code, certificate_fingerprint, details) VALUES ($1, $2, $3, $4, $5, $6)`, [
    entry.at,
    entry.actor,
    entry.action,
    entry.operatorCode ?? null,
    entry.certificateFingerprint ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}
