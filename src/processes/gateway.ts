// `npm start`: runs the gateway. Without DATABASE_URL it uses the embedded PGlite database under
// data/, generates the development PKI under certs/dev/ on first start and loads the demo data.
import { ConfigError, loadConfig } from '../composition/config/config.js';
import { startBanner } from '../composition/banner.js';
import { startGateway } from '../composition/gateway.js';
import { createLogger } from '../adapters/logging/logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, { logger });
  process.stdout.write(startBanner(config, gateway));

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
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || (error instanceof Error && error.name === 'CatalogueError') ? error.message : error;
  process.stderr.write(`esav-gateway failed to start: ${message instanceof Error ? (message.stack ?? message.message) : String(message)}\n`);
  process.exit(1);
});
