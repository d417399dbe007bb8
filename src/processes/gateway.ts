// `npm start`: runs the gateway. Without DATABASE_URL it uses the embedded PGlite database under
// data/, generates the development PKI under certs/dev/ on first start and loads the demo data.
// With PostgreSQL and ESAV_WORKERS > 1 (default: one per core), this process becomes a small
// primary that forks that many gateway workers sharing the ports (src/composition/cluster.ts,
// decision 0024); each worker runs the code below its own way.
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type GatewayConfig } from '../composition/config/config.js';
import { startBanner, withProcesses } from '../composition/banner.js';
import { startGateway } from '../composition/gateway.js';
import { superviseWorkers, type WorkerMessage } from '../composition/cluster.js';
import { createLogger } from '../adapters/logging/logger.js';

async function serve(config: GatewayConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, { logger });
  const banner = startBanner(config, gateway);
  if (cluster.isWorker) {
    const ready: WorkerMessage = { type: 'esav-ready', banner };
    process.send?.(ready);
  } else {
    process.stdout.write(withProcesses(banner, config));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A worker whose primary is gone (killed) stops too: nothing would replace or stop it any more.
  if (cluster.isWorker) process.on('disconnect', () => void stop('primary gone'));
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isPrimary && config.workers.count > 1) {
    const code = await superviseWorkers({
      workers: config.workers.count,
      onReady: (banner, pids) => process.stdout.write(withProcesses(banner, config, pids)),
      say: (line) => process.stdout.write(`${line}\n`),
    });
    process.exit(code);
  }
  await serve(config);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || (error instanceof Error && error.name === 'CatalogueError') ? error.message : error;
  process.stderr.write(`esav-gateway failed to start: ${message instanceof Error ? (message.stack ?? message.message) : String(message)}\n`);
  process.exit(1);
});
