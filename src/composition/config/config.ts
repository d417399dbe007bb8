// Gateway configuration from the environment, checked once at start with clear messages.
import os from 'node:os';
import path from 'node:path';
import { certificatesConfig, type CertificatesConfig } from './certificates.js';
import { crlConfig, type CrlConfig } from './crl.js';
import { operationsConfig, type OperationsConfig } from './operations.js';
import { webPortalConfig, type WebPortalConfig } from './web-portal.js';
import { pushConfig, type PushConfig } from './push.js';
import type { Platform } from '../../domain/identity.js';
import { PROJECT_ROOT } from '../../adapters/paths.js';
import { ConfigError, flag, integer } from './env.js';

export { ConfigError };

/** The demo provider's SIREN (configurable with ESAV_PROVIDER_SIREN). */
export const DEFAULT_PROVIDER_SIREN = '300000007';

const DAY_MS = 24 * 3600 * 1000;

export interface GatewayConfig {
  host: string;
  port: number;
  /** Base URL written into served WSDLs (soap:address); default: from the request's Host. */
  publicUrl: string | undefined;
  /** A real PostgreSQL; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** How many processes serve the ports (ESAV_WORKERS, decision 0024): node:cluster workers when more than one. */
  workers: WorkersConfig;
  dataDir: string;
  /** Development PKI folder (generated on first start when no TLS files are configured). */
  devCertsDir: string;
  tls: { certFile: string; keyFile: string; caFiles: string[] } | undefined;
  providerSiren: string;
  platform: Platform;
  demoData: boolean;
  maxBodyBytes: number;
  logLevel: string;
  /** The back-office admin API: plain HTTP on its own address, never the operators' mTLS port. */
  adminHost: string;
  adminPort: number;
  /** ESAV_ADMIN_TOKEN; when absent a token is generated once and kept in `<dataDir>/admin-token`. */
  adminToken: string | undefined;
  /** How long CLOS/VALIDE signalisations stay before the sweep files them in CLOS_TABLEAU_DE_BORD. */
  dashboardDelayMs: number;
  /** Period of the scheduled dashboard sweep, in seconds; 0 disables it. */
  sweepIntervalSeconds: number;
  /**
   * ESAV_RDV_SLOT_RETENTION_DAYS: free appointment slots of Paris days more than this many days
   * ago are deleted by the scheduled purge (decision 0029); 0 keeps them all (no purge).
   */
  slotRetentionDays: number;
  /** Line tests: the durable queue, the workers inside the gateway and the network simulator. */
  lineTests: LineTestConfig;
  /** ESAV_BENCH_ECHO: the bare `POST /bench/echo` route of the benchmarks (bench/); off by default. */
  benchEcho: boolean;
  /** Maintenance, rate limits, volumetry, metrics, version registry (src/composition/config/operations.ts). */
  operations: OperationsConfig;
  /** Operators' certificates: provider CA, recognised CAs, validity, trust refresh (src/composition/config/certificates.ts). */
  certificates: CertificatesConfig;
  /** CRLs of the recognised CAs: refresh period, policy when unavailable, fetch limits (src/composition/config/crl.ts). */
  crl: CrlConfig;
  /** e-SAV en ligne, the operators' web portal: listener and account rules (src/composition/config/web-portal.ts). */
  webPortal: WebPortalConfig;
  /** Prestations import (decision 0017): ESAV_IMPORT_MAX_BYTES, the largest file; ESAV_IMPORT_PROGRESS_LINES, progress published every N lines. */
  prestationImport: { maxBytes: number; progressEveryLines: number };
  /** Push notifications to the operators' callback endpoints (src/composition/config/push.ts, decision 0023). */
  push: PushConfig;
  /**
   * The notices' e-mails (decision 0022): ESAV_SMTP_URL (smtp:// or smtps://), ESAV_SMTP_FROM;
   * undefined: no SMTP server, the notices are only kept (portal, web service). `workers`
   * (ESAV_MAIL_WORKERS, 0 or 1, default 1): whether this process sends the queued e-mails (0: a
   * `npm run worker` process does).
   */
  smtp: { url: string; from: string; workers: number } | undefined;
}

