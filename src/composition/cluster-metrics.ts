// One /metrics for every process of `npm start` with ESAV_WORKERS > 1 (decision 0024). Each worker
// keeps its own prom-client registry; the scrape lands on one worker (cluster's shared admin port),
// which asks the primary; the primary collects every ready worker's metrics as JSON over the
// cluster IPC channel and merges them with prom-client's `AggregatorRegistry.aggregate` (counters
// and histograms summed; gauges read from PostgreSQL or the shared trust store carry their own
// aggregator, 'max'). A scrape that cannot reach every ready worker fails (the route answers 503)
// rather than answer a partial sum that Prometheus would read as a counter reset.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/** The IPC messages of a cluster-wide scrape. */
type MetricsMessage =
  /** worker → primary: a scrape arrived here. */
  | { type: 'esav-metrics-request'; id: number }
  /** primary → every ready worker: send your metrics. */
  | { type: 'esav-metrics-collect'; id: number }
  /** worker → primary: this worker's metrics. */
  | { type: 'esav-metrics-local'; id: number; metrics: MetricsJson }
  /** primary → the asking worker: the merged exposition, or why there is none. */
  | { type: 'esav-metrics-result'; id: number; body?: string; contentType?: string; error?: string };

function isMetricsMessage(message: unknown): message is MetricsMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('esav-metrics-');
}

/**
 * Primary side: answers the workers' scrape requests with the metrics of every ready worker.
 * `readyWorkers` is read at each request (workers being replaced are not waited for).
 */
export function answerClusterScrapes(readyWorkers: () => Worker[], timeoutMs = 5_000): void {
  let next = 0;
  const collecting = new Map<number, { expected: Set<Worker>; metrics: MetricsJson[]; done(error?: string): void }>();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === 'esav-metrics-local') {
      const scrape = collecting.get(message.id);
      if (!scrape || !scrape.expected.delete(worker)) return;
      scrape.metrics.push(message.metrics);
      if (scrape.expected.size === 0) scrape.done();
      return;
    }
    if (message.type !== 'esav-metrics-request') return;
    const asked = message.id;
    const reply = (answer: Omit<Extract<MetricsMessage, { type: 'esav-metrics-result' }>, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: 'esav-metrics-result', id: asked, ...answer } satisfies MetricsMessage);
    };
    const id = next++;
    const expected = new Set(readyWorkers());
    const timer = setTimeout(() => finish(`${expected.size} worker(s) did not send their metrics within ${timeoutMs} ms`), timeoutMs);
    const finish = (error?: string) => {
      if (!collecting.delete(id)) return;
      clearTimeout(timer);
      if (error) return reply({ error });
      try {
        const merged = AggregatorRegistry.aggregate(scrape.metrics);
        void merged.metrics().then(
          (body) => reply({ body, contentType: merged.contentType }),
          (failure: unknown) => reply({ error: String(failure) }),
        );
      } catch (failure) {
        reply({ error: String(failure) });
      }
    };
    const scrape = { expected, metrics: [] as MetricsJson[], done: finish };
    collecting.set(id, scrape);
    if (expected.size === 0) return finish('no ready worker');
    for (const w of expected) w.send({ type: 'esav-metrics-collect', id } satisfies MetricsMessage);
  });
}

/**
 * Worker side: the exposition the admin route serves — every worker's metrics merged by the
 * primary — and the answer to the primary's collection requests with this worker's registry.
 */
export function clusterMetricsExposition(local: { registry: Registry }, timeoutMs = 10_000): { text(): Promise<{ contentType: string; body: string }> } {
  let next = 0;
  const waiting = new Map<number, (answer: Extract<MetricsMessage, { type: 'esav-metrics-result' }>) => void>();
  process.on('message', (message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === 'esav-metrics-collect') {
      void local.registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: 'esav-metrics-local', id: message.id, metrics } satisfies MetricsMessage));
    } else if (message.type === 'esav-metrics-result') {
      waiting.get(message.id)?.(message);
    }
  });
  return {
    text() {
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the primary process did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (answer) => {
          waiting.delete(id);
          clearTimeout(timer);
          if (answer.body !== undefined && answer.contentType) resolve({ contentType: answer.contentType, body: answer.body });
          else reject(new Error(answer.error ?? 'no metrics'));
        });
        process.send?.({ type: 'esav-metrics-request', id } satisfies MetricsMessage);
      });
    },
  };
}
