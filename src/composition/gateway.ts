// Composition root: configuration → catalogue (checked first: a broken one stops the start) →
// admin token → database (+ migrations) → PKI → demo data → endpoints → HTTPS front → back
// office (admin API on its own port, scheduled dashboard sweep).
// Used by `npm start` (src/processes/gateway.ts) and by the integration tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { frenchPublicHolidays } from '../domain/holidays.js';
import { ensureAdminToken } from '../adapters/admin-api/token.js';
import { BackOfficeService } from '../application/back-office.js';
import { startLineTestRuntime, type LineTestRuntime } from './line-tests.js';
import { TravauxService } from '../application/travaux.js';
import { SqlTravauxRepository } from '../adapters/postgres/travaux.js';
import { CATALOG_DIR } from '../adapters/paths.js';
import { ensureDevPki, type DevPki } from '../adapters/pki/dev-pki.js';
import { loadCatalogue } from '../adapters/catalogue/catalogue-files.js';
import { pgliteDatabase, postgresDatabase, type Database } from '../adapters/postgres/db.js';
import { DEMO_OPERATOR_CODES, loadDemoData } from './demo-data.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { SqlPrestationRepository } from '../adapters/postgres/prestations.js';
import { SqlSignalisationRepository } from '../adapters/postgres/signalisations.js';
import { buildAdminApp, type AdminApp } from '../adapters/admin-api/app.js';
import { buildGateway, type GatewayApp, type TlsMaterial } from '../adapters/operators-front/app.js';
import { buildEndpoints } from '../adapters/operators-front/endpoints.js';
import { createLogger } from '../adapters/logging/logger.js';
import { startOperatorAdministration, type OperatorAdministration } from './operators.js';
import { startConformance, type ConformanceRuntime } from './conformance.js';
import { startOperations, type Operations } from './operations.js';
import { VersionRegistry } from '../adapters/operators-front/versions.js';
import { sqlVolumetrySink } from '../adapters/postgres/volumetry.js';

