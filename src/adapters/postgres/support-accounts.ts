// SQL of the support staff's accounts (migration 0016_support_console.sql, decision 0021): rows of
// web_users of kind SUPPORT (no operator, no profile). Sign-in, sessions, lockout and audit are the
// portal's own (SqlWebAccountRepository, inherited).
import type { SupportAccountRepository, SupportUserSummary } from '../../application/support-account-ports.js';
import type { Queryable } from './db.js';
import { SqlWebAccountRepository } from './web-accounts.js';

interface SupportRow {
  identifier: string;
  display_name: string;
  totp_enrolled: boolean;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'identifier, display_name, totp_secret IS NOT NULL AS totp_enrolled, locked_until, disabled_at, created_at';

const toSummary = (r: SupportRow): SupportUserSummary => ({
  identifier: r.identifier,
  displayName: r.display_name,
  totpEnrolled: r.totp_enrolled,
  lockedUntil: r.locked_until,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
});

export class SqlSupportAccountRepository extends SqlWebAccountRepository implements SupportAccountRepository {
  constructor(private readonly database: Queryable) {
    super(database);
  }

  async createSupportUser(user: { identifier: string; displayName: string; passwordHash: string; createdAt: Date }): Promise<boolean> {
    const rows = await this.database.query(
      `INSERT INTO web_users (identifier, kind, operator_code, profile_name, display_name, password_hash, created_at)
       VALUES ($1, 'SUPPORT', NULL, NULL, $2, $3, $4)
       ON CONFLICT (identifier) DO NOTHING
       RETURNING identifier`,
      [user.identifier, user.displayName, user.passwordHash, user.createdAt],
    );
    return rows.length === 1;
  }

  async findSupportUser(identifier: string): Promise<SupportUserSummary | undefined> {
    const [r] = await this.database.query<SupportRow>(`SELECT ${COLUMNS} FROM web_users WHERE identifier = $1 AND kind = 'SUPPORT'`, [identifier]);
    return r ? toSummary(r) : undefined;
  }

  async listSupportUsers(): Promise<SupportUserSummary[]> {
    return (await this.database.query<SupportRow>(`SELECT ${COLUMNS} FROM web_users WHERE kind = 'SUPPORT' ORDER BY identifier`)).map(toSummary);
  }

  async setSupportDisabled(identifier: string, at: Date | null): Promise<boolean> {
    const rows = await this.database.query("UPDATE web_users SET disabled_at = $2 WHERE identifier = $1 AND kind = 'SUPPORT' RETURNING identifier", [identifier, at]);
    return rows.length === 1;
  }
}
