// Prometheus metrics of one gateway process (prom-client, its own registry: two gateways in one
// process — the tests — never share series). Served at GET /metrics on the admin port (src/adapters/admin-api/operations-routes.ts).
//
//   esav_requests_total{service,version,operation,outcome}   SOAP requests answered; outcome "ok"
//                                                            or the fault code ("402", "310"…)
//   esav_request_duration_seconds{service,version,operation} latency histogram (Fastify's elapsed time)
//   esav_line_test_queue_depth{state}                        line-test jobs queued / retrying / running
//   esav_client_certificates_expiring{operator}              registered certificates, not revoked,
//                                                            expiring within ESAV_CERT_EXPIRY_WARNING_DAYS
//   esav_maintenance_active                                  1 during a maintenance window
//   esav_volumetry_pending_requests                          counted, not yet written
//   esav_version_live{service,version}                       1 when the registry has it live now
// plus prom-client's default process metrics (esav_process_…, esav_nodejs_…).
// The database gauges are read when scraped (one query each; the queue's through pg-boss's API,
// bound by `watchQueue` once the queue runs); a failed read keeps the last value.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import type { RequestObserver, ServedRequest } from '../operators-front/request-policy.js';

/** Line-test jobs by state, as the queue counts them (src/adapters/queue/queue.ts `depth()`). */
export interface QueueDepth {
  created: number;
  retry: number;
  active: number;
}

export interface MetricsDeps {
  /** Registered client certificates, not revoked, valid at `now` and expiring by `until`, counted per operator (every operator listed). */
  certificatesExpiring(now: Date, until: Date): Promise<Array<{ operatorCode: string; count: number }>>;
  clock: Clock;
  logger: Logger;
  certificateExpiryWarningDays: number;
  maintenanceActive(): boolean;
  volumetryPending(): number;
  /** Every service version of the registry and whether it is live now. */
  versions?(): Array<{ service: string; version: string; live: boolean }>;
}

const DAY_MS = 86_400_000;

type OperationLabels = { service: string; version: string; operation: string };

interface OperationSeries {
  labels: OperationLabels;
  byOutcome: Map<string, OperationLabels & { outcome: string }>;
}

export class GatewayMetrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'service' | 'version' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'service' | 'version' | 'operation'>;
  private queueDepth: (() => Promise<QueueDepth>) | undefined;
  private readonly series = new WeakMap<ServedRequest['endpoint'], Map<string, OperationSeries>>();

  constructor(deps: MetricsDeps) {
    const { registry } = this;
    const log = deps.logger;
    collectDefaultMetrics({ register: registry, prefix: 'esav_' });

    this.requests = new Counter({
      name: 'esav_requests_total',
      help: 'SOAP requests answered, by service, version, operation and outcome (ok or the fault code)',
      labelNames: ['service', 'version', 'operation', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'esav_request_duration_seconds',
      help: 'Time to answer a SOAP request (request received to response sent), by service, version and operation',
      labelNames: ['service', 'version', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    const depth = () => this.queueDepth;
    // Gauges read from PostgreSQL or the shared configuration give every process the same value:
    // when the workers of a cluster are merged (src/composition/cluster-metrics.ts) they are not
    // summed ('max'); this process's own counts (counters, histograms, pending volumetry) are.
    new Gauge({
      name: 'esav_line_test_queue_depth',
      help: 'Line-test jobs in the durable queue, by state (created: waiting, retry: waiting to be retried, active: running)',
      labelNames: ['state'],
      aggregator: 'max',
      registers: [registry],
      async collect() {
        const read = depth();
        if (!read) return;
        try {
          const byState = await read();
          for (const state of ['created', 'retry', 'active'] as const) this.set({ state }, byState[state]);
        } catch (error) {
          log.warn({ err: error }, 'metrics: queue depth not read');
        }
      },
    });

    new Gauge({
      name: 'esav_client_certificates_expiring',
      help: `Registered client certificates, not revoked, still valid and expiring within ${deps.certificateExpiryWarningDays} days, by operator`,
      labelNames: ['operator'],
      aggregator: 'max',
      registers: [registry],
      async collect() {
        try {
          const now = deps.clock.now();
          const rows = await deps.certificatesExpiring(now, new Date(now.getTime() + deps.certificateExpiryWarningDays * DAY_MS));
          this.reset();
          for (const r of rows) this.set({ operator: r.operatorCode }, r.count);
        } catch (error) {
          log.warn({ err: error }, 'metrics: certificates not read');
        }
      },
    });

    new Gauge({
      name: 'esav_maintenance_active',
      help: '1 while the service is in a maintenance window (fault 402), else 0',
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.set(deps.maintenanceActive() ? 1 : 0);
      },
    });

    new Gauge({
      name: 'esav_volumetry_pending_requests',
      help: 'Requests counted for the volumetry and not yet written to the database',
      registers: [registry],
      collect() {
        this.set(deps.volumetryPending());
      },
    });

    if (deps.versions) {
      const versions = deps.versions;
      new Gauge({
        name: 'esav_version_live',
        help: 'Service versions of the version registry: 1 when live now, 0 when not yet live or retired',
        labelNames: ['service', 'version'],
        aggregator: 'max',
        registers: [registry],
        collect() {
          for (const v of versions()) this.set({ service: v.service, version: v.version }, v.live ? 1 : 0);
        },
      });
    }
  }

  /**
   * Where the queue gauge reads from: the line-test queue starts after the metrics, so the gateway
   * binds it once the queue runs (until then the gauge has no sample).
   */
  watchQueue(depth: () => Promise<QueueDepth>): void {
    this.queueDepth = depth;
  }

  served(request: ServedRequest): void {
    const series = this.seriesOf(request.endpoint, request.operation ?? 'inconnue');
    let withOutcome = series.byOutcome.get(request.outcome);
    if (!withOutcome) series.byOutcome.set(request.outcome, (withOutcome = { ...series.labels, outcome: request.outcome }));
    this.requests.inc(withOutcome);
    this.duration.observe(series.labels, request.durationSeconds);
  }

  /**
   * The label objects of an endpoint's operation, built once: prom-client hashes the labels it is
   * given on every call, building them anew each time cost as much again (docs/benchmarks.md,
   * issue 16 point 3). Bounded: the endpoints, their operations and the fault codes are finite.
   */
  private seriesOf(endpoint: ServedRequest['endpoint'], operation: string): OperationSeries {
    let byOperation = this.series.get(endpoint);
    if (!byOperation) this.series.set(endpoint, (byOperation = new Map()));
    let series = byOperation.get(operation);
    if (!series) {
      series = { labels: { service: endpoint.serviceName, version: endpoint.version, operation }, byOutcome: new Map() };
      byOperation.set(operation, series);
    }
    return series;
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