export interface RunningGateway {
  app: GatewayApp;
  db: Database;
  /** https://host:port of the operators' front. */
  url: string;
  port: number;
  /** The development PKI when no TLS files are configured. */
  devPki: DevPki | undefined;
  /** http://host:port of the back-office admin API (its own port, plain HTTP, bearer token). */
  adminUrl: string;
  /** The bearer token of the admin API (ESAV_ADMIN_TOKEN or `<dataDir>/admin-token`). */
  adminToken: string;
  backOffice: BackOfficeService;
  /** The line-test queue and this process's workers (ESAV_TEST_WORKERS). */
  lineTests: LineTestRuntime;
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

/** The admin token: ESAV_ADMIN_TOKEN, else the one kept in `<dataDir>/admin-token` (created once). */
function adminTokenOf(config: GatewayConfig, logger: Logger): string {
  if (config.adminToken) return config.adminToken;
  const stored = ensureAdminToken(config.dataDir);
  if (stored.created) logger.info({ file: stored.file }, 'admin token generated');
  if (stored.permissionsFixed) logger.warn({ file: stored.file }, 'admin token file was readable by others: mode reset to 0600');
  return stored.token;
}

export interface SweepSchedule {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `sweep` every `intervalMs` (the next run is planned when the previous one ends, so runs
 * never overlap). Errors are logged and the schedule goes on. The timer does not keep the
 * process alive.
 */
export function scheduleSweep(sweep: () => Promise<string[]>, intervalMs: number, logger: Logger): SweepSchedule {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const moved = await sweep();
      if (moved.length > 0) logger.info({ count: moved.length, references: moved.slice(0, 50) }, 'dashboard sweep');
    } catch (error) {
      logger.error({ err: error }, 'dashboard sweep failed');
    }
  };
  const plan = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        plan();
      });
    }, intervalMs);
    timer.unref();
  };
  plan();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const catalogue = loadCatalogue(CATALOG_DIR);
  // The version registry is checked before anything is opened: a bad plan stops the start.
  const versions = VersionRegistry.load(config.operations.versionsFile);
  const adminToken = adminTokenOf(config, logger);
  const db = options.db ?? (await openDatabase(config));
  let app: GatewayApp | undefined;
  let adminApp: AdminApp | undefined;
  let lineTests: LineTestRuntime | undefined;
  let operations: Operations | undefined;
  let conformance: ConformanceRuntime | undefined;
  let certificates: OperatorAdministration | undefined;
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

    const calendar = frenchPublicHolidays();
    // Operators and certificates (decision 0009): provider PKI, trust reload, revocation at once.
    certificates = await startOperatorAdministration({ config: config.certificates, db, tls, developmentCa: devPki?.ca, clock, calendar, logger });
    // Maintenance, versions, rate limits, volumetry, metrics (src/composition/operations.ts).
    operations = await startOperations({ config: config.operations, db, clock, calendar, logger, versions });
    // The durable queue of the line tests (before the endpoints that enqueue on it) and, by
    // default, its workers inside the gateway.
    lineTests = await startLineTestRuntime({
      db,
      catalogue,
      clock,
      logger,
      config: config.lineTests,
      workers: config.lineTests.workers,
      volumetry: sqlVolumetrySink,
    });
    // Conformance runs: log of served calls (integration), campaign API, admin reads (docs/conformance.md).
    conformance = startConformance({ db, logger, platform: config.platform });
    app = await buildGateway({
      db,
      clock,
      logger,
      tls,
      endpoints: versions.decorate(
        versions.checkPublished(buildEndpoints({ db, catalogue, clock, calendar, providerSiren: config.providerSiren, lineTestJobs: lineTests.queue })),
        clock,
      ),
      platform: config.platform,
      publicUrl: config.publicUrl,
      maxBodyBytes: config.maxBodyBytes,
      echoRoute: config.benchEcho,
      policy: operations.policy,
      observer: conformance.observe(operations.observer),
      routes: [conformance.routes],
      tlsFront: certificates.tlsFront,
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

    // The back office: admin API on its own port (never the operators' mTLS one) + the sweep.
    const backOffice = new BackOfficeService({
      catalogue,
      clock,
      calendar,
      prestations: new SqlPrestationRepository(db),
      signalisations: new SqlSignalisationRepository(db),
      dashboardDelayMs: config.dashboardDelayMs,
    });
    const travaux = new TravauxService({ catalogue, clock, prestations: new SqlPrestationRepository(db), travaux: new SqlTravauxRepository(db) });
    adminApp = await buildAdminApp({ backOffice, travaux, operations: operations.admin, conformance: conformance.service, operators: certificates.service, token: adminToken, logger });
    await adminApp.listen({ host: config.adminHost, port: config.adminPort });
    const adminAddress = adminApp.server.address();
    const adminPort = typeof adminAddress === 'object' && adminAddress ? adminAddress.port : config.adminPort;
    const sweeper =
      config.sweepIntervalSeconds > 0 ? scheduleSweep(() => backOffice.sweep(), config.sweepIntervalSeconds * 1000, logger) : undefined;

    const operatorsApp = app;
    const admin = adminApp;
    const runtime = lineTests;
    const running = operations;
    const evidence = conformance;
    const certificateAdmin = certificates;
    let closing: Promise<void> | undefined;
    return {
      app: operatorsApp,
      db,
      url: `https://${host}:${port}`,
      port,
      devPki,
      adminUrl: `http://${urlHost(config.adminHost)}:${adminPort}`,
      adminToken,
      backOffice,
      lineTests: runtime,
      close() {
        closing ??= (async () => {
          // Graceful stop: readiness 503, no new connection, in-flight requests finish (Fastify
          // close), counts in memory written, workers stopped, then the pool closed.
          running.beginStopping();
          await sweeper?.stop();
          await operatorsApp.close();
          await evidence.stop();
          await running.stop();
          await admin.close();
          await certificateAdmin.stop();
          // Running tests get the grace delay; one still running is left to the queue (retried).
          await runtime.stop();
          if (!options.db) await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await adminApp?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await lineTests?.stop(0).catch(() => undefined);
    await operations?.stop().catch(() => undefined);
    await conformance?.stop().catch(() => undefined);
    await certificates?.stop().catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
