// Child process: the deposit use case alone — SignalisationService.deposit called in a loop by
// N concurrent callers, no TLS, no HTTP, no SOAP — on the same PostgreSQL database, built as
// src/adapters/operators-front/endpoints.ts builds it. Its throughput is the ceiling of any SOAP server that calls
// this use case on this machine (gateway and node-soap alike), so it bounds the ratio c/d.
import { loadConfig } from '../src/composition/config/config.js';
import { postgresDatabase } from '../src/adapters/postgres/db.js';
import { percentile } from './lib/load.js';
import { benchSignalisationService, depositUseCaseRequest as deposit } from './lib/soap-fixtures.js';

interface RunMessage {
  type: 'run';
  connections: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
  prefix: string;
}

if (!process.send) throw new Error('started by the benchmark runner');
const config = loadConfig(process.env);
const db = postgresDatabase(config.databaseUrl!, { max: config.databasePoolSize });
const service = benchSignalisationService(db);

process.on('message', (m: RunMessage) => {
  if (m.type !== 'run') return;
  void (async () => {
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const t0 = performance.now();
    const windowStart = t0 + m.warmupMs;
    const windowEnd = windowStart + m.durationMs;
    const worker = async () => {
      while (performance.now() < windowEnd && sent < m.maxRequests) {
        const started = performance.now();
        let failed = false;
        try {
          await service.deposit({ operatorCode: 'OPA1' }, deposit(`${m.prefix}-${sent++}`));
        } catch {
          failed = true;
        }
        const ended = performance.now();
        if (started >= windowStart && ended <= windowEnd) {
          if (failed) errors++;
          else latencies.push(ended - started);
        }
      }
    };
    await Promise.all(Array.from({ length: m.connections }, worker));
    const sorted = Float64Array.from(latencies).sort();
    const seconds = (Math.min(performance.now(), windowEnd) - windowStart) / 1000;
    process.send!({
      type: 'done',
      result: {
        requests: sorted.length,
        errors,
        errorKinds: errors ? { error: errors } : {},
        seconds,
        rps: sorted.length / seconds,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? NaN,
        mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
        sent,
        capped: sent >= m.maxRequests,
      },
      memory: { peakRss: process.resourceUsage().maxRSS * 1024, rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 },
    });
    await db.close();
    process.disconnect();
  })();
});
process.send({ type: 'ready' });
