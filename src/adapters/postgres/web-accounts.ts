// SQL of the web portal's accounts (migrations 0011_web_portal.sql, 0016_support_console.sql): users with their operator and
// profile, server-side sessions (stored by the hash of their id), the sign-in audit. Counters that
// several processes update (failures, TOTP steps) are changed by one atomic UPDATE each.
import type {
  NewWebSession,
  NewWebUser,
  SignInEvent,
  SignInOutcome,
  WebAccountRepository,
  WebSessionRecord,
  WebUserRecord,
} from '../../application/web-account-ports.js';
import type { WebAccountAdminRepository, WebUserSummary } from '../../application/web-account-admin-ports.js';
import type { Queryable } from './db.js';

interface UserRow {
  identifier: string;
  kind: 'OPERATEUR' | 'SUPPORT';
  operator_code: string;
  raison_sociale: string;
  siret: string;
  platform: string;
  web_totp_required: boolean;
  suspended_at: Date | null;
  termination_at: Date | null;
  profile_name: string;
  libelle: string;
  operations: string[];
  display_name: string;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: string | null;
  failed_attempts: number;
  locked_until: Date | null;
  disabled_at: Date | null;
}

interface SessionRow {
  id_hash: string;
  public_id: string;
  user_identifier: string;
  stage: 'TOTP' | 'ACTIVE';
  csrf_token: string;
  totp_failures: number;
  pending_totp_secret: string | null;
  user_agent: string | null;
  remote_address: string | null;
  created_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
}

const SESSION_COLUMNS =
  'id_hash, public_id, user_identifier, stage, csrf_token, totp_failures, pending_totp_secret, user_agent, remote_address, created_at, last_seen_at, revoked_at';

function toSession(r: SessionRow): WebSessionRecord {
  return {
    idHash: r.id_hash,
    publicId: r.public_id,
    userIdentifier: r.user_identifier,
    stage: r.stage,
    csrfToken: r.csrf_token,
    totpFailures: r.totp_failures,
    pendingTotpSecret: r.pending_totp_secret,
    userAgent: r.user_agent,
    remoteAddress: r.remote_address,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
  };
}

export class SqlWebAccountRepository implements WebAccountRepository, WebAccountAdminRepository {
  constructor(private readonly db: Queryable) {}

  async findUser(identifier: string): Promise<WebUserRecord | undefined> {
    const [r] = await this.db.query<UserRow>(
      `SELECT u.identifier, u.kind, coalesce(u.operator_code, '') AS operator_code, coalesce(o.raison_sociale, '') AS raison_sociale,
              coalesce(o.siret, '') AS siret, coalesce(o.platform, '') AS platform, coalesce(o.web_totp_required, false) AS web_totp_required,
              o.suspended_at, o.termination_at,
              coalesce(u.profile_name, '') AS profile_name, coalesce(p.libelle, '') AS libelle, coalesce(p.operations, '{}') AS operations,
              u.display_name, u.password_hash, u.totp_secret, u.totp_last_step, u.failed_attempts, u.locked_until, u.disabled_at
         FROM web_users u
         LEFT JOIN operators o ON o.code = u.operator_code
         LEFT JOIN profiles p ON p.name = u.profile_name
        WHERE u.identifier = $1`,
      [identifier],
    );
    if (!r) return undefined;
    return {
      identifier: r.identifier,
      kind: r.kind,
      operatorCode: r.operator_code.trim(),
      operatorName: r.raison_sociale,
      operatorSiret: r.siret,
      operatorPlatform: r.platform,
      operatorRequiresTotp: r.web_totp_required,
      operatorSuspendedAt: r.suspended_at,
      operatorTerminationAt: r.termination_at,
      profileName: r.profile_name,
      profileLibelle: r.libelle,
      operations: r.operations,
      displayName: r.display_name,
      passwordHash: r.password_hash,
      totpSecret: r.totp_secret,
      totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
      failedAttempts: r.failed_attempts,
      lockedUntil: r.locked_until,
      disabledAt: r.disabled_at,
    };
  }

