// SQL of the push notifications (issue 15, decision 0023, migration 0019): the operators' callback
// subscriptions, the outbox of ticket events with their delivery state, and recordTicketEvent, the
// one function the repositories of signalisations, appointments and line tests call INSIDE the
// transaction of a change: the event and its per-ticket sequence number are committed with the
// change or not at all (nothing is written when the operator has no subscription).
import { randomUUID } from 'node:crypto';
import type { PushEventDetails, PushEventKind, PushEventStatus } from '../../domain/push.js';
import type { PushAudit, PushEvent, PushEventFilter, PushStore, PushSubscription } from '../../application/push-ports.js';
import type { Database, Queryable } from './db.js';
import { insertAudit } from './audit-log.js';

/** Where the event's ticket is: by id (signalisation changes) or by the operator's reference (tests). */
export type TicketOf = { signalisationId: number } | { operatorCode: string; reference: string };

/**
 * Records one event of a ticket in the outbox, in the caller's transaction `tx`, when the ticket's
 * operator has a subscription (active or paused): the next sequence number of the ticket (its row
 * in push_ticket_sequences stays locked until the transaction ends, so sequence order is commit
 * order), the ticket's state as this transaction left it, and the details.
 */
export async function recordTicketEvent(tx: Queryable, ticket: TicketOf, details: PushEventDetails, at: Date): Promise<void> {
  const byId = 'signalisationId' in ticket;
  const where = byId ? 's.id = $1' : 's.operator_code = $1 AND s.reference = $5';
  const params: unknown[] = [byId ? ticket.signalisationId : ticket.operatorCode, randomUUID(), details.kind, at];
  if (!byId) params.push(ticket.reference);
  params.push(JSON.stringify(details));
  const detailsParam = `$${params.length}`;
  await tx.query(
    `WITH ticket AS (
       SELECT s.id, s.operator_code, s.reference, s.reference_interne_oc, s.etat
         FROM signalisations s JOIN push_subscriptions p ON p.operator_code = s.operator_code
        WHERE ${where}
     ), seq AS (
       INSERT INTO push_ticket_sequences (signalisation_id, last_seq) SELECT id, 1 FROM ticket
       ON CONFLICT (signalisation_id) DO UPDATE SET last_seq = push_ticket_sequences.last_seq + 1
       RETURNING signalisation_id, last_seq
     )
     INSERT INTO push_events (id, operator_code, signalisation_id, reference, seq, kind, payload, occurred_at, next_attempt_at)
     SELECT $2::uuid, t.operator_code, t.id, t.reference, q.last_seq, $3,
            jsonb_build_object('referenceInterneOC', t.reference_interne_oc, 'etat', t.etat, 'details', ${detailsParam}::jsonb),
            $4, $4
       FROM ticket t JOIN seq q ON q.signalisation_id = t.id`,
    params,
  );
}

