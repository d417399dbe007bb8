// `npm run worker`: a line-test worker process beside the gateway(s). It shares the durable queue
// of the gateway's PostgreSQL database (DATABASE_URL): any number of such processes and gateways
// take jobs from it, never the same one at once. The embedded PGlite database is single-process:
// without DATABASE_URL the tests run on the gateway's own workers (ESAV_TEST_WORKERS) only.
import os from 'node:os';
import { ConfigError, loadConfig } from '../composition/config/config.js';
import { systemClock } from '../domain/clock.js';
import { startLineTestRuntime } from '../composition/line-tests.js';
import { CATALOG_DIR } from '../adapters/paths.js';
import { createLogger } from '../adapters/logging/logger.js';
import { loadCatalogue } from '../adapters/catalogue/catalogue-files.js';
import { postgresDatabase } from '../adapters/postgres/db.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { sqlVolumetrySink } from '../adapters/postgres/volumetry.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigError(
      'npm run worker needs DATABASE_URL (PostgreSQL): the embedded PGlite database is single-process, its tests run on the gateway’s own workers (ESAV_TEST_WORKERS)',
    );
  }
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const catalogue = loadCatalogue(CATALOG_DIR);
  const db = postgresDatabase(config.databaseUrl, { max: config.databasePoolSize });
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  const workers = Math.max(1, config.lineTests.workers);
  const workerName = process.env.ESAV_WORKER_NAME || `${os.hostname()}/${process.pid}`;
  const runtime = await startLineTestRuntime({
    db,
    catalogue,
    clock: systemClock,
    logger,
    config: config.lineTests,
    workers,
    workerName,
    // A test that produced a result is counted in the transaction storing it (spec §3 volumetry).
    volumetry: sqlVolumetrySink,
  });
  process.stdout.write(`e-SAV test worker ready: ${workers} worker(s) as ${workerName}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: running tests get the grace delay, the others stay queued');
    await runtime.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || (error instanceof Error && error.name === 'CatalogueError') ? error.message : error;
  process.stderr.write(`esav worker failed to start: ${message instanceof Error ? (message.stack ?? message.message) : String(message)}\n`);
  process.exit(1);
});
