// `npm run worker`: a worker process beside the gateway(s) — line tests, the notices' e-mails and
// the push notifications. It shares the durable queues of the gateways' PostgreSQL database
// (DATABASE_URL): any number of such processes and gateways take jobs from them, never the same one
// at once. The embedded PGlite database is single-process: without DATABASE_URL that work runs in
// the gateway only.
// What the process builds is in its composition root, src/composition/worker.ts.
import { ConfigError, loadConfig } from '../composition/config/config.js';
import { startWorker } from '../composition/worker.js';
import { createLogger } from '../adapters/logging/logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const worker = await startWorker(config, { logger, ...(process.env.ESAV_WORKER_NAME ? { workerName: process.env.ESAV_WORKER_NAME } : {}) });
  process.stdout.write(
    `e-SAV test worker ready: ${worker.workers} worker(s) as ${worker.workerName}; notice e-mails: ${worker.mailing ? 'sent here' : 'not here'}; push deliveries: ${worker.pushWorkers} loop(s)${worker.pushClient ? ` (client certificate: ${worker.pushClient})` : ''}\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: running tests get the grace delay, the others stay queued (as do e-mails and pushes)');
    await worker.close();
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
