// Composition of the running rules of one gateway process (issue 8, decision 0010): maintenance
// (402), version registry (400), rate limits (401), volumetry and metrics. Built by the gateway's
// root (gateway.ts) once the database is migrated; `policy` and `observer` go to the operators'
// front (app.ts), `admin` to the admin API. The periodic reloads and the volumetry flush are jobs
// of the process's scheduler (gateway.ts, decision 0014).
import type { Logger } from 'pino';
import type { OperationsConfig } from './config/operations.js';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { MaintenanceService } from '../application/maintenance.js';
import { RateLimiter } from '../application/rate-limits.js';
import { VolumetryRecorder } from '../application/volumetry-recorder.js';
import { addVolumetry } from '../adapters/postgres/volumetry.js';
import type { Database } from '../adapters/postgres/db.js';
import type { Repositories } from './repositories.js';
import type { OperationsAdmin } from '../adapters/admin-api/operations-routes.js';
import cluster from 'node:cluster';
import { clusterMetricsExposition } from './cluster-metrics.js';
import { GatewayMetrics } from '../adapters/observability/metrics.js';
import { observers, requestPolicy, type RequestObserver, type RequestPolicy } from '../adapters/operators-front/request-policy.js';
import type { VersionRegistry } from './config/versions.js';
import type { NoticeService } from '../application/notices.js';

export interface OperationsDeps {
  config: OperationsConfig;
  db: Database;
  repositories: Repositories;
  clock: Clock;
  calendar: HolidayCalendar;
  logger: Logger;
  versions?: VersionRegistry;
  /** The notices to the operators: announced works windows and rate limits publish theirs (decision 0022). */
  notices?: NoticeService;
}

export interface Operations {
  policy: RequestPolicy;
  observer: RequestObserver;
  admin: OperationsAdmin;
  maintenance: MaintenanceService;
  rateLimits: RateLimiter;
  volumetry: VolumetryRecorder;
  metrics: GatewayMetrics;
  /** Readiness turns 503 from now on (first step of a graceful stop). */
  beginStopping(): void;
  /** Writes what is still in memory (volumetry); call once the operators' port is closed, before closing the database. */
  stop(): Promise<void>;
}

export async function buildOperations(deps: OperationsDeps): Promise<Operations> {
  const { config, db, repositories, clock, calendar, logger } = deps;
  const log = logger.child({ component: 'operations' });
  const maintenance = new MaintenanceService({
    clock,
    calendar,
    repository: repositories.maintenance,
    nightly: config.nightlyMaintenance,
    logger: log,
    notices: deps.notices,
  });
  // Loaded before the operators' port opens; reloaded by the scheduler from then on.
  await maintenance.refresh();
  const rateLimits = new RateLimiter({ clock, repository: repositories.rateLimits, logger: log, notices: deps.notices });
  await rateLimits.refresh();
  const volumetry = new VolumetryRecorder({ write: (counts) => addVolumetry(db, counts), logger: log });
  const volumetryReports = repositories.volumetry;
  const metrics = new GatewayMetrics({
    certificatesExpiring: (now, until) => repositories.operators.certificatesExpiring(now, until),
    clock,
    logger: log,
    certificateExpiryWarningDays: config.certificateExpiryWarningDays,
    maintenanceActive: () => maintenance.current() !== undefined,
    volumetryPending: () => volumetry.pendingRequests,
    ...(deps.versions ? { versions: () => deps.versions!.snapshot(clock.now()) } : {}),
  });

  let stopping = false;
  return {
    policy: requestPolicy({ maintenance, rateLimits, ...(deps.versions ? { versions: deps.versions } : {}) }),
    observer: observers([{ served: (r) => volumetry.count(r) }, metrics], (error) => log.error({ err: error }, 'request observer failed')),
    admin: { health: { db, stopping: () => stopping }, maintenance,
      rateLimits,
      // A worker of `npm start` with ESAV_WORKERS > 1 serves the metrics of every worker (decision 0024).
      metrics: cluster.isWorker ? clusterMetricsExposition(metrics) : metrics,
      volumetry: { flush: () => volumetry.flush(), report: (from, to, options) => volumetryReports.report(from, to, options) },
    },
    maintenance,
    rateLimits,
    volumetry,
    metrics,
    beginStopping() {
      stopping = true;
    },
    async stop() {
      stopping = true;
      await volumetry.stop();
    },
  };
}