/** The processes of `npm start` (decision 0024). */
export interface WorkersConfig {
  /** 1: today's single process; more: a small primary forks that many workers (node:cluster). */
  count: number;
  /** Why the count is not the one asked for (PGlite with the default), shown in the banner. */
  note: string | undefined;
}

/**
 * ESAV_WORKERS: an integer in [1, 256], by default the machine's available parallelism (capped at
 * 256). The embedded PGlite database lives in one process: with it an explicit ESAV_WORKERS above 1
 * is refused, and the default becomes 1 (noted in the banner).
 */
export function workersConfig(env: NodeJS.ProcessEnv, parallelism: number = os.availableParallelism()): WorkersConfig {
  const fallback = Math.max(1, Math.min(256, parallelism));
  const count = integer(env, 'ESAV_WORKERS', fallback, 1, 256);
  if (env.DATABASE_URL) return { count, note: undefined };
  const explicit = env.ESAV_WORKERS !== undefined && env.ESAV_WORKERS !== '';
  if (explicit && count > 1) {
    throw new ConfigError(
      `ESAV_WORKERS=${env.ESAV_WORKERS} needs PostgreSQL (DATABASE_URL): the embedded PGlite database serves one process only; set ESAV_WORKERS=1 or DATABASE_URL`,
    );
  }
  return { count: 1, note: count > 1 ? `one process: the embedded PGlite database serves one process (ESAV_WORKERS needs DATABASE_URL)` : undefined };
}

/** Line tests (decision 0008): queue, workers and network simulator. */
export interface LineTestConfig {
  /** ESAV_TEST_WORKERS: worker loops inside the gateway (0: tests run only on `npm run worker` processes). */
  workers: number;
  /** ESAV_TEST_MAX_ATTEMPTS: executions of one test at most before ECHEC. */
  maxAttempts: number;
  /** ESAV_TEST_TIMEOUT_SECONDS: an execution silent for longer is considered lost and retried. */
  timeoutSeconds: number;
  /** ESAV_TEST_RETRY_DELAY_SECONDS: delay before a failed execution is retried. */
  retryDelaySeconds: number;
  /** ESAV_QUEUE_POLL_MS: how often an idle worker looks for a job. */
  pollingIntervalMs: number;
  /** ESAV_QUEUE_MAINTENANCE_SECONDS: how often lost executions are detected (expiry). */
  maintenanceIntervalSeconds: number;
  /** ESAV_SIMULATOR_LATENCY_MS: answer delay of the simulated network elements. */
  simulatorLatencyMs: number;
  /** ESAV_TEST_STOP_GRACE_MS: on stop, how long running tests may finish before being left to the queue. */
  stopGraceMs: number;
}




