// The support staff's administration of the web portal's accounts (issue 13), served by the admin
// API (src/adapters/admin-api/portal-accounts-routes.ts) and its command line (`npm run admin --
// portail …`): create a user (its generated password returned once), list an operator's users,
// reset a password, disable/enable, unlock, and the operator's "second factor required". Every
// change names the support staff member and is written to the support audit log; ending a user's
// access (password reset, disabling) closes its sessions at once.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { UseCaseError } from './errors.js';
import type { PasswordHasher, WebUserRecord } from './web-account-ports.js';
import type { SupportAuditLog, WebAccountAdminRepository, WebUserSummary } from './web-account-admin-ports.js';

export interface NewPortalAccount {
  operatorCode: string;
  identifier: string;
  displayName: string;
  profileName: string;
}

/** A portal account as support staff see it: the list's summary without its creation date. */
export type PortalAccountState = Omit<WebUserSummary, 'createdAt'>;

/** A password given once to support staff: 24 base64url characters (144 random bits). */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const OPERATOR = /^[A-Z0-9]{4}$/;

function state(u: WebUserRecord | WebUserSummary): PortalAccountState {
  return {
    identifier: u.identifier,
    operatorCode: u.operatorCode,
    displayName: u.displayName,
    profileName: u.profileName,
    totpEnrolled: 'totpSecret' in u ? u.totpSecret !== null : u.totpEnrolled,
    lockedUntil: u.lockedUntil,
    disabledAt: u.disabledAt,
  };
}

export class PortalAccountAdminService {
  constructor(
    private readonly repository: WebAccountAdminRepository,
    private readonly hasher: PasswordHasher,
    private readonly auditLog: SupportAuditLog,
    private readonly clock: Clock,
  ) {}

  /** Creates the user with a generated password, returned here only (never stored in clear). */
  async create(agent: string, account: NewPortalAccount): Promise<{ user: PortalAccountState; password: string }> {
    if (!OPERATOR.test(account.operatorCode)) throw new UseCaseError('invalid', `operateur : code ${account.operatorCode} invalide (4 caractères A-Z, 0-9)`);
    if (!IDENTIFIER.test(account.identifier)) {
      throw new UseCaseError('invalid', `identifiant : ${account.identifier} invalide (3 à 64 caractères parmi a-z, 0-9, « . », « _ », « - »)`);
    }
    const displayName = account.displayName.trim();
    if (displayName === '' || displayName.length > 200) throw new UseCaseError('invalid', 'nom : 1 à 200 caractères attendus');
    if (!(await this.repository.operatorExists(account.operatorCode))) {
      throw new UseCaseError('not-found', `operateur : opérateur ${account.operatorCode} inconnu`);
    }
    if (!(await this.repository.profileExists(account.profileName))) throw new UseCaseError('invalid', `profil : profil ${account.profileName} inconnu`);
    const password = generatePassword();
    const at = this.clock.now();
    const created = await this.repository.createUser({
      identifier: account.identifier,
      operatorCode: account.operatorCode,
      profileName: account.profileName,
      displayName,
      passwordHash: await this.hasher.hash(password),
      createdAt: at,
    });
    if (!created) throw new UseCaseError('refused', `identifiant : l’utilisateur ${account.identifier} existe déjà`);
    await this.auditLog.audit({
      at,
      actor: agent,
      action: 'PORTAIL_UTILISATEUR_CREE',
      operatorCode: account.operatorCode,
      details: { identifiant: account.identifier, profil: account.profileName },
    });
    return { user: state(await this.existing(account.identifier)), password };
  }

  async list(operatorCode: string): Promise<PortalAccountState[]> {
    if (!(await this.repository.operatorExists(operatorCode))) throw new UseCaseError('not-found', `operateur : opérateur ${operatorCode} inconnu`);
    return (await this.repository.listUsers(operatorCode)).map(state);
  }

  async show(identifier: string): Promise<PortalAccountState> {
    return state(await this.existing(identifier));
  }

  /** A new generated password (returned once); the lockout is lifted and every session closed. */
  async resetPassword(agent: string, identifier: string): Promise<{ user: PortalAccountState; password: string; sessionsClosed: number }> {
    const user = await this.existing(identifier);
    const password = generatePassword();
    await this.repository.setPassword(identifier, await this.hasher.hash(password));
    await this.repository.resetFailures(identifier);
    const at = this.clock.now();
    const sessionsClosed = await this.repository.revokeAllSessions(identifier, at);
    await this.auditLog.audit({ at, actor: agent, action: 'PORTAIL_MOT_DE_PASSE_REINITIALISE', operatorCode: user.operatorCode, details: { identifiant: identifier, sessionsFermees: sessionsClosed } });
    return { user: state(await this.existing(identifier)), password, sessionsClosed };
  }

  /** Disabled: the user cannot sign in and its sessions are closed at once. */
  async disable(agent: string, identifier: string): Promise<{ user: PortalAccountState; sessionsClosed: number }> {
    const user = await this.existing(identifier);
    const at = this.clock.now();
    if (user.disabledAt === null) await this.repository.setDisabled(identifier, at);
    const sessionsClosed = await this.repository.revokeAllSessions(identifier, at);
    await this.auditLog.audit({ at, actor: agent, action: 'PORTAIL_UTILISATEUR_DESACTIVE', operatorCode: user.operatorCode, details: { identifiant: identifier, sessionsFermees: sessionsClosed } });
    return { user: state(await this.existing(identifier)), sessionsClosed };
  }

  async enable(agent: string, identifier: string): Promise<PortalAccountState> {
    const user = await this.existing(identifier);
    await this.repository.setDisabled(identifier, null);
    await this.auditLog.audit({ at: this.clock.now(), actor: agent, action: 'PORTAIL_UTILISATEUR_ACTIVE', operatorCode: user.operatorCode, details: { identifiant: identifier } });
    return state(await this.existing(identifier));
  }

  /** Lifts a lockout (and restarts the failure count). */
  async unlock(agent: string, identifier: string): Promise<PortalAccountState> {
    const user = await this.existing(identifier);
    await this.repository.resetFailures(identifier);
    await this.auditLog.audit({
      at: this.clock.now(),
      actor: agent,
      action: 'PORTAIL_UTILISATEUR_DEVERROUILLE',
      operatorCode: user.operatorCode,
      details: { identifiant: identifier, verrouilleJusqua: user.lockedUntil?.toISOString() ?? null },
    });
    return state(await this.existing(identifier));
  }

  /** Whether every portal user of the operator must sign in with a second factor (enrolled at its next sign-in). */
  async requireTotp(agent: string, operatorCode: string, required: boolean): Promise<void> {
    if (!(await this.repository.setOperatorTotpRequired(operatorCode, required))) {
      throw new UseCaseError('not-found', `operateur : opérateur ${operatorCode} inconnu`);
    }
    await this.auditLog.audit({ at: this.clock.now(), actor: agent, action: required ? 'PORTAIL_TOTP_OBLIGATOIRE' : 'PORTAIL_TOTP_FACULTATIF', operatorCode });
  }

  private async existing(identifier: string): Promise<WebUserRecord> {
    const user = await this.repository.findUser(identifier);
    // Support staff accounts are administered by /admin/support… (support-accounts.ts), not here.
    if (!user || user.kind !== 'OPERATEUR') throw new UseCaseError('not-found', `identifiant : utilisateur ${identifier} inconnu`);
    return user;
  }
}
