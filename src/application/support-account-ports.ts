// Ports of the support staff's accounts (issue 14, decision 0021): the provider's staff who sign in
// to the support console are web_users of kind SUPPORT (SQL in src/adapters/postgres/support-accounts.ts).
import type { WebAccountRepository } from './web-account-ports.js';

/** A support staff account as listed (never its hash or secret). */
export interface SupportUserSummary {
  identifier: string;
  displayName: string;
  totpEnrolled: boolean;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface SupportAccountRepository extends Pick<WebAccountRepository, 'setPassword' | 'resetFailures' | 'revokeAllSessions' | 'setTotpSecret'> {
  /** Creates a SUPPORT account; false when the identifier is taken (by anyone). */
  createSupportUser(user: { identifier: string; displayName: string; passwordHash: string; createdAt: Date }): Promise<boolean>;
  findSupportUser(identifier: string): Promise<SupportUserSummary | undefined>;
  listSupportUsers(): Promise<SupportUserSummary[]>;
  /** Disables (at) or enables (null) a SUPPORT account; false when none has this identifier. */
  setSupportDisabled(identifier: string, at: Date | null): Promise<boolean>;
}