function lineTestConfig(env: NodeJS.ProcessEnv): LineTestConfig {
  const config: LineTestConfig = {
    workers: integer(env, 'ESAV_TEST_WORKERS', 2, 0, 64),
    maxAttempts: integer(env, 'ESAV_TEST_MAX_ATTEMPTS', 3, 1, 20),
    timeoutSeconds: integer(env, 'ESAV_TEST_TIMEOUT_SECONDS', 120, 1, 3600),
    retryDelaySeconds: integer(env, 'ESAV_TEST_RETRY_DELAY_SECONDS', 10, 0, 3600),
    pollingIntervalMs: integer(env, 'ESAV_QUEUE_POLL_MS', 1000, 500, 60_000),
    maintenanceIntervalSeconds: integer(env, 'ESAV_QUEUE_MAINTENANCE_SECONDS', 30, 1, 3600),
    simulatorLatencyMs: integer(env, 'ESAV_SIMULATOR_LATENCY_MS', 1500, 0, 600_000),
    stopGraceMs: integer(env, 'ESAV_TEST_STOP_GRACE_MS', 10_000, 0, 600_000),
  };
  if (config.simulatorLatencyMs >= config.timeoutSeconds * 1000) {
    throw new ConfigError(
      `ESAV_SIMULATOR_LATENCY_MS=${config.simulatorLatencyMs} must stay below ESAV_TEST_TIMEOUT_SECONDS=${config.timeoutSeconds} (every simulated test would be taken for lost)`,
    );
  }
  return config;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const platform = (env.ESAV_PLATFORM ?? 'integration') as Platform;
  if (platform !== 'integration' && platform !== 'production') {
    throw new ConfigError(`ESAV_PLATFORM=${env.ESAV_PLATFORM} must be integration or production`);
  }
  const providerSiren = env.ESAV_PROVIDER_SIREN ?? DEFAULT_PROVIDER_SIREN;
  if (!/^[0-9]{9}$/.test(providerSiren)) throw new ConfigError(`ESAV_PROVIDER_SIREN=${providerSiren} must be 9 digits`);

  const certFile = env.ESAV_TLS_CERT;
  const keyFile = env.ESAV_TLS_KEY;
  const caFiles = (env.ESAV_TLS_CA ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if ((certFile || keyFile || caFiles.length > 0) && !(certFile && keyFile && caFiles.length > 0)) {
    throw new ConfigError('ESAV_TLS_CERT, ESAV_TLS_KEY and ESAV_TLS_CA go together (or none of them, for the development PKI)');
  }
  const publicUrl = env.ESAV_PUBLIC_URL?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !/^https:\/\/[^/]+$/.test(publicUrl)) {
    throw new ConfigError(`ESAV_PUBLIC_URL=${publicUrl} must be https://host[:port]`);
  }
  const adminToken = env.ESAV_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(adminToken)) {
    throw new ConfigError('ESAV_ADMIN_TOKEN must be 16 to 256 printable characters without spaces');
  }
  const host = env.ESAV_HOST ?? '0.0.0.0';
  const smtpUrl = env.ESAV_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) throw new ConfigError('ESAV_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
  const smtpFrom = env.ESAV_SMTP_FROM || 'e-SAV <esav@localhost>';
  return {
    host,
    port: integer(env, 'ESAV_PORT', 8443, 0, 65535),
    publicUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: integer(env, 'ESAV_DB_POOL_SIZE', 10, 1, 200),
    workers: workersConfig(env),
    dataDir: path.resolve(PROJECT_ROOT, env.ESAV_DATA_DIR ?? 'data'),
    devCertsDir: path.resolve(PROJECT_ROOT, env.ESAV_DEV_CERTS_DIR ?? 'certs/dev'),
    tls: certFile && keyFile ? { certFile, keyFile, caFiles } : undefined,
    providerSiren,
    platform,
    demoData: flag(env, 'ESAV_DEMO_DATA', true),
    maxBodyBytes: integer(env, 'ESAV_MAX_BODY_BYTES', 512 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: env.LOG_LEVEL ?? 'info',
    adminHost: env.ESAV_ADMIN_HOST || '127.0.0.1',
    adminPort: integer(env, 'ESAV_ADMIN_PORT', 8444, 0, 65535),
    adminToken,
    dashboardDelayMs: integer(env, 'ESAV_DASHBOARD_DELAY_DAYS', 15, 0, 3650) * DAY_MS,
    sweepIntervalSeconds: integer(env, 'ESAV_SWEEP_INTERVAL_SECONDS', 300, 0, 7 * 24 * 3600),
    slotRetentionDays: integer(env, 'ESAV_RDV_SLOT_RETENTION_DAYS', 90, 0, 3650),
    lineTests: lineTestConfig(env),
    benchEcho: flag(env, 'ESAV_BENCH_ECHO', false),
    operations: operationsConfig(env),
    certificates: certificatesConfig(env),
    crl: crlConfig(env),
    webPortal: webPortalConfig(env, host),
    push: pushConfig(env),
    prestationImport: {
      maxBytes: integer(env, 'ESAV_IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1024, 64 * 1024 ** 3),
      progressEveryLines: integer(env, 'ESAV_IMPORT_PROGRESS_LINES', 10_000, 1, 10_000_000),
    },
    smtp: smtpUrl ? { url: smtpUrl, from: smtpFrom, workers: integer(env, 'ESAV_MAIL_WORKERS', 1, 0, 1) } : undefined,
  };
}
