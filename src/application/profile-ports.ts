// What the profiles administration (src/application/profiles.ts, issue 14) needs from the
// outside: the profiles with how many certificates and portal users use each, and the audit log
// (SQL in src/adapters/postgres/profiles.ts).
import type { AuditEntry } from './operator-ports.js';

export interface ProfileAdminRecord {
  name: string;
  libelle: string;
  /** Operation names granted; '*' grants every operation. */
  operations: string[];
  createdAt: Date | null;
  createdBy: string | null;
  retiredAt: Date | null;
  retiredBy: string | null;
  /** Certificates bound to it and not revoked. */
  certificatesInUse: number;
  /** Portal users bound to it and enabled. */
  portalUsersInUse: number;
}

export interface NewProfile {
  name: string;
  libelle: string;
  operations: string[];
  createdAt: Date;
  createdBy: string;
}

export interface ProfileRepository {
  transaction<T>(work: (repository: ProfileRepository) => Promise<T>): Promise<T>;
  list(): Promise<ProfileAdminRecord[]>;
  /** The profile; `lock`: its row locked until the transaction ends (retire against a concurrent change). */
  find(name: string, lock?: boolean): Promise<ProfileAdminRecord | undefined>;
  /** Creates the profile; false when the name is taken. */
  create(profile: NewProfile): Promise<boolean>;
  update(name: string, change: { libelle: string; operations: string[] }): Promise<void>;
  retire(name: string, at: Date, by: string): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
}
