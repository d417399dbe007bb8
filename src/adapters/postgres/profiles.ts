// SQL of the profiles administration (issue 14): profiles with how many certificates (not
// revoked) and portal users (enabled) use each, created, changed and retired by support staff,
// and the audit log rows of those actions.
import type { AuditEntry } from '../../application/operator-ports.js';
import type { NewProfile, ProfileAdminRecord, ProfileRepository } from '../../application/profile-ports.js';
import type { Database, Queryable } from './db.js';
import { insertAudit } from './audit-log.js';

interface ProfileRow {
  name: string;
  libelle: string;
  operations: string[];
  created_at: Date | null;
  created_by: string | null;
  retired_at: Date | null;
  retired_by: string | null;
  certificates: number;
  portal_users: number;
}

const SELECT = `SELECT p.name, p.libelle, p.operations, p.created_at, p.created_by, p.retired_at, p.retired_by,
       (SELECT count(*)::int FROM client_certificates c WHERE c.profile_name = p.name AND c.revoked_at IS NULL) AS certificates,
       (SELECT count(*)::int FROM web_users u WHERE u.profile_name = p.name AND u.disabled_at IS NULL) AS portal_users
  FROM profiles p`;

const toProfile = (r: ProfileRow): ProfileAdminRecord => ({
  name: r.name,
  libelle: r.libelle,
  operations: r.operations,
  createdAt: r.created_at,
  createdBy: r.created_by,
  retiredAt: r.retired_at,
  retiredBy: r.retired_by,
  certificatesInUse: Number(r.certificates),
  portalUsersInUse: Number(r.portal_users),
});

export class SqlProfileRepository implements ProfileRepository {
  /** `q`: the open transaction, when bound to one. */
  constructor(
    private readonly db: Database,
    private readonly q: Queryable = db,
  ) {}

  transaction<T>(work: (repository: ProfileRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new SqlProfileRepository(this.db, tx)));
  }

  async list(): Promise<ProfileAdminRecord[]> {
    return (await this.q.query<ProfileRow>(`${SELECT} ORDER BY p.name`)).map(toProfile);
  }

  async find(name: string, lock = false): Promise<ProfileAdminRecord | undefined> {
    // The row locked first (FOR UPDATE is not allowed with the aggregates of SELECT).
    if (lock) await this.q.query('SELECT name FROM profiles WHERE name = $1 FOR UPDATE', [name]);
    const [row] = await this.q.query<ProfileRow>(`${SELECT} WHERE p.name = $1`, [name]);
    return row ? toProfile(row) : undefined;
  }

  async create(p: NewProfile): Promise<boolean> {
    const rows = await this.q.query(
      `INSERT INTO profiles (name, libelle, operations, created_at, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [p.name, p.libelle, p.operations, p.createdAt, p.createdBy],
    );
    return rows.length > 0;
  }

  async update(name: string, change: { libelle: string; operations: string[] }): Promise<void> {
    await this.q.query('UPDATE profiles SET libelle = $2, operations = $3 WHERE name = $1', [name, change.libelle, change.operations]);
  }

  async retire(name: string, at: Date, by: string): Promise<void> {
    await this.q.query('UPDATE profiles SET retired_at = $2, retired_by = $3 WHERE name = $1 AND retired_at IS NULL', [name, at, by]);
  }

  audit(entry: AuditEntry): Promise<void> {
    return insertAudit(this.q, entry);
  }
}
