// Ports of the support staff's administration of the web portal's accounts (issue 13): what the
// SQL repository of the accounts (src/adapters/postgres/web-accounts.ts) answers beyond the
// sign-in's needs, and the support audit log (the one of operators and certificates, decision 0009).
import type { AuditEntry } from './operator-ports.js';
import type { WebAccountRepository } from './web-account-ports.js';

/** One portal user in a list (never its hash or secret). */
export interface WebUserSummary {
  identifier: string;
  operatorCode: string;
  displayName: string;
  profileName: string;
  totpEnrolled: boolean;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface WebAccountAdminRepository
  extends Pick<WebAccountRepository, 'findUser' | 'createUser' | 'setPassword' | 'resetFailures' | 'revokeAllSessions' | 'setOperatorTotpRequired'> {
  operatorExists(operatorCode: string): Promise<boolean>;
  profileExists(profileName: string): Promise<boolean>;
  listUsers(operatorCode: string): Promise<WebUserSummary[]>;
  /** Disables the user at `at` (null: enables it); false when it does not exist. */
  setDisabled(identifier: string, at: Date | null): Promise<boolean>;
}

/** The append-only log of support actions (audit_log). */
export interface SupportAuditLog {
  audit(entry: AuditEntry): Promise<void>;
}
