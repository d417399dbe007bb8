// The support staff's accounts (issue 14, decision 0021): the provider's staff who use the support
// console (/console on the portal's port). Created, listed, disabled/enabled, unlocked, their
// password or second factor reset by the admin API (/admin/support/comptes…, its CLI `support …`).
// A generated password is returned once; the second factor is always required (enrolled at the
// first sign-in, again after a reset). Every change names the agent and is written to the audit log.
import type { Clock } from '../domain/clock.js';
import { UseCaseError } from './errors.js';
import { generatePassword } from './web-account-admin.js';
import type { SupportAuditLog } from './web-account-admin-ports.js';
import type { SupportAccountRepository, SupportUserSummary } from './support-account-ports.js';
import type { PasswordHasher } from './web-account-ports.js';
import { MIN_PASSWORD_LENGTH } from './web-accounts.js';

export type SupportAccountState = Omit<SupportUserSummary, 'createdAt'> & { createdAt: Date };

const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export class SupportAccountService {
  constructor(
    private readonly repository: SupportAccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly auditLog: SupportAuditLog,
    private readonly clock: Clock,
  ) {}

  /** Creates the account with a generated password (or the one given, e.g. the demo account's), returned once. */
  async create(agent: string, account: { identifier: string; displayName: string }, givenPassword?: string): Promise<{ user: SupportAccountState; password: string }> {
    if (!IDENTIFIER.test(account.identifier)) {
      throw new UseCaseError('invalid', `identifiant : ${account.identifier} invalide (3 à 64 caractères parmi a-z, 0-9, « . », « _ », « - »)`);
    }
    const displayName = account.displayName.trim();
    if (displayName === '' || displayName.length > 200) throw new UseCaseError('invalid', 'nom : 1 à 200 caractères attendus');
    if (givenPassword !== undefined && givenPassword.length < MIN_PASSWORD_LENGTH) {
      throw new UseCaseError('invalid', `motDePasse : ${MIN_PASSWORD_LENGTH} caractères au moins`);
    }
    const password = givenPassword ?? generatePassword();
    const at = this.clock.now();
    const created = await this.repository.createSupportUser({ identifier: account.identifier, displayName, passwordHash: await this.hasher.hash(password), createdAt: at });
    if (!created) throw new UseCaseError('refused', `identifiant : l’identifiant ${account.identifier} existe déjà`);
    await this.auditLog.audit({ at, actor: agent, action: 'SUPPORT_COMPTE_CREE', details: { identifiant: account.identifier } });
    return { user: await this.existing(account.identifier), password };
  }

  async exists(identifier: string): Promise<boolean> {
    return (await this.repository.findSupportUser(identifier)) !== undefined;
  }

  async list(): Promise<SupportAccountState[]> {
    return this.repository.listSupportUsers();
  }

  async show(identifier: string): Promise<SupportAccountState> {
    return this.existing(identifier);
  }

  /** Disabled: no sign-in any more, every session closed at once. */
  async disable(agent: string, identifier: string): Promise<{ user: SupportAccountState; sessionsClosed: number }> {
    const user = await this.existing(identifier);
    const at = this.clock.now();
    if (user.disabledAt === null) await this.repository.setSupportDisabled(identifier, at);
    const sessionsClosed = await this.repository.revokeAllSessions(identifier, at);
    await this.auditLog.audit({ at, actor: agent, action: 'SUPPORT_COMPTE_DESACTIVE', details: { identifiant: identifier, sessionsFermees: sessionsClosed } });
    return { user: await this.existing(identifier), sessionsClosed };
  }

  async enable(agent: string, identifier: string): Promise<SupportAccountState> {
    await this.existing(identifier);
    await this.repository.setSupportDisabled(identifier, null);
    await this.auditLog.audit({ at: this.clock.now(), actor: agent, action: 'SUPPORT_COMPTE_ACTIVE', details: { identifiant: identifier } });
    return this.existing(identifier);
  }

  /** A new generated password (returned once); lockout lifted, every session closed. */
  async resetPassword(agent: string, identifier: string, givenPassword?: string): Promise<{ user: SupportAccountState; password: string; sessionsClosed: number }> {
    await this.existing(identifier);
    if (givenPassword !== undefined && givenPassword.length < MIN_PASSWORD_LENGTH) {
      throw new UseCaseError('invalid', `motDePasse : ${MIN_PASSWORD_LENGTH} caractères au moins`);
    }
    const password = givenPassword ?? generatePassword();
    await this.repository.setPassword(identifier, await this.hasher.hash(password));
    await this.repository.resetFailures(identifier);
    const at = this.clock.now();
    const sessionsClosed = await this.repository.revokeAllSessions(identifier, at);
    await this.auditLog.audit({ at, actor: agent, action: 'SUPPORT_MOT_DE_PASSE_REINITIALISE', details: { identifiant: identifier, sessionsFermees: sessionsClosed } });
    return { user: await this.existing(identifier), password, sessionsClosed };
  }

  /** Forgets the second factor (lost phone): a new one is enrolled at the next sign-in; sessions closed. */
  async resetTotp(agent: string, identifier: string): Promise<{ user: SupportAccountState; sessionsClosed: number }> {
    await this.existing(identifier);
    await this.repository.setTotpSecret(identifier, null);
    const at = this.clock.now();
    const sessionsClosed = await this.repository.revokeAllSessions(identifier, at);
    await this.auditLog.audit({ at, actor: agent, action: 'SUPPORT_TOTP_REINITIALISE', details: { identifiant: identifier, sessionsFermees: sessionsClosed } });
    return { user: await this.existing(identifier), sessionsClosed };
  }

  async unlock(agent: string, identifier: string): Promise<SupportAccountState> {
    const user = await this.existing(identifier);
    await this.repository.resetFailures(identifier);
    await this.auditLog.audit({
      at: this.clock.now(),
      actor: agent,
      action: 'SUPPORT_COMPTE_DEVERROUILLE',
      details: { identifiant: identifier, verrouilleJusqua: user.lockedUntil?.toISOString() ?? null },
    });
    return this.existing(identifier);
  }

  private async existing(identifier: string): Promise<SupportAccountState> {
    const user = await this.repository.findSupportUser(identifier);
    if (!user) throw new UseCaseError('not-found', `identifiant : compte du support ${identifier} inconnu`);
    return user;
  }
}
