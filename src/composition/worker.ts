// The worker process's composition root (`npm run worker`, src/processes/worker.ts): catalogue →
// PostgreSQL (+ migrations) → the repositories it needs → the line-test queue and its workers.
// It shares the gateway's database and durable queue; it runs no periodic job of its own (the
// gateways' scheduler does, decision 0014; pg-boss keeps its queue itself).
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
import { startLineTestRuntime } from './line-tests.js';

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
  /** Worker loops in this process. */
  workers: number;
  workerName: string;
  /** Running tests get the grace delay, the others stay queued; then the pool is closed. */
  close(): Promise<void>;
}

export async function startWorker(config: GatewayConfig, options: WorkerOptions): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new ConfigError(
      'npm run worker needs DATABASE_URL (PostgreSQL): the embedded PGlite database is single-process, its tests run on the gateway’s own workers (ESAV_TEST_WORKERS)',
    );
  }
  const { logger } = options;
  const catalogue = loadCatalogue(CATALOG_DIR);
  const db = postgresDatabase(config.databaseUrl, { max: config.databasePoolSize });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const name = processName();
    const repositories = buildRepositories(db, frenchPublicHolidays(), name);
    const workers = Math.max(1, config.lineTests.workers);
    const workerName = options.workerName ?? name;
    const runtime = await startLineTestRuntime({
      db,
      repositories,
      catalogue,
      clock: options.clock ?? systemClock,
      logger,
      config: config.lineTests,
      workers,
      workerName,
      ...(options.network ? { network: options.network } : {}),
      // A test that produced a result is counted in the transaction storing it (spec §3 volumetry).
      volumetry: sqlVolumetrySink,
    });
    let closing: Promise<void> | undefined;
    return {
      db,
      workers,
      workerName,
      close() {
        closing ??= (async () => {
          await runtime.stop();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
