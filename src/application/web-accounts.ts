// Accounts of the web portal (e-SAV en ligne, issue 13): sign-in with password (argon2id) and,
// when the user enrolled one or its operator requires it, a TOTP second factor; server-side
// sessions (only a hash of the opaque id is stored; idle and absolute expiry; revocable); lockout
// of an account after repeated failures and a throttle per remote address, both counted in the
// database so that every process sees them; every attempt audited. Time comes from the Clock.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { UseCaseError } from './errors.js';
import type {
  PasswordHasher,
  SignInEvent,
  SignInOutcome,
  TotpService,
  WebAccountRepository,
  WebSessionRecord,
  WebAccountKind,
  WebUserRecord,
} from './web-account-ports.js';

export interface WebAccountPolicy {
  /** A session unused for longer is over. */
  sessionIdleMs: number;
  /** A session is over this long after its sign-in, used or not. */
  sessionMaxMs: number;
  /** Consecutive failures (password or TOTP) that lock an account… */
  lockoutThreshold: number;
  /** …for this long. */
  lockoutMs: number;
  /** Failed sign-ins from one address within `throttleWindowMs` after which it is refused. */
  throttleFailures: number;
  throttleWindowMs: number;
}

export const DEFAULT_WEB_ACCOUNT_POLICY: WebAccountPolicy = {
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 3600_000,
  lockoutThreshold: 5,
  lockoutMs: 15 * 60_000,
  throttleFailures: 30,
  throttleWindowMs: 15 * 60_000,
};

/** How long the password step stays valid while the second factor is awaited. */
export const TOTP_STEP_VALIDITY_MS = 5 * 60_000;
/** Wrong codes after which a pending second-factor step is abandoned. */
export const TOTP_MAX_FAILURES = 5;
/** Sessions are written back as used at most this often (one UPDATE per minute, not per request). */
const TOUCH_EVERY_MS = 60_000;
export const MIN_PASSWORD_LENGTH = 12;

/**
 * What the portal knows of the signed-in user (never its hash or secret). `role` SUPPORT: the
 * provider's support staff (the console, /console); their operator and profile fields are empty.
 */
export interface PortalUser {
  identifier: string;
  role: WebAccountKind;
  displayName: string;
  operatorCode: string;
  operatorName: string;
  operatorSiret: string;
  operatorPlatform: string;
  profileName: string;
  profileLibelle: string;
  operations: readonly string[];
  totpEnrolled: boolean;
}

export interface PortalSession {
  publicId: string;
  stage: 'TOTP' | 'ACTIVE';
  csrfToken: string;
  createdAt: Date;
  user: PortalUser;
  /** At the second-factor step of a user without a secret: the secret to enrol. */
  enrolment: { secret: string; uri: string } | null;
}

export interface ClientInfo {
  remoteAddress: string | null;
  userAgent: string | null;
}

export type SignInResult =
  | { kind: 'signed-in'; token: string; session: PortalSession }
  | { kind: 'totp'; token: string; session: PortalSession }
  | { kind: 'refused'; reason: 'credentials' | 'locked' | 'throttled' | 'operator'; lockedUntil?: Date };

export type TotpResult =
  | { kind: 'signed-in'; token: string; session: PortalSession }
  | { kind: 'refused'; reason: 'code' | 'expired' | 'locked' };

export interface SessionSummary {
  publicId: string;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  remoteAddress: string | null;
  current: boolean;
}

export interface NewPortalUser {
  identifier: string;
  operatorCode: string;
  profileName: string;
  displayName: string;
  password: string;
}

/** The stored form of a session id: its SHA-256 (hex). */
export function sessionIdHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The operator a sign-in event is recorded under: none for support staff. */
const operatorOf = (user: WebUserRecord): string | null => (user.kind === 'SUPPORT' ? null : user.operatorCode);

const newToken = (): string => randomBytes(32).toString('base64url');

