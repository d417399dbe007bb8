// The worker process's composition root (`npm run worker`, src/processes/worker.ts): catalogue →
// PostgreSQL (+ migrations) → the repositories it needs → the consumers of the three durable
// queues: line tests, the notices' e-mails (with ESAV_SMTP_URL) and the push notifications (relay
// and deliveries, decision 0023). It shares the gateways' database and queues, so worker processes
// add capacity to all of them, and gateways started with ESAV_TEST_WORKERS=0, ESAV_MAIL_WORKERS=0
// and ESAV_PUSH_WORKERS=0 leave that work to them. It runs no periodic job of its own (the
// gateways' scheduler does, decision 0014; pg-boss keeps its queues itself).
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config.js';
import { ConfigError } from './config/config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { frenchPublicHolidays } from '../domain/holidays.js';
import { CATALOG_DIR } from '../adapters/paths.js';
import { loadCatalogue } from '../adapters/catalogue/catalogue-files.js';
import { postgresDatabase, type Database } from '../adapters/postgres/db.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { sqlVolumetrySink } from '../adapters/postgres/volumetry.js';
import type { NetworkAdapter } from '../application/network-port.js';
import { buildRepositories } from './repositories.js';
import { processName } from './scheduler.js';
import { startLineTestRuntime, type LineTestRuntime } from './line-tests.js';
import { startNotices, type NoticesRuntime } from './notices.js';
import { startPush, type PushRuntime } from './push.js';
import { developmentPki } from './demo-data.js';

export interface WorkerOptions {
  logger: Logger;
  clock?: Clock;
  /** Names this process's workers in line_test_runs (default host/pid). */
  workerName?: string;
  /** Default: the deterministic simulator. */
  network?: NetworkAdapter;
}

export interface RunningWorker {
  db: Database;
  /** Line-test worker loops in this process. */
  workers: number;
  /** Whether this process sends the notices' e-mails (ESAV_SMTP_URL set and ESAV_MAIL_WORKERS=1). */
  mailing: boolean;
  /** Push delivery loops in this process (0 without a client certificate or with ESAV_PUSH_WORKERS=0). */
  pushWorkers: number;
  /** Whose certificate those deliveries present: the configured one, or the development PKI's (said in the banner). */
  pushClient: 'ESAV_PUSH_CLIENT_CERT' | 'development PKI' | undefined;
  workerName: string;
  /** Running tests get the grace delay, the others stay queued; mails and pushes stop; then the pool is closed. */
  close(): Promise<void>;
}

export async function startWorker(config: GatewayConfig, options: WorkerOptions): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new ConfigError(
      'npm run worker needs DATABASE_URL (PostgreSQL): the embedded PGlite database is single-process, its line tests, e-mails and pushes run in the gateway',
    );
  }
  const { logger } = options;
  const catalogue = loadCatalogue(CATALOG_DIR);
  const db = postgresDatabase(config.databaseUrl, { max: config.databasePoolSize });
  const clock = options.clock ?? systemClock;
  let runtime: LineTestRuntime | undefined;
  let notices: NoticesRuntime | undefined;
  let push: PushRuntime | undefined;
  const stopAll = async () => {
    await runtime?.stop();
    await push?.stop();
    await notices?.stop();
    await db.close();
  };
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const name = processName();
    const calendar = frenchPublicHolidays();
    const repositories = buildRepositories(db, calendar, name);
    const workers = Math.max(1, config.lineTests.workers);
    const workerName = options.workerName ?? name;
    runtime = await startLineTestRuntime({
      db,
      repositories,
      catalogue,
      clock,
      logger,
      config: config.lineTests,
      workers,
      workerName,
      ...(options.network ? { network: options.network } : {}),
      // A test that produced a result is counted in the transaction storing it (spec §3 volumetry).
      volumetry: sqlVolumetrySink,
    });
    // The notices' e-mails (decision 0022): the same queue and sender as the gateways'.
    notices = await startNotices({ db, config, clock, calendar, logger });
    await notices.startMailing();
    // Push notifications (decision 0023): the provider's client certificate from ESAV_PUSH_CLIENT_*
    // or, in development (no ESAV_TLS_*), the development PKI the gateways share (ESAV_DEV_CERTS_DIR).
    const devPki = config.push.clientCertFile ? undefined : developmentPki(config);
    push = await startPush({ db, clock, logger, config: config.push, ...(devPki ? { devClient: devPki.pushClient } : {}) });
    let closing: Promise<void> | undefined;
    return {
      db,
      workers,
      mailing: Boolean(notices.mails && config.smtp?.workers),
      pushWorkers: push.delivery ? config.push.workers : 0,
      pushClient: config.push.clientCertFile ? 'ESAV_PUSH_CLIENT_CERT' : devPki ? 'development PKI' : undefined,
      workerName,
      close() {
        closing ??= stopAll();
        return closing;
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
