// `npm start`: runs the gateway. Without DATABASE_URL it uses the embedded PGlite database under
// data/, generates the development PKI under certs/dev/ on first start and loads the demo data.
import path from 'node:path';
import { ConfigError, loadConfig } from '../composition/config/config.js';
import { PROJECT_ROOT } from '../adapters/paths.js';
import { startGateway } from '../composition/gateway.js';
import { createLogger } from '../adapters/logging/logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, { logger });
  const base = config.publicUrl ?? gateway.url;
  const rel = (p: string) => path.relative(PROJECT_ROOT, p) || p;
  const lines = [
    '',
    `e-SAV gateway ready (${config.platform} platform, database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${rel(config.dataDir)}`})`,
    `  WSDL: ${base}/ws/v1/signalisation?wsdl and ${base}/ws/v2/signalisation?wsdl (live versions: ${rel(config.operations.versionsFile)})`,
    `  admin API (support staff): ${gateway.adminUrl}  token: ${config.adminToken ? 'ESAV_ADMIN_TOKEN' : rel(path.join(config.dataDir, 'admin-token'))}`,
    `  back office: npm run admin -- --help`,
  ];
  if (gateway.devPki) {
    const demo = gateway.devPki.operators.OPA1;
    lines.push(
      `  CA certificate:           ${rel(gateway.devPki.paths.caCert)}`,
      ...(demo ? [`  demo client (OPA1):       ${rel(demo.certPath)}  key: ${rel(demo.keyPath)}`] : []),
      `  try: curl --cacert ${rel(gateway.devPki.paths.caCert)} --cert ${rel(demo?.certPath ?? '')} --key ${rel(demo?.keyPath ?? '')} '${base}/ws/v1/signalisation?wsdl'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

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