interface SubscriptionRow {
  operator_code: string;
  url: string;
  ca_pem: string | null;
  paused: boolean;
  paused_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const toSubscription = (r: SubscriptionRow): PushSubscription => ({
  operatorCode: r.operator_code.trim(),
  url: r.url,
  caPem: r.ca_pem,
  paused: r.paused,
  pausedBy: r.paused_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface EventRow {
  id: string;
  operator_code: string;
  signalisation_id: number | string;
  reference: string;
  seq: number;
  kind: string;
  payload: { referenceInterneOC: string; etat: string; details: PushEventDetails };
  occurred_at: Date;
  status: string;
  attempts: number;
  first_failure_at: Date | null;
  next_attempt_at: Date;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

/**
 * The operator (alias o) neither suspended nor terminated at the instant bound to `nowParam`: its
 * events wait (they are delivered in order once it is reactivated; never after its termination),
 * as its certificates and portal users stop working (issue 14's life cycle).
 */
const operatorInService = (nowParam: string) => `o.suspended_at IS NULL AND (o.termination_at IS NULL OR o.termination_at > ${nowParam})`;

const EVENT_COLUMNS = `e.id, e.operator_code, e.signalisation_id, e.reference, e.seq, e.kind, e.payload, e.occurred_at, e.status,
  e.attempts, e.first_failure_at, e.next_attempt_at, e.last_error, e.last_attempt_at, e.delivered_at`;

const toEvent = (r: EventRow): PushEvent => ({
  id: r.id,
  operatorCode: r.operator_code.trim(),
  signalisationId: Number(r.signalisation_id),
  reference: r.reference,
  referenceInterneOC: r.payload.referenceInterneOC,
  seq: Number(r.seq),
  kind: r.kind as PushEventKind,
  etat: r.payload.etat,
  details: r.payload.details,
  occurredAt: r.occurred_at,
  status: r.status as PushEventStatus,
  attempts: Number(r.attempts),
  firstFailureAt: r.first_failure_at,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
});

/** One audit_log row of a subscription change (the one writer, insertAudit). */
const audit = (q: Queryable, operatorCode: string, a: PushAudit) => insertAudit(q, { ...a, operatorCode });

export class SqlPushStore implements PushStore {
  constructor(private readonly db: Database) {}

  async subscription(operatorCode: string): Promise<PushSubscription | undefined> {
    const [row] = await this.db.query<SubscriptionRow>('SELECT * FROM push_subscriptions WHERE operator_code = $1', [operatorCode]);
    return row ? toSubscription(row) : undefined;
  }

  async subscriptions(): Promise<PushSubscription[]> {
    return (await this.db.query<SubscriptionRow>('SELECT * FROM push_subscriptions ORDER BY operator_code')).map(toSubscription);
  }

  async saveSubscription(s: { operatorCode: string; url: string; caPem: string | null; at: Date }, a: PushAudit): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [known] = await tx.query('SELECT 1 FROM operators WHERE code = $1', [s.operatorCode]);
      if (!known) return false;
      await tx.query(
        `INSERT INTO push_subscriptions (operator_code, url, ca_pem, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (operator_code) DO UPDATE SET url = EXCLUDED.url, ca_pem = EXCLUDED.ca_pem, updated_at = EXCLUDED.updated_at`,
        [s.operatorCode, s.url, s.caPem, s.at],
      );
      await audit(tx, s.operatorCode, a);
      return true;
    });
  }

  async setPaused(operatorCode: string, paused: boolean, by: string, at: Date, a: PushAudit): Promise<PushSubscription | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<SubscriptionRow>(
        'UPDATE push_subscriptions SET paused = $2, paused_by = $3, updated_at = $4 WHERE operator_code = $1 RETURNING *',
        [operatorCode, paused, paused ? by : null, at],
      );
      if (!row) return undefined;
      if (!paused) {
        await tx.query(
          `UPDATE push_events SET first_failure_at = NULL, next_attempt_at = $2 WHERE operator_code = $1 AND status = 'PENDING'`,
          [operatorCode, at],
        );
      }
      await audit(tx, operatorCode, a);
      return toSubscription(row);
    });
  }

  async events(operatorCode: string, filter: PushEventFilter): Promise<PushEvent[]> {
    const params: unknown[] = [operatorCode];
    const where = ['e.operator_code = $1'];
    if (filter.status) {
      params.push(filter.status);
      where.push(`e.status = $${params.length}`);
    }
    if (filter.reference) {
      params.push(filter.reference);
      where.push(`e.reference = $${params.length}`);
    }
    params.push(filter.limit);
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM push_events e WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  async replay(operatorCode: string, eventId: string | undefined, at: Date, a: PushAudit): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE push_events SET status = 'PENDING', attempts = 0, first_failure_at = NULL, next_attempt_at = $2
          WHERE operator_code = $1 AND status = 'FAILED' ${eventId ? 'AND id = $3' : ''} RETURNING id`,
        eventId ? [operatorCode, at, eventId] : [operatorCode, at],
      );
      await audit(tx, operatorCode, { ...a, details: { ...a.details, rejoues: rows.length } });
      return rows.length;
    });
  }

  async dueTickets(now: Date, limit: number): Promise<number[]> {
    const rows = await this.db.query<{ signalisation_id: number | string }>(
      `SELECT h.signalisation_id FROM (
         SELECT DISTINCT ON (e.signalisation_id) e.signalisation_id, e.operator_code, e.status, e.next_attempt_at
           FROM push_events e WHERE e.status <> 'DELIVERED' ORDER BY e.signalisation_id, e.seq
       ) h
       JOIN push_subscriptions p ON p.operator_code = h.operator_code AND NOT p.paused
       JOIN operators o ON o.code = h.operator_code AND ${operatorInService('$1')}
       JOIN push_ticket_sequences t ON t.signalisation_id = h.signalisation_id
      WHERE h.status = 'PENDING' AND h.next_attempt_at <= $1 AND (t.lease_until IS NULL OR t.lease_until < $1)
      LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => Number(r.signalisation_id));
  }

  async lease(signalisationId: number, token: string, until: Date, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE push_ticket_sequences SET lease_token = $2, lease_until = $3
        WHERE signalisation_id = $1 AND (lease_token IS NULL OR lease_token = $2 OR lease_until < $4) RETURNING 1`,
      [signalisationId, token, until, now],
    );
    return rows.length === 1;
  }

  async release(signalisationId: number, token: string): Promise<void> {
    await this.db.query(
      'UPDATE push_ticket_sequences SET lease_token = NULL, lease_until = NULL WHERE signalisation_id = $1 AND lease_token = $2',
      [signalisationId, token],
    );
  }

  async head(signalisationId: number, now: Date): Promise<{ event: PushEvent; subscription: PushSubscription } | undefined> {
    const [row] = await this.db.query<EventRow & { sub: SubscriptionRow }>(
      `SELECT ${EVENT_COLUMNS}, to_jsonb(p.*) AS sub
         FROM push_events e JOIN push_subscriptions p ON p.operator_code = e.operator_code
         JOIN operators o ON o.code = e.operator_code AND ${operatorInService('$2')}
        WHERE e.signalisation_id = $1 AND e.status <> 'DELIVERED' ORDER BY e.seq LIMIT 1`,
      [signalisationId, now],
    );
    if (!row) return undefined;
    const sub = row.sub;
    return {
      event: toEvent(row),
      subscription: toSubscription({ ...sub, created_at: new Date(sub.created_at), updated_at: new Date(sub.updated_at) }),
    };
  }

  async markDelivered(eventId: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE push_events SET status = 'DELIVERED', delivered_at = $2, attempts = attempts + 1, last_attempt_at = $2 WHERE id = $1 AND status = 'PENDING'`,
      [eventId, at],
    );
  }

  async markAttemptFailed(eventId: string, f: { at: Date; error: string; nextAttemptAt: Date | null }): Promise<void> {
    await this.db.query(
      `UPDATE push_events SET attempts = attempts + 1, last_attempt_at = $2, last_error = $3,
              first_failure_at = COALESCE(first_failure_at, $2),
              status = CASE WHEN $4::timestamptz IS NULL THEN 'FAILED' ELSE 'PENDING' END,
              next_attempt_at = COALESCE($4::timestamptz, next_attempt_at)
        WHERE id = $1 AND status = 'PENDING'`,
      [eventId, f.at, f.error, f.nextAttemptAt],
    );
  }
}