/** A session id from a cookie is 43 base64url characters; anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class WebAccountService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly repository: WebAccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpService,
    private readonly clock: Clock,
    private readonly policy: WebAccountPolicy = DEFAULT_WEB_ACCOUNT_POLICY,
  ) {}

  async createUser(user: NewPortalUser): Promise<void> {
    if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(user.identifier)) {
      throw new UseCaseError('invalid', `Identifiant ${user.identifier} invalide : 3 à 64 caractères parmi a-z, 0-9, « . », « _ », « - »`);
    }
    if (user.password.length < MIN_PASSWORD_LENGTH) {
      throw new UseCaseError('invalid', `Mot de passe trop court : ${MIN_PASSWORD_LENGTH} caractères au moins`);
    }
    const created = await this.repository.createUser({
      identifier: user.identifier,
      operatorCode: user.operatorCode,
      profileName: user.profileName,
      displayName: user.displayName,
      passwordHash: await this.hasher.hash(user.password),
      createdAt: this.clock.now(),
    });
    if (!created) throw new UseCaseError('refused', `L'identifiant ${user.identifier} existe déjà`);
  }

  async userExists(identifier: string): Promise<boolean> {
    return (await this.repository.findUser(identifier)) !== undefined;
  }

  /** Sets a new password and ends every session of the user. */
  async setPassword(identifier: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new UseCaseError('invalid', `Mot de passe trop court : ${MIN_PASSWORD_LENGTH} caractères au moins`);
    }
    if (!(await this.repository.findUser(identifier))) throw new UseCaseError('not-found', `Utilisateur ${identifier} inconnu`);
    await this.repository.setPassword(identifier, await this.hasher.hash(password));
    await this.repository.resetFailures(identifier);
    await this.repository.revokeAllSessions(identifier, this.clock.now());
  }

  /** Enrols a TOTP secret for a user (support, tests); returns it. */
  async enrolTotp(identifier: string): Promise<string> {
    if (!(await this.repository.findUser(identifier))) throw new UseCaseError('not-found', `Utilisateur ${identifier} inconnu`);
    const secret = this.totp.newSecret();
    await this.repository.setTotpSecret(identifier, secret);
    return secret;
  }

  /** Whether the operator requires a second factor of every portal user. */
  async requireTotp(operatorCode: string, required: boolean): Promise<void> {
    if (!(await this.repository.setOperatorTotpRequired(operatorCode, required))) {
      throw new UseCaseError('not-found', `Opérateur ${operatorCode} inconnu`);
    }
  }

  async signIn(identifier: string, password: string, client: ClientInfo): Promise<SignInResult> {
    const now = this.clock.now();
    const typed = identifier.trim().toLowerCase().slice(0, 200);
    if (client.remoteAddress !== null) {
      const since = new Date(now.getTime() - this.policy.throttleWindowMs);
      if ((await this.repository.countFailuresFrom(client.remoteAddress, since)) >= this.policy.throttleFailures) {
        await this.audit(typed, null, 'REFUS_LIMITE', client);
        return { kind: 'refused', reason: 'throttled' };
      }
    }
    const user = await this.repository.findUser(typed);
    if (!user || user.disabledAt !== null) {
      // The same work as for a known user: the answer time does not tell whether it exists.
      await this.hasher.verify(await this.placeholderHash(), password);
      await this.audit(typed, user ? operatorOf(user) : null, 'ECHEC', client);
      return { kind: 'refused', reason: 'credentials' };
    }
    if (user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime()) {
      await this.audit(typed, operatorOf(user), 'REFUS_VERROUILLE', client);
      return { kind: 'refused', reason: 'locked', lockedUntil: user.lockedUntil };
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      return this.failure(user, client, 'ECHEC');
    }
    await this.repository.resetFailures(user.identifier);
    // Its operator suspended or terminated (issue 14): said only to who knows the password.
    if (operatorBlocked(user, now)) {
      await this.audit(typed, operatorOf(user), 'REFUS_OPERATEUR', client);
      return { kind: 'refused', reason: 'operator' };
    }
    // Support staff always sign in with a second factor (decision 0021).
    if (user.totpSecret !== null || user.operatorRequiresTotp || user.kind === 'SUPPORT') {
      const pending = user.totpSecret === null ? this.totp.newSecret() : null;
      const { token, record } = await this.openSession(user, 'TOTP', client, pending);
      await this.audit(typed, operatorOf(user), 'TOTP_ATTENDU', client);
      return { kind: 'totp', token, session: this.view(record, user) };
    }
    const { token, record } = await this.openSession(user, 'ACTIVE', client, null);
    await this.audit(typed, operatorOf(user), 'SUCCES', client);
    return { kind: 'signed-in', token, session: this.view(record, user) };
  }

  /** The second factor of a pending sign-in; on success the pending session is replaced by a new one. */
  async completeTotp(token: string, code: string, client: ClientInfo): Promise<TotpResult> {
    const now = this.clock.now();
    const found = await this.lookup(token);
    if (!found || found.record.stage !== 'TOTP' || now.getTime() - found.record.createdAt.getTime() > TOTP_STEP_VALIDITY_MS) {
      return { kind: 'refused', reason: 'expired' };
    }
    const { record, user } = found;
    const secret = user.totpSecret ?? record.pendingTotpSecret;
    const step = secret === null ? null : this.totp.match(secret, code.replace(/\s+/g, ''), now);
    // Enrolment confirmed by a right code: the secret is the user's from now on (before the step
    // is claimed: recording a secret restarts the steps used).
    if (step !== null && user.totpSecret === null && secret !== null) await this.repository.setTotpSecret(user.identifier, secret);
    if (step === null || !(await this.repository.claimTotpStep(user.identifier, step))) {
      const failures = await this.repository.countTotpFailure(record.idHash);
      const result = await this.failure(user, client, 'ECHEC_TOTP');
      if (result.reason === 'locked' || failures >= TOTP_MAX_FAILURES) {
        await this.repository.revokeSession(record.idHash, now);
        return { kind: 'refused', reason: result.reason === 'locked' ? 'locked' : 'expired' };
      }
      return { kind: 'refused', reason: 'code' };
    }
    await this.repository.resetFailures(user.identifier);
    await this.repository.revokeSession(record.idHash, now);
    const enrolled = { ...user, totpSecret: secret };
    const opened = await this.openSession(enrolled, 'ACTIVE', client, null);
    await this.audit(user.identifier, operatorOf(user), 'SUCCES', client);
    return { kind: 'signed-in', token: opened.token, session: this.view(opened.record, enrolled) };
  }

  /** The live session of a cookie value (pending or active), or undefined when over, revoked or unknown. */
  async session(token: string | undefined): Promise<PortalSession | undefined> {
    if (token === undefined) return undefined;
    const found = await this.lookup(token);
    if (!found) return undefined;
    const now = this.clock.now();
    if (now.getTime() - found.record.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.repository.touchSession(found.record.idHash, now);
    return this.view(found.record, found.user);
  }

  async signOut(token: string, client: ClientInfo): Promise<void> {
    const found = await this.lookup(token);
    if (!found) return;
    await this.repository.revokeSession(found.record.idHash, this.clock.now());
    await this.audit(found.user.identifier, operatorOf(found.user), 'DECONNEXION', client);
  }

  /**
   * Deletes the sessions that can no longer be used (revoked, idle or past their absolute expiry):
   * a periodic job, so the table holds the sessions in use only. Returns how many were deleted.
   */
  async purgeEndedSessions(): Promise<number> {
    const now = this.clock.now().getTime();
    return this.repository.deleteEndedSessions(new Date(now - this.policy.sessionIdleMs), new Date(now - this.policy.sessionMaxMs));
  }

  /** The user's live sessions, the current one marked. */
  async sessionsOf(session: PortalSession): Promise<SessionSummary[]> {
    const now = this.clock.now().getTime();
    const records = await this.repository.activeSessions(session.user.identifier, new Date(now - this.policy.sessionIdleMs));
    return records
      .filter((r) => r.stage === 'ACTIVE' && now - r.createdAt.getTime() < this.policy.sessionMaxMs)
      .map((r) => ({
        publicId: r.publicId,
        createdAt: r.createdAt,
        lastSeenAt: r.lastSeenAt,
        userAgent: r.userAgent,
        remoteAddress: r.remoteAddress,
        current: r.publicId === session.publicId,
      }));
  }

  /** Ends one of the user's own sessions; another user's handle is answered as unknown. */
  async revokeSession(session: PortalSession, publicId: string): Promise<void> {
    const valid = /^[0-9a-f-]{36}$/.test(publicId);
    if (!valid || !(await this.repository.revokeSessionOf(session.user.identifier, publicId, this.clock.now()))) {
      throw new UseCaseError('not-found', 'Session inconnue');
    }
  }

  /** Ends every session of a user (support, password change); returns how many. */
  async revokeAllSessions(identifier: string): Promise<number> {
    return this.repository.revokeAllSessions(identifier, this.clock.now());
  }

  async signIns(identifier: string, limit = 50): Promise<SignInEvent[]> {
    return this.repository.signIns(identifier, limit);
  }

  // ------------------------------------------------------------------ internals

  private placeholderHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(newToken());
    return this.dummyHash;
  }

  private async lookup(token: string): Promise<{ record: WebSessionRecord; user: WebUserRecord } | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const record = await this.repository.findSession(sessionIdHash(token));
    if (!record || record.revokedAt !== null) return undefined;
    const now = this.clock.now().getTime();
    if (now - record.lastSeenAt.getTime() > this.policy.sessionIdleMs) return undefined;
    if (now - record.createdAt.getTime() > this.policy.sessionMaxMs) return undefined;
    const user = await this.repository.findUser(record.userIdentifier);
    if (!user || user.disabledAt !== null) return undefined;
    // Checked on every request: a suspension or a termination ends the session at once.
    if (operatorBlocked(user, this.clock.now())) return undefined;
    return { record, user };
  }

  private async openSession(
    user: WebUserRecord,
    stage: 'TOTP' | 'ACTIVE',
    client: ClientInfo,
    pendingTotpSecret: string | null,
  ): Promise<{ token: string; record: WebSessionRecord }> {
    const token = newToken();
    const now = this.clock.now();
    const record: WebSessionRecord = {
      idHash: sessionIdHash(token),
      publicId: randomUUID(),
      userIdentifier: user.identifier,
      stage,
      csrfToken: newToken(),
      totpFailures: 0,
      pendingTotpSecret,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      remoteAddress: client.remoteAddress,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    };
    await this.repository.createSession(record);
    return { token, record };
  }

  private async failure(user: WebUserRecord, client: ClientInfo, outcome: 'ECHEC' | 'ECHEC_TOTP') {
    const lockedUntil = new Date(this.clock.now().getTime() + this.policy.lockoutMs);
    const { locked } = await this.repository.recordFailure(user.identifier, this.policy.lockoutThreshold, lockedUntil);
    await this.audit(user.identifier, operatorOf(user), locked ? 'VERROUILLAGE' : outcome, client);
    return locked ? ({ kind: 'refused', reason: 'locked', lockedUntil } as const) : ({ kind: 'refused', reason: 'credentials' } as const);
  }

  private view(record: WebSessionRecord, user: WebUserRecord): PortalSession {
    return {
      publicId: record.publicId,
      stage: record.stage,
      csrfToken: record.csrfToken,
      createdAt: record.createdAt,
      user: {
        identifier: user.identifier,
        role: user.kind,
        displayName: user.displayName,
        operatorCode: user.operatorCode,
        operatorName: user.operatorName,
        operatorSiret: user.operatorSiret,
        operatorPlatform: user.operatorPlatform,
        profileName: user.profileName,
        profileLibelle: user.profileLibelle,
        operations: user.operations,
        totpEnrolled: user.totpSecret !== null,
      },
      enrolment:
        record.stage === 'TOTP' && user.totpSecret === null && record.pendingTotpSecret !== null
          ? { secret: record.pendingTotpSecret, uri: this.totp.uri(record.pendingTotpSecret, `${user.kind === 'SUPPORT' ? 'support' : user.operatorCode}:${user.identifier}`) }
          : null,
    };
  }

  private audit(identifier: string, operatorCode: string | null, outcome: SignInOutcome, client: ClientInfo): Promise<void> {
    return this.repository.recordSignIn({ at: this.clock.now(), identifier, operatorCode, outcome, remoteAddress: client.remoteAddress });
  }
}

/** Whether the user's operator is suspended, or terminated at `now` (issue 14): its users stop working. */
function operatorBlocked(user: WebUserRecord, now: Date): boolean {
  return user.operatorSuspendedAt !== null || (user.operatorTerminationAt !== null && user.operatorTerminationAt.getTime() <= now.getTime());
}
