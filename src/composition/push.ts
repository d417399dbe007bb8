// The push notifications of one gateway process (issue 15, decision 0023): the SQL store, the
// HTTPS sender with the provider's client certificate, the delivery use case, the durable queue
// (relay + worker loops) and the admin service. Without a client certificate (production TLS
// files but no ESAV_PUSH_CLIENT_*), subscriptions are still managed and events still recorded,
// but nothing is sent: the start log says so.
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlPushStore } from '../adapters/postgres/push.js';
import { PushQueue } from '../adapters/queue/push-queue.js';
import { caPemProblem, HttpsCallbackSender } from '../adapters/push/callback-sender.js';
import { PushAdminService, PushDelivery } from '../application/push.js';
import type { PushConfig } from './config/push.js';

/** Events one delivery job sends at most (then the relay hands the ticket to the next job). */
const MAX_PER_RUN = 10;

export interface PushRuntime {
  admin: PushAdminService;
  delivery: PushDelivery | undefined;
  /** The provider's client certificate presented to callback servers (its renewal is announced). */
  clientCertPem: string | undefined;
  queue: PushQueue;
  stop(): Promise<void>;
}

export async function startPush(options: {
  db: Database;
  clock: Clock;
  logger: Logger;
  config: PushConfig;
  /** The development PKI's push-client pair, used when no ESAV_PUSH_CLIENT_* files are configured. */
  devClient?: { certPem: string; keyPem: string };
}): Promise<PushRuntime> {
  const { db, clock, config } = options;
  const logger = options.logger.child({ component: 'push' });
  const store = new SqlPushStore(db);
  const queue = new PushQueue(
    db,
    { workers: config.workers, pollingIntervalMs: config.pollingIntervalMs, jobTimeoutSeconds: Math.ceil((config.timeoutMs * (MAX_PER_RUN + 1)) / 1000) + 5 },
    logger,
  );
  await queue.start();
  const client = config.clientCertFile
    ? { certPem: fs.readFileSync(config.clientCertFile, 'utf8'), keyPem: fs.readFileSync(config.clientKeyFile!, 'utf8') }
    : options.devClient;
  let delivery: PushDelivery | undefined;
  if (client) {
    const sender = new HttpsCallbackSender({
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
      ...(config.caFile ? { defaultCaPem: fs.readFileSync(config.caFile, 'utf8') } : {}),
      timeoutMs: config.timeoutMs,
    });
    delivery = new PushDelivery({
      store,
      sender,
      clock,
      retry: { baseDelayMs: config.retryBaseMs, maxDelayMs: config.retryMaxMs, windowMs: config.retryWindowMs },
      leaseMs: config.timeoutMs * 2 + 5_000,
      maxPerRun: MAX_PER_RUN,
      onFailure: (event, error, failed) =>
        logger.warn({ event: event.id, operator: event.operatorCode, reference: event.reference, seq: event.seq, attempts: event.attempts + 1, error, failed }, 'push delivery failed'),
    });
    if (config.workers > 0) queue.startWorkers(delivery);
  } else {
    logger.warn('push notifications: no client certificate (ESAV_PUSH_CLIENT_CERT/ESAV_PUSH_CLIENT_KEY): events are recorded, none is sent');
  }
  return {
    admin: new PushAdminService(store, clock, queue, caPemProblem),
    delivery,
    clientCertPem: client?.certPem,
    queue,
    stop: () => queue.stop(),
  };
}
