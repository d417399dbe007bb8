// The load generator: an undici Pool over mutual TLS with keep-alive, a fixed number of
// connections each kept busy by one request loop (no pipelining), a warm-up that is not recorded,
// then a measured window of fixed duration. Bounded in time and in count; loopback only.
import { Pool } from 'undici';

export interface ClientTls {
  key: string;
  cert: string;
  ca: string;
}

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  /** https://127.0.0.1:port — refused unless on loopback. */
  origin: string;
  tls: ClientTls;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Hard cap on requests sent (warm-up included). */
  maxRequests: number;
  /** The n-th request (n counts from 0, warm-up included). */
  next(n: number): LoadRequest;
  /** Whether an answer is a success (default: HTTP 200). */
  ok?(status: number, body: string): boolean;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Called when the measured window opens and when it closes (e.g. CPU snapshots). */
  onWindowStart?(): void;
  onWindowEnd?(): void;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Error kinds (HTTP status or error code) with their counts, measured window only. */
  errorKinds: Record<string, number>;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Sent in all, warm-up included, and whether maxRequests stopped the run early. */
  sent: number;
  capped: boolean;
}

export function assertLoopback(origin: string): void {
  const host = new URL(origin).hostname;
  if (!(host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`refusing to load ${origin}: benchmarks target loopback addresses only`);
  }
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.origin);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: {
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      servername: 'localhost',
      rejectUnauthorized: true,
    },
  });
  const ok = options.ok ?? ((status: number) => status === 200);
  let latencies = new Float64Array(1 << 16);
  let recorded = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  let sent = 0;
  let capped = false;

  const t0 = performance.now();
  const windowStart = t0 + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;

  const record = (started: number, ended: number, error: string | undefined) => {
    if (started < windowStart || ended > windowEnd) return;
    if (error !== undefined) {
      errors++;
      errorKinds[error] = (errorKinds[error] ?? 0) + 1;
      return;
    }
    if (recorded === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[recorded++] = ended - started;
  };

  const worker = async () => {
    for (;;) {
      const started = performance.now();
      if (started >= windowEnd) return;
      if (sent >= options.maxRequests) {
        capped = true;
        return;
      }
      const request = options.next(sent++);
      let error: string | undefined;
      try {
        const response = await pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
        const text = await response.body.text();
        if (!ok(response.statusCode, text)) error = `HTTP ${response.statusCode}`;
      } catch (e) {
        error = (e as { code?: string }).code ?? (e as Error).name ?? 'error';
      }
      record(started, performance.now(), error);
    }
  };

  let opened = false;
  let closed = false;
  const open = () => {
    if (!opened) {
      opened = true;
      options.onWindowStart?.();
    }
  };
  const close = () => {
    if (!closed) {
      closed = true;
      options.onWindowEnd?.();
    }
  };
  const startTimer = setTimeout(open, Math.max(0, windowStart - performance.now()));
  const endTimer = setTimeout(close, Math.max(0, windowEnd - performance.now()));
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    open();
    close();
    await pool.destroy();
  }
  const seconds = Math.max(0, Math.min(performance.now(), windowEnd) - windowStart) / 1000;
  const sorted = latencies.slice(0, recorded).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    requests: recorded,
    errors,
    errorKinds,
    seconds,
    rps: seconds > 0 ? recorded / seconds : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
    mean: recorded > 0 ? sum / recorded : NaN,
    sent,
    capped,
  };
}

/** One request outside any measurement (set-up steps), over its own short-lived connection. */
export async function postOnce(origin: string, tls: ClientTls, request: LoadRequest): Promise<{ status: number; body: string }> {
  assertLoopback(origin);
  const pool = new Pool(origin, { connections: 1, connect: { key: tls.key, cert: tls.cert, ca: tls.ca, servername: 'localhost' } });
  try {
    const response = await pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
    return { status: response.statusCode, body: await response.body.text() };
  } finally {
    await pool.destroy();
  }
}
