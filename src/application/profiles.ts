// Profiles administered by support staff (issue 14): a profile grants SOAP operations (by their
// WSDL names, '*' for all) to the certificates and portal users bound to it. Create, change the
// operations granted, retire (refused while a certificate not revoked or an enabled portal user
// uses it; a retired profile can no longer be bound). Every change is audited with the support
// staff member's name, in the same transaction. A change of the operations granted applies at once
// in this process (the identities cached per mTLS connection are looked up again; the portal reads
// its user's grants on every request), in the other processes at their trust refresh.
import type { Clock } from '../domain/clock.js';
import { ALL_OPERATIONS } from '../domain/identity.js';
import { UseCaseError } from './errors.js';
import type { ProfileAdminRecord, ProfileRepository } from './profile-ports.js';

export const PROFILE_NAME = /^[A-Z0-9_]{1,64}$/;
export const MAX_LIBELLE = 200;

export interface ProfileServiceDeps {
  repository: ProfileRepository;
  /** Every operation name the gateway serves (the WSDL operation names of its endpoints). */
  knownOperations: readonly string[];
  clock: Clock;
  /** The running gateway's identity cache; absent when no gateway runs in this process. */
  identities?: { identitiesChanged(): void };
}

export interface ProfileInput {
  name: string;
  libelle: string;
  operations: readonly string[];
}

export class ProfileService {
  private readonly known: ReadonlySet<string>;

  constructor(private readonly deps: ProfileServiceDeps) {
    this.known = new Set(deps.knownOperations);
  }

  /** The operation names a profile may grant, sorted ('*' apart). */
  operationNames(): string[] {
    return [...this.known].sort();
  }

  list(): Promise<ProfileAdminRecord[]> {
    return this.deps.repository.list();
  }

  async show(name: string): Promise<ProfileAdminRecord> {
    const found = await this.deps.repository.find(name);
    if (!found) throw new UseCaseError('not-found', `profil ${name} inconnu`);
    return found;
  }

  async create(agent: string, input: ProfileInput): Promise<ProfileAdminRecord> {
    if (!PROFILE_NAME.test(input.name)) throw new UseCaseError('invalid', 'requête invalide : nom : format invalide (A-Z, 0-9 et _, 64 caractères au plus)');
    const libelle = this.libelle(input.libelle);
    const operations = this.operations(input.operations);
    const at = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      if (!(await repo.create({ name: input.name, libelle, operations, createdAt: at, createdBy: agent }))) {
        throw new UseCaseError('refused', `refusé : le profil ${input.name} existe déjà`);
      }
      await repo.audit({ at, actor: agent, action: 'PROFIL_CREE', details: { profil: input.name, libelle, operations } });
      return (await repo.find(input.name))!;
    });
  }

  /** Changes the operations granted (and the libellé, when given); effective for live connections and sessions. */
  async change(agent: string, name: string, change: { operations?: readonly string[]; libelle?: string }): Promise<ProfileAdminRecord> {
    if (change.operations === undefined && change.libelle === undefined) {
      throw new UseCaseError('invalid', 'requête invalide : corps : operations ou libelle attendu');
    }
    const operations = change.operations === undefined ? undefined : this.operations(change.operations);
    const libelle = change.libelle === undefined ? undefined : this.libelle(change.libelle);
    const at = this.deps.clock.now();
    const updated = await this.deps.repository.transaction(async (repo) => {
      const current = await repo.find(name, true);
      if (!current) throw new UseCaseError('not-found', `profil ${name} inconnu`);
      if (current.retiredAt) throw new UseCaseError('refused', `refusé : le profil ${name} est retiré depuis le ${current.retiredAt.toISOString()}`);
      const next = { libelle: libelle ?? current.libelle, operations: operations ?? current.operations };
      await repo.update(name, next);
      await repo.audit({
        at,
        actor: agent,
        action: 'PROFIL_OPERATIONS_MODIFIEES',
        details: {
          profil: name,
          avant: { libelle: current.libelle, operations: current.operations },
          apres: next,
          ajoutees: next.operations.filter((o) => !current.operations.includes(o)),
          retirees: current.operations.filter((o) => !next.operations.includes(o)),
        },
      });
      return (await repo.find(name))!;
    });
    // Identities cached per mTLS connection carry the operations granted: looked up again.
    this.deps.identities?.identitiesChanged();
    return updated;
  }

  /** Retires the profile: refused while a certificate not revoked or an enabled portal user uses it. */
  async retire(agent: string, name: string): Promise<ProfileAdminRecord> {
    const at = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const current = await repo.find(name, true);
      if (!current) throw new UseCaseError('not-found', `profil ${name} inconnu`);
      if (current.retiredAt) throw new UseCaseError('refused', `refusé : le profil ${name} est déjà retiré (le ${current.retiredAt.toISOString()} par ${current.retiredBy ?? '?'})`);
      if (current.certificatesInUse > 0 || current.portalUsersInUse > 0) {
        throw new UseCaseError(
          'refused',
          `refusé : le profil ${name} est utilisé par ${current.certificatesInUse} certificat(s) non révoqué(s) et ${current.portalUsersInUse} utilisateur(s) du portail actif(s) : ` +
            'rattachez-les à un autre profil, révoquez ou désactivez-les avant de le retirer',
        );
      }
      await repo.retire(name, at, agent);
      await repo.audit({ at, actor: agent, action: 'PROFIL_RETIRE', details: { profil: name, libelle: current.libelle, operations: current.operations } });
      return (await repo.find(name))!;
    });
  }

  // ---------------------------------------------------------------- checks

  private libelle(value: string): string {
    const trimmed = value.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_LIBELLE) throw new UseCaseError('invalid', `requête invalide : libelle : 1 à ${MAX_LIBELLE} caractères attendus`);
    return trimmed;
  }

  /** Known names only, without duplicates, in the given order; '*' alone. */
  private operations(values: readonly string[]): string[] {
    const operations = [...new Set(values.map((v) => v.trim()))];
    if (operations.length === 0) throw new UseCaseError('invalid', 'requête invalide : operations : au moins une opération (ou * pour toutes)');
    if (operations.includes(ALL_OPERATIONS)) {
      if (operations.length > 1) throw new UseCaseError('invalid', 'requête invalide : operations : * accorde déjà toutes les opérations, il se donne seul');
      return operations;
    }
    const unknown = operations.filter((o) => !this.known.has(o));
    if (unknown.length > 0) {
      throw new UseCaseError(
        'invalid',
        `requête invalide : operations : opération(s) inconnue(s) de la passerelle : ${unknown.join(', ')} (connues : ${this.operationNames().join(', ')}, ou * pour toutes)`,
      );
    }
    return operations;
  }
}
