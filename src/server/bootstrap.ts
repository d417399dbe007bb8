// Composition root: configuration → database (+ migrations) → catalogue → PKI → demo data →
// endpoints → HTTPS front. Used by `npm start` (src/main.ts) and by the integration tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { frenchPublicHolidays } from '../domain/holidays.js';
import { CATALOG_DIR } from '../paths.js';
import { ensureDevPki, type DevPki } from '../pki/dev-pki.js';
import { loadCatalogue } from '../store/catalogue-files.js';
import { pgliteDatabase, postgresDatabase, type Database } from '../store/db.js';
import { DEMO_OPERATOR_CODES, loadDemoData } from '../store/demo-data.js';
import { migrate } from '../store/migrate.js';
import { buildGateway, type GatewayApp, type TlsMaterial } from './app.js';
import { buildEndpoints } from './endpoints.js';
import { createLogger } from './logger.js';

export interface RunningGateway {
  app: GatewayApp;
  db: Database;
  /** https://host:port of the operators' front. */
  url: string;
  port: number;
  /** The development PKI when no TLS files are configured. */
  devPki: DevPki | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the configuration. */
  db?: Database;
}

export async function openDatabase(config: GatewayConfig): Promise<Database> {
  if (config.databaseUrl) return postgresDatabase(config.databaseUrl, { max: config.databasePoolSize });
  const dir = path.join(config.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  return pgliteDatabase(dir);
}

function tlsFromFiles(tls: NonNullable<GatewayConfig['tls']>): TlsMaterial {
  return {
    certPem: fs.readFileSync(tls.certFile, 'utf8'),
    keyPem: fs.readFileSync(tls.keyFile, 'utf8'),
    caPems: tls.caFiles.map((f) => fs.readFileSync(f, 'utf8')),
  };
}

export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const catalogue = loadCatalogue(CATALOG_DIR);
  const db = options.db ?? (await openDatabase(config));
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    // Certificates are checked by OpenSSL against the real time, not the business clock (which
    // tests may set years away): the PKI is dated with the system clock.
    const devPki = config.tls
      ? undefined
      : ensureDevPki({ dir: config.devCertsDir, operatorCodes: DEMO_OPERATOR_CODES, now: systemClock.now() });
    const tls: TlsMaterial = devPki
      ? { certPem: devPki.server.certPem, keyPem: devPki.server.keyPem, caPems: [devPki.ca.certPem] }
      : tlsFromFiles(config.tls!);
    if (config.demoData && devPki) await loadDemoData(db, devPki.operators, clock.now());

    const app = await buildGateway({
      db,
      clock,
      logger,
      tls,
      endpoints: buildEndpoints({ db, catalogue, clock, calendar: frenchPublicHolidays() }),
      platform: config.platform,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxBodyBytes,
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    return {
      app,
      db,
      url: `https://${host}:${port}`,
      port,
      devPki,
      async close() {
        await app.close();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
