// The operator's life cycle administered by support staff (issue 14, spec §6): suspend (with a
// reason) and reactivate; record the termination, dated with the contract's two months' notice.
// A suspended operator, or a terminated one from its termination day on (per the injected clock),
// can no longer connect: its certificates are refused at the TLS handshake and their open
// connections closed at once in this process (in the others at their trust refresh, which also
// applies a termination when its day comes), its portal sessions are revoked and its users'
// sign-ins refused. Its data (tickets, certificates, order form) stays readable through the admin
// API. Every action is audited with the support staff member's name, in the same transaction.
import type { Clock } from '../domain/clock.js';
import { checkTermination, operatorState, type OperatorState } from '../domain/operator-lifecycle.js';
import { UseCaseError } from './errors.js';
import type { AuditEntry, OperatorRecord } from './operator-ports.js';

export interface OperatorLifecycleRepository {
  transaction<T>(work: (repository: OperatorLifecycleRepository) => Promise<T>): Promise<T>;
  /** The operator, its row locked until the transaction ends when `lock`. */
  operator(code: string, lock?: boolean): Promise<OperatorRecord | undefined>;
  suspend(code: string, at: Date, by: string, reason: string): Promise<void>;
  reactivate(code: string): Promise<void>;
  terminate(code: string, termination: { date: string; at: Date; notifiedOn: string; by: string; reason: string | null }): Promise<void>;
  /** Revokes every open portal session of the operator's users; returns how many. */
  revokePortalSessions(operatorCode: string, at: Date): Promise<number>;
  audit(entry: AuditEntry): Promise<void>;
}

export interface OperatorLifecycleDeps {
  repository: OperatorLifecycleRepository;
  /** Applies who may connect to the running TLS front (OperatorService.applyAccessChanges); returns the connections closed. */
  access: { applyAccessChanges(): Promise<number> };
  clock: Clock;
}

export interface LifecycleOutcome {
  operator: OperatorRecord;
  state: OperatorState;
  /** mTLS connections of the operator closed in this process. */
  connectionsClosed: number;
  /** Portal sessions of its users revoked. */
  sessionsClosed: number;
}

export class OperatorLifecycleService {
  constructor(private readonly deps: OperatorLifecycleDeps) {}

  /** The operator's state now. */
  stateOf(operator: OperatorRecord): OperatorState {
    return operatorState(operator.lifecycle, this.deps.clock.now());
  }

  async suspend(code: string, reason: string, agent: string): Promise<LifecycleOutcome> {
    const motif = reason.trim();
    if (motif === '') throw new UseCaseError('invalid', 'requête invalide : motif : obligatoire');
    const at = this.deps.clock.now();
    const sessionsClosed = await this.deps.repository.transaction(async (repo) => {
      const operator = await this.require(repo, code);
      const state = operatorState(operator.lifecycle, at);
      if (state === 'RESILIE') throw new UseCaseError('refused', `refusé : l’opérateur ${code} est résilié depuis le ${operator.lifecycle.terminationDate}`);
      if (state === 'SUSPENDU') {
        throw new UseCaseError('refused', `refusé : l’opérateur ${code} est déjà suspendu depuis le ${operator.lifecycle.suspendedAt!.toISOString()} (${operator.lifecycle.suspensionReason ?? ''})`);
      }
      await repo.suspend(code, at, agent, motif);
      const closed = await repo.revokePortalSessions(code, at);
      await repo.audit({ at, actor: agent, action: 'OPERATEUR_SUSPENDU', operatorCode: code, details: { motif, sessionsPortailFermees: closed } });
      return closed;
    });
    const connectionsClosed = await this.deps.access.applyAccessChanges();
    return this.outcome(code, connectionsClosed, sessionsClosed);
  }

  async reactivate(code: string, agent: string, reason?: string): Promise<LifecycleOutcome> {
    const at = this.deps.clock.now();
    await this.deps.repository.transaction(async (repo) => {
      const operator = await this.require(repo, code);
      const state = operatorState(operator.lifecycle, at);
      if (state === 'RESILIE') throw new UseCaseError('refused', `refusé : l’opérateur ${code} est résilié depuis le ${operator.lifecycle.terminationDate} : la résiliation est définitive`);
      if (state === 'ACTIF') throw new UseCaseError('refused', `refusé : l’opérateur ${code} n’est pas suspendu`);
      await repo.reactivate(code);
      await repo.audit({
        at,
        actor: agent,
        action: 'OPERATEUR_REACTIVE',
        operatorCode: code,
        details: { suspenduLe: operator.lifecycle.suspendedAt?.toISOString() ?? null, motifSuspension: operator.lifecycle.suspensionReason, ...(reason ? { motif: reason } : {}) },
      });
    });
    const connectionsClosed = await this.deps.access.applyAccessChanges();
    return this.outcome(code, connectionsClosed, 0);
  }

  /**
   * Records the termination on `date` (YYYY-MM-DD): refused unless `date` is at least two months
   * after the notification (`notifiedOn`, default today). A termination not yet effective may be
   * recorded again (another date); a terminated operator's termination is final.
   */
  async terminate(code: string, date: string, agent: string, options: { notifiedOn?: string; reason?: string } = {}): Promise<LifecycleOutcome> {
    const now = this.deps.clock.now();
    const check = checkTermination(date, options.notifiedOn, now);
    await this.deps.repository.transaction(async (repo) => {
      const operator = await this.require(repo, code);
      if (operatorState(operator.lifecycle, now) === 'RESILIE') {
        throw new UseCaseError('refused', `refusé : l’opérateur ${code} est résilié depuis le ${operator.lifecycle.terminationDate} : la résiliation est définitive`);
      }
      if (!check.ok) {
        if (check.rule) {
          await repo.audit({ at: now, actor: agent, action: 'RESILIATION_REFUSEE', operatorCode: code, details: { date, notifieeLe: options.notifiedOn ?? null, regle: check.rule } });
        }
        // The refusal audited, nothing else changes.
        return;
      }
      await repo.terminate(code, { date: check.date, at: check.at, notifiedOn: check.notifiedOn, by: agent, reason: options.reason ?? null });
      await repo.audit({
        at: now,
        actor: agent,
        action: 'OPERATEUR_RESILIATION_ENREGISTREE',
        operatorCode: code,
        details: {
          date: check.date,
          notifieeLe: check.notifiedOn,
          ...(options.reason ? { motif: options.reason } : {}),
          ...(operator.lifecycle.terminationDate ? { dateAnterieure: operator.lifecycle.terminationDate } : {}),
        },
      });
    });
    if (!check.ok) throw new UseCaseError(check.rule ? 'refused' : 'invalid', `${check.rule ? 'refusé' : 'requête invalide'} : ${check.message}`);
    // Never effective at once (two months' notice); the trust refresh applies it on its day.
    return this.outcome(code, 0, 0);
  }

  private async outcome(code: string, connectionsClosed: number, sessionsClosed: number): Promise<LifecycleOutcome> {
    const operator = (await this.deps.repository.operator(code))!;
    return { operator, state: this.stateOf(operator), connectionsClosed, sessionsClosed };
  }

  private async require(repo: OperatorLifecycleRepository, code: string): Promise<OperatorRecord> {
    const operator = await repo.operator(code, true);
    if (!operator) throw new UseCaseError('not-found', `opérateur ${code} inconnu`);
    return operator;
  }
}
