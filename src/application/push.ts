// Push notifications of ticket changes (issue 15, decision 0023). PushAdminService: the operator's
// callback subscription (register/update, pause/resume, deliveries and failures, replay) for the
// admin API and the portal. PushDelivery: a worker's delivery of one ticket's due events, in
// sequence order, one at a time under the ticket's lease (at least once: an event acknowledged but
// not yet marked is sent again), and the relay that finds the due tickets for the queue.
// The events themselves are written by the repositories, in the transaction of each change (outbox).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { afterFailure, callbackUrlProblem, type PushEventStatus, type RetryPolicy } from '../domain/push.js';
import { UseCaseError } from './errors.js';
import type { PushEvent, PushKicks, PushSender, PushStore, PushSubscription } from './push-ports.js';

const OPERATOR_CODE = /^[A-Z0-9]{4}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a PEM text holds at least one certificate (the callback trust). */
export type CaPemCheck = (pem: string) => string | undefined;

export class PushAdminService {
  constructor(
    private readonly store: PushStore,
    private readonly clock: Clock,
    private readonly kicks: PushKicks,
    private readonly checkCa: CaPemCheck,
  ) {}

  list(): Promise<PushSubscription[]> {
    return this.store.subscriptions();
  }

  async show(operatorCode: string): Promise<PushSubscription> {
    const s = await this.store.subscription(operatorCode);
    if (!s) throw new UseCaseError('not-found', `aucun abonnement aux notifications pour l'opérateur ${operatorCode}`);
    return s;
  }

  async register(agent: string, operatorCode: string, input: { url: string; caPem: string | null }): Promise<PushSubscription> {
    if (!OPERATOR_CODE.test(operatorCode)) throw new UseCaseError('invalid', 'code opérateur : 4 lettres majuscules ou chiffres');
    const urlProblem = callbackUrlProblem(input.url);
    if (urlProblem) throw new UseCaseError('invalid', `url : ${urlProblem}`);
    if (input.caPem !== null) {
      const caProblem = this.checkCa(input.caPem);
      if (caProblem) throw new UseCaseError('invalid', `autorite : ${caProblem}`);
    }
    const at = this.clock.now();
    const saved = await this.store.saveSubscription(
      { operatorCode, url: input.url, caPem: input.caPem, at },
      { at, actor: agent, action: 'NOTIFICATIONS_ABONNEMENT', details: { url: input.url, autoriteDediee: input.caPem !== null } },
    );
    if (!saved) throw new UseCaseError('not-found', `opérateur inconnu : ${operatorCode}`);
    return this.show(operatorCode);
  }

  async setPaused(agent: string, operatorCode: string, paused: boolean): Promise<PushSubscription> {
    const at = this.clock.now();
    const s = await this.store.setPaused(operatorCode, paused, agent, at, {
      at,
      actor: agent,
      action: paused ? 'NOTIFICATIONS_SUSPENDUES' : 'NOTIFICATIONS_REPRISES',
      details: {},
    });
    if (!s) throw new UseCaseError('not-found', `aucun abonnement aux notifications pour l'opérateur ${operatorCode}`);
    if (!paused) await this.kickPending(operatorCode);
    return s;
  }

  async events(operatorCode: string, filter: { status?: PushEventStatus; reference?: string; limit?: number }): Promise<PushEvent[]> {
    await this.show(operatorCode);
    return this.store.events(operatorCode, { ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
  }

  async replay(agent: string, operatorCode: string, eventId?: string): Promise<number> {
    if (eventId !== undefined && !UUID.test(eventId)) throw new UseCaseError('invalid', 'idEvenement : un UUID');
    await this.show(operatorCode);
    const at = this.clock.now();
    const count = await this.store.replay(operatorCode, eventId, at, {
      at,
      actor: agent,
      action: 'NOTIFICATIONS_REJOUEES',
      details: eventId ? { idEvenement: eventId } : { tous: true },
    });
    if (eventId !== undefined && count === 0) throw new UseCaseError('refused', `l'évènement ${eventId} n'est pas en échec`);
    await this.kickPending(operatorCode);
    return count;
  }

  private async kickPending(operatorCode: string): Promise<void> {
    const pending = await this.store.events(operatorCode, { status: 'PENDING', limit: 10_000 });
    await this.kicks.kick([...new Set(pending.map((e) => e.signalisationId))]);
  }
}

export interface PushDeliveryOptions {
  store: PushStore;
  sender: PushSender;
  clock: Clock;
  retry: RetryPolicy;
  /** How long a worker holds a ticket (longer than one attempt's timeout). */
  leaseMs: number;
  /** Events sent per run at most (a long backlog goes in several jobs, in order). */
  maxPerRun?: number;
  /** Logs a failed attempt (never throws). */
  onFailure?: (event: PushEvent, error: string, failed: boolean) => void;
}

export class PushDelivery {
  constructor(private readonly o: PushDeliveryOptions) {}

  /** The tickets the relay hands to the queue: first undelivered event due, active subscription, no lease. */
  dueTickets(limit = 500): Promise<number[]> {
    return this.o.store.dueTickets(this.o.clock.now(), limit);
  }

  /**
   * Delivers the ticket's due events in sequence order until one fails, none is due, the
   * subscription is paused, or `maxPerRun` were sent (the relay hands the rest to the next job).
   * Another process holding the ticket: nothing done (it delivers).
   */
  async deliverTicket(signalisationId: number): Promise<void> {
    const { store, clock } = this.o;
    const token = randomUUID();
    if (!(await store.lease(signalisationId, token, new Date(clock.now().getTime() + this.o.leaseMs), clock.now()))) return;
    try {
      for (let sent = 0; sent < (this.o.maxPerRun ?? 10); sent++) {
        const head = await store.head(signalisationId, clock.now());
        if (!head) return;
        const { event, subscription } = head;
        if (event.status !== 'PENDING' || subscription.paused) return;
        if (event.nextAttemptAt.getTime() > clock.now().getTime()) return;
        // The lease is renewed before each attempt: a long series stays this process's.
        if (!(await store.lease(signalisationId, token, new Date(clock.now().getTime() + this.o.leaseMs), clock.now()))) return;
        try {
          await this.o.sender.send(subscription, event);
        } catch (error) {
          const at = clock.now();
          const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
          const outcome = afterFailure(this.o.retry, event.attempts + 1, event.firstFailureAt ?? at, at);
          await store.markAttemptFailed(event.id, { at, error: message, nextAttemptAt: outcome.failed ? null : outcome.nextAttemptAt });
          this.o.onFailure?.(event, message, outcome.failed);
          return;
        }
        await store.markDelivered(event.id, clock.now());
      }
    } finally {
      await store.release(signalisationId, token);
    }
  }
}
