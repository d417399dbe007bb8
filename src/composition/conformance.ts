// Wiring of the conformance runs into the gateway (src/composition/gateway.ts): on the integration platform the
// log of served calls (a request observer, batched writes), the campaign API on the mutual-TLS
// port, and the service the admin API reads. See docs/conformance.md.
import type { Logger } from 'pino';
import type { Platform } from '../domain/identity.js';
import { ConformanceRunService, ServedOperationsLog } from '../application/conformance-runs.js';
import { SqlConformanceCampaignRepository, SqlServedOperationsRepository } from '../adapters/postgres/conformance-evidence.js';
import { SqlConformanceRunRepository } from '../adapters/postgres/conformance-runs.js';
import type { Database } from '../adapters/postgres/db.js';
import type { MtlsRoutes } from '../adapters/operators-front/app.js';
import { conformanceRoutes } from '../adapters/operators-front/conformance-routes.js';
import { observers, type RequestObserver } from '../adapters/operators-front/request-policy.js';

export interface ConformanceRuntime {
  service: ConformanceRunService;
  routes: MtlsRoutes;
  /** `other` plus, on the integration platform, the log of served calls. */
  observe(other: RequestObserver | undefined): RequestObserver | undefined;
  /** Writes the calls still in memory. */
  stop(): Promise<void>;
}

export function startConformance({ db, logger, platform }: { db: Database; logger: Logger; platform: Platform }): ConformanceRuntime {
  // Production answers no campaign: its calls need no evidence log.
  const served = new SqlServedOperationsRepository(db);
  const servedLog = platform === 'integration' ? new ServedOperationsLog(served, logger) : undefined;
  const service = new ConformanceRunService({
    runs: new SqlConformanceRunRepository(db),
    campaigns: new SqlConformanceCampaignRepository(db),
    served,
    platform,
    ...(servedLog ? { servedLog } : {}),
  });
  const evidence: RequestObserver | undefined = servedLog && {
    served(request) {
      if (!request.operatorCode || !request.certificateFingerprint) return;
      servedLog.record({
        // Real time, like the campaign window (the business clock may be set elsewhere in tests).
        at: new Date(),
        operatorCode: request.operatorCode,
        certificateFingerprint: request.certificateFingerprint,
        path: request.endpoint.path,
        operation: request.operation,
        outcome: request.outcome === 'ok' ? 'ok' : `fault:${request.outcome}`,
        requestId: request.requestId ?? '',
      });
    },
  };
  return {
    service,
    routes: conformanceRoutes(service),
    observe(other) {
      if (!evidence) return other;
      return other ? observers([other, evidence], (error) => logger.error({ err: error }, 'request observer failed')) : evidence;
    },
    async stop() {
      await servedLog?.stop();
    },
  };
}