  async createUser(user: NewWebUser): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO web_users (identifier, operator_code, profile_name, display_name, password_hash, totp_secret, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (identifier) DO NOTHING
       RETURNING identifier`,
      [user.identifier, user.operatorCode, user.profileName, user.displayName, user.passwordHash, user.totpSecret ?? null, user.createdAt],
    );
    return rows.length === 1;
  }

  async setPassword(identifier: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE web_users SET password_hash = $2 WHERE identifier = $1', [identifier, passwordHash]);
  }

  async setTotpSecret(identifier: string, secret: string | null): Promise<void> {
    await this.db.query('UPDATE web_users SET totp_secret = $2, totp_last_step = NULL WHERE identifier = $1', [identifier, secret]);
  }

  async setOperatorTotpRequired(operatorCode: string, required: boolean): Promise<boolean> {
    const rows = await this.db.query('UPDATE operators SET web_totp_required = $2 WHERE code = $1 RETURNING code', [operatorCode, required]);
    return rows.length === 1;
  }

  async recordFailure(identifier: string, threshold: number, lockUntil: Date): Promise<{ locked: boolean }> {
    // One statement: two processes counting at once cannot both miss the threshold.
    const [row] = await this.db.query<{ locked: boolean }>(
      `UPDATE web_users
          SET failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
              locked_until    = CASE WHEN failed_attempts + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
        WHERE identifier = $1
        RETURNING failed_attempts = 0 AS locked`,
      [identifier, threshold, lockUntil],
    );
    return { locked: row?.locked ?? false };
  }

  async resetFailures(identifier: string): Promise<void> {
    await this.db.query('UPDATE web_users SET failed_attempts = 0, locked_until = NULL WHERE identifier = $1 AND (failed_attempts <> 0 OR locked_until IS NOT NULL)', [identifier]);
  }

  async claimTotpStep(identifier: string, step: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE web_users SET totp_last_step = $2
        WHERE identifier = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
        RETURNING identifier`,
      [identifier, step],
    );
    return rows.length === 1;
  }

  async createSession(s: NewWebSession): Promise<void> {
    await this.db.query(
      `INSERT INTO web_sessions (id_hash, public_id, user_identifier, stage, csrf_token, pending_totp_secret, user_agent, remote_address, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [s.idHash, s.publicId, s.userIdentifier, s.stage, s.csrfToken, s.pendingTotpSecret, s.userAgent, s.remoteAddress, s.createdAt],
    );
  }

  async findSession(idHash: string): Promise<WebSessionRecord | undefined> {
    const [r] = await this.db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM web_sessions WHERE id_hash = $1`, [idHash]);
    return r ? toSession(r) : undefined;
  }

  async touchSession(idHash: string, at: Date): Promise<void> {
    await this.db.query('UPDATE web_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2', [idHash, at]);
  }

  async countTotpFailure(idHash: string): Promise<number> {
    const [r] = await this.db.query<{ totp_failures: number }>(
      'UPDATE web_sessions SET totp_failures = totp_failures + 1 WHERE id_hash = $1 RETURNING totp_failures',
      [idHash],
    );
    return r?.totp_failures ?? 0;
  }

  async revokeSession(idHash: string, at: Date): Promise<void> {
    await this.db.query('UPDATE web_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [idHash, at]);
  }

  async revokeSessionOf(userIdentifier: string, publicId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE web_sessions SET revoked_at = $3 WHERE user_identifier = $1 AND public_id = $2 AND revoked_at IS NULL RETURNING id_hash',
      [userIdentifier, publicId, at],
    );
    return rows.length === 1;
  }

  async revokeAllSessions(userIdentifier: string, at: Date): Promise<number> {
    const rows = await this.db.query(
      'UPDATE web_sessions SET revoked_at = $2 WHERE user_identifier = $1 AND revoked_at IS NULL RETURNING id_hash',
      [userIdentifier, at],
    );
    return rows.length;
  }

  async activeSessions(userIdentifier: string, since: Date): Promise<WebSessionRecord[]> {
    const rows = await this.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM web_sessions
        WHERE user_identifier = $1 AND revoked_at IS NULL AND last_seen_at >= $2
        ORDER BY created_at DESC LIMIT 50`,
      [userIdentifier, since],
    );
    return rows.map(toSession);
  }

  async deleteEndedSessions(idleBefore: Date, openedBefore: Date): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `WITH ended AS (
         DELETE FROM web_sessions WHERE revoked_at IS NOT NULL OR last_seen_at < $1 OR created_at < $2 RETURNING 1
       ) SELECT count(*)::int AS n FROM ended`,
      [idleBefore, openedBefore],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async recordSignIn(e: SignInEvent): Promise<void> {
    await this.db.query(
      'INSERT INTO web_sign_ins (at, identifier, operator_code, outcome, remote_address) VALUES ($1, $2, $3, $4, $5)',
      [e.at, e.identifier, e.operatorCode, e.outcome, e.remoteAddress],
    );
  }

  async countFailuresFrom(remoteAddress: string, since: Date): Promise<number> {
    const [r] = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM web_sign_ins
        WHERE remote_address = $1 AND at >= $2 AND outcome IN ('ECHEC', 'ECHEC_TOTP', 'VERROUILLAGE')`,
      [remoteAddress, since],
    );
    return Number(r?.n ?? 0);
  }

  async signIns(identifier: string, limit: number): Promise<SignInEvent[]> {
    const rows = await this.db.query<{ at: Date; identifier: string; operator_code: string | null; outcome: SignInOutcome; remote_address: string | null }>(
      'SELECT at, identifier, operator_code, outcome, remote_address FROM web_sign_ins WHERE identifier = $1 ORDER BY id DESC LIMIT $2',
      [identifier, limit],
    );
    return rows.map((r) => ({ at: r.at, identifier: r.identifier, operatorCode: r.operator_code, outcome: r.outcome, remoteAddress: r.remote_address }));
  }

  // ------------------------------------------------------------------ support administration

  async operatorExists(operatorCode: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM operators WHERE code = $1', [operatorCode])).length === 1;
  }

  async profileExists(profileName: string): Promise<boolean> {
    // A retired profile can no longer be bound (issue 14).
    return (await this.db.query('SELECT 1 FROM profiles WHERE name = $1 AND retired_at IS NULL', [profileName])).length === 1;
  }

  async listUsers(operatorCode: string): Promise<WebUserSummary[]> {
    const rows = await this.db.query<{
      identifier: string;
      operator_code: string;
      display_name: string;
      profile_name: string;
      totp_enrolled: boolean;
      locked_until: Date | null;
      disabled_at: Date | null;
      created_at: Date;
    }>(
      `SELECT identifier, operator_code, display_name, profile_name, totp_secret IS NOT NULL AS totp_enrolled, locked_until, disabled_at, created_at
         FROM web_users WHERE operator_code = $1 ORDER BY identifier`,
      [operatorCode],
    );
    return rows.map((r) => ({
      identifier: r.identifier,
      operatorCode: r.operator_code,
      displayName: r.display_name,
      profileName: r.profile_name,
      totpEnrolled: r.totp_enrolled,
      lockedUntil: r.locked_until,
      disabledAt: r.disabled_at,
      createdAt: r.created_at,
    }));
  }

  async setDisabled(identifier: string, at: Date | null): Promise<boolean> {
    const rows = await this.db.query('UPDATE web_users SET disabled_at = $2 WHERE identifier = $1 RETURNING identifier', [identifier, at]);
    return rows.length === 1;
  }
}
