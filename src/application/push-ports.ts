// What the push notifications (issue 15, decision 0023) need from storage, from the transport and
// from the job queue. Implemented by src/adapters/postgres/push.ts (the subscriptions, the outbox
// of ticket events and their delivery state), src/adapters/push/callback-sender.ts (the SOAP
// message over HTTPS with mutual TLS) and src/adapters/queue/push-queue.ts (pg-boss).
import type { PushEventDetails, PushEventKind, PushEventStatus } from '../domain/push.js';

export interface PushSubscription {
  operatorCode: string;
  url: string;
  /** PEM of the CA(s) the callback server must chain to; null: the configured bundle. */
  caPem: string | null;
  paused: boolean;
  /** Who paused it (a staff member, or "operateur" from the portal); null when active. */
  pausedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One ticket event of the outbox and the state of its delivery. */
export interface PushEvent {
  id: string;
  operatorCode: string;
  signalisationId: number;
  reference: string;
  referenceInterneOC: string;
  seq: number;
  kind: PushEventKind;
  /** The ticket's state once the change was made. */
  etat: string;
  details: PushEventDetails;
  occurredAt: Date;
  status: PushEventStatus;
  attempts: number;
  /** Start of the retry window: the first failed attempt since recording, resume or replay. */
  firstFailureAt: Date | null;
  nextAttemptAt: Date;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface PushEventFilter {
  status?: PushEventStatus;
  reference?: string;
  limit: number;
}

export interface PushAudit {
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface PushStore {
  subscription(operatorCode: string): Promise<PushSubscription | undefined>;
  subscriptions(): Promise<PushSubscription[]>;
  /** Creates or replaces the operator's subscription (url, trust); paused state kept. False: unknown operator. */
  saveSubscription(s: { operatorCode: string; url: string; caPem: string | null; at: Date }, audit: PushAudit): Promise<boolean>;
  /**
   * Pauses or resumes; a resume reopens the retry window of the events still pending (they are
   * tried again at once, in order). Undefined when the operator has no subscription.
   */
  setPaused(operatorCode: string, paused: boolean, by: string, at: Date, audit: PushAudit): Promise<PushSubscription | undefined>;
  events(operatorCode: string, filter: PushEventFilter): Promise<PushEvent[]>;
  /** FAILED events of the operator (all, or the one `eventId`) made PENDING again with a new window; how many. */
  replay(operatorCode: string, eventId: string | undefined, at: Date, audit: PushAudit): Promise<number>;

  /** Tickets whose first undelivered event is PENDING and due, subscription active, not leased at `now`. */
  dueTickets(now: Date, limit: number): Promise<number[]>;
  /** Takes the delivery lease of a ticket until `until` (false: another process holds it). */
  lease(signalisationId: number, token: string, until: Date, now: Date): Promise<boolean>;
  release(signalisationId: number, token: string): Promise<void>;
  /** The ticket's first undelivered event and its operator's subscription (undefined: none, or the operator is suspended or terminated at `now`). */
  head(signalisationId: number, now: Date): Promise<{ event: PushEvent; subscription: PushSubscription } | undefined>;
  markDelivered(eventId: string, at: Date): Promise<void>;
  /** A failed attempt: retried at `nextAttemptAt`, or FAILED when null. */
  markAttemptFailed(eventId: string, failure: { at: Date; error: string; nextAttemptAt: Date | null }): Promise<void>;
}

/** Sends one event to the subscription's endpoint; resolves once acknowledged (HTTP 2xx), throws otherwise. */
export interface PushSender {
  send(subscription: PushSubscription, event: PushEvent): Promise<void>;
}

/** The durable queue: asks a worker (any process) to deliver these tickets' due events. */
export interface PushKicks {
  kick(signalisationIds: readonly number[]): Promise<void>;
}
