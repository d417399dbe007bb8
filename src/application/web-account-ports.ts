// Ports of the web portal's accounts (e-SAV en ligne, issue 13): the repository of users, sessions
// and sign-in audit (SQL in src/adapters/postgres/web-accounts.ts), and the two secrets services
// (argon2id hashing, TOTP) implemented in src/adapters/web-portal/.

/**
 * OPERATEUR: a user of an operator's staff (its operator and profile); SUPPORT: the provider's
 * support staff, signed in to the console (/console), no operator nor profile (decision 0021).
 */
export type WebAccountKind = 'OPERATEUR' | 'SUPPORT';

/**
 * A portal user, with what its operator and profile say about it. For support staff (kind
 * SUPPORT) the operator and profile fields are empty strings and `operations` is empty.
 */
export interface WebUserRecord {
  identifier: string;
  kind: WebAccountKind;
  operatorCode: string;
  operatorName: string;
  operatorSiret: string;
  operatorPlatform: string;
  /** The operator requires a second factor of its portal users. */
  operatorRequiresTotp: boolean;
  /** The operator's suspension and termination instant (issue 14): its users stop working while suspended or from then on. */
  operatorSuspendedAt: Date | null;
  operatorTerminationAt: Date | null;
  profileName: string;
  profileLibelle: string;
  /** Operation names the profile grants; '*' grants every operation. */
  operations: string[];
  displayName: string;
  passwordHash: string;
  totpSecret: string | null;
  totpLastStep: number | null;
  failedAttempts: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
}

export interface NewWebUser {
  identifier: string;
  operatorCode: string;
  profileName: string;
  displayName: string;
  passwordHash: string;
  totpSecret?: string | null;
  createdAt: Date;
}

export type SessionStage = 'TOTP' | 'ACTIVE';

export interface WebSessionRecord {
  idHash: string;
  publicId: string;
  userIdentifier: string;
  stage: SessionStage;
  csrfToken: string;
  totpFailures: number;
  /** The secret offered at enrolment, until a code confirms it. */
  pendingTotpSecret: string | null;
  userAgent: string | null;
  remoteAddress: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
}

export type NewWebSession = Omit<WebSessionRecord, 'totpFailures' | 'revokedAt' | 'lastSeenAt'>;

export type SignInOutcome =
  | 'SUCCES'
  | 'ECHEC'
  | 'VERROUILLAGE'
  | 'REFUS_VERROUILLE'
  | 'REFUS_LIMITE'
  | 'TOTP_ATTENDU'
  | 'ECHEC_TOTP'
  | 'DECONNEXION'
  /** Right password, but the user's operator is suspended or terminated. */
  | 'REFUS_OPERATEUR';

export interface SignInEvent {
  at: Date;
  identifier: string;
  operatorCode: string | null;
  outcome: SignInOutcome;
  remoteAddress: string | null;
}

export interface WebAccountRepository {
  findUser(identifier: string): Promise<WebUserRecord | undefined>;
  /** Creates the user; false when the identifier is taken. */
  createUser(user: NewWebUser): Promise<boolean>;
  setPassword(identifier: string, passwordHash: string): Promise<void>;
  setTotpSecret(identifier: string, secret: string | null): Promise<void>;
  setOperatorTotpRequired(operatorCode: string, required: boolean): Promise<boolean>;
  /**
   * Counts one failed sign-in atomically (several processes may count at once) and, when the count
   * reaches `threshold`, locks the account until `lockUntil` and restarts the count. Returns
   * whether this failure locked it.
   */
  recordFailure(identifier: string, threshold: number, lockUntil: Date): Promise<{ locked: boolean }>;
  resetFailures(identifier: string): Promise<void>;
  /** Records the TOTP step used, only if later than the last one; false: the code was already used. */
  claimTotpStep(identifier: string, step: number): Promise<boolean>;

  createSession(session: NewWebSession): Promise<void>;
  findSession(idHash: string): Promise<WebSessionRecord | undefined>;
  touchSession(idHash: string, at: Date): Promise<void>;
  /** One more wrong TOTP code on a pending session; returns the count. */
  countTotpFailure(idHash: string): Promise<number>;
  revokeSession(idHash: string, at: Date): Promise<void>;
  /** Revokes the user's session whose public handle is given; false when it is not one of its own. */
  revokeSessionOf(userIdentifier: string, publicId: string, at: Date): Promise<boolean>;
  revokeAllSessions(userIdentifier: string, at: Date): Promise<number>;
  activeSessions(userIdentifier: string, since: Date): Promise<WebSessionRecord[]>;
  /** Deletes the sessions revoked, idle since `idleBefore` or opened before `openedBefore`; returns how many. */
  deleteEndedSessions(idleBefore: Date, openedBefore: Date): Promise<number>;

  recordSignIn(event: SignInEvent): Promise<void>;
  /** Failed sign-ins (ECHEC, ECHEC_TOTP) from one address since `since`, for the throttle. */
  countFailuresFrom(remoteAddress: string, since: Date): Promise<number>;
  signIns(identifier: string, limit: number): Promise<SignInEvent[]>;
}

/** Memory-hard password hashing (argon2id). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** Time-based one-time passwords (RFC 6238, 30 s steps, 6 digits). */
export interface TotpService {
  /** A new random secret, base32. */
  newSecret(): string;
  /** The time step the code matches at `now` (±1 step of drift), or null. */
  match(secret: string, code: string, now: Date): number | null;
  /** The otpauth:// URI an authenticator application reads. */
  uri(secret: string, account: string): string;
}
