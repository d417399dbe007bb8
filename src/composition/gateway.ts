// The gateway process's composition root: configuration → catalogue and version plan (checked
// first: a broken one stops the start) → admin token → database (+ migrations) → PKI → demo data
// → repositories and use cases, each built once (repositories.ts, use-cases.ts) → operator
// administration, running rules, line-test queue, conformance log → operators' HTTPS front →
// admin API (its own port) → the web portal (e-SAV en ligne, its own HTTPS port, demo accounts) →
// the scheduler of the periodic jobs (scheduler.ts, decision 0014).
// Used by `npm start` (src/processes/gateway.ts) and by the integration tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { frenchPublicHolidays } from '../domain/holidays.js';
import { ensureAdminToken } from '../adapters/admin-api/token.js';
import type { BackOfficeService } from '../application/back-office.js';
import { startLineTestRuntime, type LineTestRuntime } from './line-tests.js';
import { CATALOG_DIR } from '../adapters/paths.js';
import type { DevPki } from '../adapters/pki/dev-pki.js';
import { loadCatalogue } from '../adapters/catalogue/catalogue-files.js';
import { pgliteDatabase, postgresDatabase, type Database } from '../adapters/postgres/db.js';
import { developmentPki, loadDemoData } from './demo-data.js';
import { registerSlotJobs } from './slot-jobs.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { buildAdminApp, type AdminApp } from '../adapters/admin-api/app.js';
import { buildGateway, type GatewayApp, type TlsMaterial } from '../adapters/operators-front/app.js';
import { buildEndpoints } from '../adapters/operators-front/endpoints.js';
import { buildLifecycleAdmin, operationNamesOf } from './lifecycle-admin.js';
import { createLogger } from '../adapters/logging/logger.js';
import { buildOperatorAdministration, type OperatorAdministration } from './operators.js';
import { startConformance, type ConformanceRuntime } from './conformance.js';
import { buildOperations, type Operations } from './operations.js';
import { VersionRegistry } from './config/versions.js';
import { sqlVolumetrySink } from '../adapters/postgres/volumetry.js';
import { registerCrlGauges } from '../adapters/observability/crl-metrics.js';
import { buildRepositories, type Repositories } from './repositories.js';
import { processName, Scheduler } from './scheduler.js';
import { startPush, type PushRuntime } from './push.js';
import { buildUseCases, type UseCases } from './use-cases.js';
import { AdminClient, injectTransport } from '../admin-client/index.js';
import { buildPrestationAdmin } from './prestations.js';
import type { SupportAccountService } from '../application/support-accounts.js';
import { buildConsoleDownloads, buildPortalAccountAdmin, buildSupportAccounts, buildWebAccounts, ensureDemoAccounts, signalisationRequestSchema, startWebPortal, type WebPortalRuntime } from './web-portal.js';
import type { WebAccountService } from '../application/web-accounts.js';
import { certificateRenewalNotice, startNotices, versionNotices, type NoticesRuntime } from './notices.js';

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
  /** The use cases of this process, built once (src/composition/use-cases.ts). */
  useCases: UseCases;
  /** The repositories this process built (one each), for tests that assemble a second front. */
  repositories: Repositories;
  /** The periodic jobs of this process (decision 0014). */
  scheduler: Scheduler;
  /** https://host:port of the web portal (e-SAV en ligne, ESAV_WEB_PORT). */
  webUrl: string;
  webPort: number;
  /** The portal's accounts (sign-in, sessions, TOTP). */
  webAccounts: WebAccountService;
  /** The support staff's accounts of the console (decision 0021). */
  supportAccounts: SupportAccountService;
  /** `<dataDir>/demo-accounts` when the demo accounts were created (embedded default with demo data). */
  demoAccountsFile: string | undefined;
  /** The line-test queue and this process's workers (ESAV_TEST_WORKERS). */
  lineTests: LineTestRuntime;
  /** The push notifications of this process: admin service, delivery, queue (decision 0023). */
  push: PushRuntime;
  /** The notices to the operators and their e-mail queue (decision 0022). */
  notices: NoticesRuntime;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the configuration. */
  db?: Database;
  /** The scheduler's operational time (default: the system clock, whatever `clock` is). */
  schedulerClock?: Clock;
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
  let scheduler: Scheduler | undefined;
  let portal: WebPortalRuntime | undefined;
  let push: PushRuntime | undefined;
  let notices: NoticesRuntime | undefined;
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    const devPki = developmentPki(config);
    const tls: TlsMaterial = devPki
      ? { certPem: devPki.server.certPem, keyPem: devPki.server.keyPem, caPems: [devPki.ca.certPem] }
      : tlsFromFiles(config.tls!);
    if (config.demoData && devPki) await loadDemoData(db, devPki.operators, clock.now());

    const calendar = frenchPublicHolidays();
    const repositories = buildRepositories(db, calendar, processName());
    // Operators and certificates (decision 0009): provider PKI, trust store, revocation at once.
    const certificates: OperatorAdministration = await buildOperatorAdministration({
      config: config.certificates,
      crl: config.crl,
      crlClock: options.schedulerClock ?? systemClock,
      repositories,
      tls,
      developmentCa: devPki?.ca,
      clock,
      calendar,
      logger,
    });
    // Maintenance, versions, rate limits, volumetry, metrics (src/composition/operations.ts).
    // The notices to the operators (decision 0022): announced actions publish theirs.
    notices = await startNotices({ db, config, clock, calendar, logger });
    operations = await buildOperations({ config: config.operations, db, repositories, clock, calendar, logger, versions, notices: notices.service });
    // The durable queue of the line tests (before the use cases that enqueue on it) and, by
    // default, its workers inside the gateway.
    lineTests = await startLineTestRuntime({
      db,
      repositories,
      catalogue,
      clock,
      logger,
      config: config.lineTests,
      workers: config.lineTests.workers,
      volumetry: sqlVolumetrySink,
    });
    const { queue } = lineTests;
    // Push notifications (decision 0023): relay and delivery workers of the ticket events the
    // repositories write in the transaction of each change.
    push = await startPush({ db, clock, logger, config: config.push, ...(devPki ? { devClient: devPki.pushClient } : {}) });
    await notices.startMailing();
    operations.metrics.watchQueue(() => queue.depth());
    registerCrlGauges(operations.metrics.registry, () => certificates.crl.countByState(), logger);
    const useCases = buildUseCases({ repositories, catalogue, clock, calendar, lineTestJobs: queue, dashboardDelayMs: config.dashboardDelayMs, notices: notices.service });
    // Conformance runs: log of served calls (integration), campaign API, admin reads (docs/conformance.md).
    conformance = startConformance({ db, logger, platform: config.platform });
    const endpoints = buildEndpoints({ useCases, providerSiren: config.providerSiren });
    app = await buildGateway({
      findIdentity: (fingerprint) => repositories.operators.findIdentity(fingerprint),
      clock,
      logger,
      tls,
      endpoints: versions.decorate(versions.checkPublished(endpoints), clock),
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

    // The back office: admin API on its own port (never the operators' mTLS one).
    const supportAccounts = buildSupportAccounts(db, clock, repositories.operators);
    adminApp = await buildAdminApp({
      backOffice: useCases.backOffice,
      travaux: useCases.travaux,
      operations: operations.admin,
      conformance: conformance.service,
      operators: certificates.service,
      crl: certificates.crl,
      portalAccounts: buildPortalAccountAdmin(db, clock, repositories.operators),
      prestations: buildPrestationAdmin(db, catalogue, clock, config.prestationImport),
      capacity: useCases.capacity,
      // Profiles and the operators' life cycle (issue 14, src/composition/lifecycle-admin.ts).
      ...buildLifecycleAdmin({ db, clock, operators: certificates.service, knownOperations: operationNamesOf(endpoints) }),
      supportAccounts,
      push: push.admin,
      exploitation: { queueDepth: () => queue.depth(), metrics: operations.admin.metrics },
      notices: notices.service,
      token: adminToken,
      logger,
    });
    await adminApp.listen({ host: config.adminHost, port: config.adminPort });
    const adminAddress = adminApp.server.address();
    const adminPort = typeof adminAddress === 'object' && adminAddress ? adminAddress.port : config.adminPort;

    // The operators' web portal (e-SAV en ligne): its own HTTPS port, server certificate of the
    // same PKI as the operators' port, no client certificate; demo accounts with the demo data.
    const webAccounts = buildWebAccounts(db, clock, config.webPortal);
    const demoAccountsFile =
      config.demoData && devPki ? await ensureDemoAccounts(webAccounts, config.dataDir, logger, supportAccounts) : undefined;
    // The console's one-time downloads (generated PKCS#12) live in PostgreSQL: any process serves them.
    const consoleDownloads = buildConsoleDownloads(db, clock);
    portal = await startWebPortal({
      accounts: webAccounts,
      config: config.webPortal,
      tls,
      logger,
      platform: config.platform,
      rules: { clock, maintenance: operations.maintenance, rateLimits: operations.rateLimits, volumetry: operations.volumetry },
      // The portal's deposit and complement forms are checked with the schema the SOAP endpoint
      // SignalisationService v1 compiled (one compilation per process).
      pages: { useCases, catalogue, requestSchema: signalisationRequestSchema(endpoints), push: push.admin },
      // The support console calls the admin API in process (inject): the same routes, schemas,
      // bearer check and audit as the CLI (decision 0021).
      consoleApi: new AdminClient(injectTransport(adminApp, adminToken)),
      consoleDownloads,
      notices: notices.service,
    });

    // Every periodic job of the process, in one place (decision 0014).
    scheduler = new Scheduler({
      clock: options.schedulerClock ?? systemClock,
      logger: logger.child({ component: 'scheduler' }),
      clusterRuns: repositories.scheduledRuns,
    });
    const running = operations;
    if (config.sweepIntervalSeconds > 0) {
      // Cluster-wide: one process files the due tickets per period.
      scheduler.cluster('dashboard-sweep', config.sweepIntervalSeconds * 1000, async () => {
        const moved = await useCases.backOffice.sweep();
        if (moved.length > 0) logger.info({ count: moved.length, references: moved.slice(0, 50) }, 'dashboard sweep');
      });
    }
    // Cluster-wide: the shared per-minute counters of past minutes are deleted by one process.
    scheduler.cluster('rate-limit-counters-purge', 60_000, () => running.rateLimits.purgeCounters());
    // Cluster-wide: the portal's sessions that can no longer be used are deleted by one process.
    scheduler.cluster('web-sessions-purge', 3_600_000, async () => {
      const deleted = await webAccounts.purgeEndedSessions();
      if (deleted > 0) logger.info({ deleted }, 'web portal sessions purged');
    });
    // Cluster-wide: the console's one-time downloads not taken in time are deleted by one process.
    scheduler.cluster('console-downloads-purge', 300_000, async () => {
      const deleted = await consoleDownloads.purgeExpired();
      if (deleted > 0) logger.info({ deleted }, 'console one-time downloads purged');
    });
    // Cluster-wide: the appointment slots' rolling horizon and the purge of past free slots
    // (ESAV_RDV_SLOT_RETENTION_DAYS; decision 0029).
    registerSlotJobs(scheduler, useCases.rendezVous, { retentionDays: config.slotRetentionDays, logger });
    // Per process: what other processes changed, re-read into this process's memory.
    if (config.certificates.trustRefreshSeconds > 0) {
      // The CRLs' verdicts (decision 0019) are applied with the rest of the trust.
      scheduler.perProcess('trust-refresh', config.certificates.trustRefreshSeconds * 1000, async () => {
        await certificates.service.syncTls();
        await certificates.crl.apply();
      });
    }
    if (config.crl.refreshSeconds > 0) {
      // Cluster-wide: one process fetches the CRLs of recognised CAs per period (then applies them at once).
      scheduler.cluster('crl-refresh', config.crl.refreshSeconds * 1000, async () => {
        await certificates.crl.refresh();
        await certificates.crl.apply();
      });
    }
    if (config.operations.refreshSeconds > 0) {
      scheduler.perProcess('maintenance-refresh', config.operations.refreshSeconds * 1000, () => running.maintenance.refresh());
      scheduler.perProcess('rate-limits-refresh', config.operations.refreshSeconds * 1000, () => running.rateLimits.refresh());
    }
    // Per process: this process's in-memory counts written (the recorder logs its own failures).
    scheduler.perProcess('volumetry-flush', config.operations.volumetryFlushSeconds * 1000, () => running.volumetry.flush().catch(() => undefined));
    // Cluster-wide: the renewal notices of the gateway's own certificates (the operators' port's
    // server certificate, the push notifications' client certificate), once each is due (idempotent).
    const noticeService = notices.service;
    const pushClientPem = push.clientCertPem;
    scheduler.cluster('certificate-renewal-notice', 3_600_000, async () => {
      await certificateRenewalNotice(noticeService, tls.certPem, 'serveur');
      if (pushClientPem) await certificateRenewalNotice(noticeService, pushClientPem, 'client (notifications poussées)');
    });
    // Cluster-wide: the notices of the versions registered with their dates (registry, catalogue), once each.
    scheduler.cluster('version-notices', 3_600_000, () => versionNotices(noticeService, versions, catalogue));
    scheduler.start();

    const operatorsApp = app;
    const admin = adminApp;
    const runtime = lineTests;
    const evidence = conformance;
    const jobs = scheduler;
    const web = portal;
    const pushRuntime = push;
    const noticesRuntime = notices;
    let closing: Promise<void> | undefined;
    return {
      app: operatorsApp,
      db,
      url: `https://${host}:${port}`,
      port,
      devPki,
      adminUrl: `http://${urlHost(config.adminHost)}:${adminPort}`,
      adminToken,
      backOffice: useCases.backOffice,
      useCases,
      repositories,
      scheduler: jobs,
      webUrl: `https://${urlHost(config.webPortal.host)}:${web.port}`,
      webPort: web.port,
      webAccounts,
      supportAccounts,
      demoAccountsFile,
      lineTests: runtime,
      push: pushRuntime,
      notices: noticesRuntime,
      close() {
        closing ??= (async () => {
          // Graceful stop: readiness 503, no job started any more (a running one finishes), no
          // new connection, in-flight requests finish (Fastify close), counts in memory written,
          // workers stopped, then the pool closed.
          running.beginStopping();
          await jobs.stop();
          await operatorsApp.close();
          await web.app.close();
          await evidence.stop();
          await running.stop();
          await admin.close();
          await pushRuntime.stop();
          // Running tests get the grace delay; one still running is left to the queue (retried).
          await runtime.stop();
          await noticesRuntime.stop();
          if (!options.db) await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await scheduler?.stop().catch(() => undefined);
    await portal?.app.close().catch(() => undefined);
    await adminApp?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await lineTests?.stop(0).catch(() => undefined);
    await push?.stop().catch(() => undefined);
    await notices?.stop().catch(() => undefined);
    await operations?.stop().catch(() => undefined);
    await conformance?.stop().catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
