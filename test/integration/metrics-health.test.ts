// Metrics and health (issue 8): Prometheus /metrics on the admin port, parsed and checked
// (requests by operation/outcome/version, latency histograms, queue depth, certificates expiring
// soon); /health/live and /health/ready; graceful shutdown (no new connection, the request in
// flight finishes, the pool is closed).
import https from 'node:https';
import { SettableClock } from '../../src/domain/clock.js';
import { envelope, enteteRequete } from '../unit/_support/soap-messages.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { CONSULT_UNKNOWN, readAnswer, soapCall, startSecondGateway } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const DAY = 86_400_000;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every line is a comment or a sample.
 * NaN is read case-insensitively, as Prometheus does (prom-client writes "Nan").
 */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describeDb('metrics, health and graceful shutdown', () => {
  let t: TestGateway;
  const clock = new SettableClock('2026-11-02T10:00:00+01:00');

  async function scrape() {
    const response = await fetch(`${t.adminUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await response.text());
  }

  beforeAll(async () => {
    t = await startTestGateway({ clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('/metrics: requests by service, version, operation and outcome; latency histograms; queue; certificates', async () => {
    for (let i = 0; i < 2; i++) expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', '<sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/>')).code).toBeUndefined();
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', '<sig:deposerSignalisation xmlns:sig="urn:esav:signalisation:v1"/>')).code).toBe(101);

    const { samples, types } = await scrape();
    expect(types.get('esav_requests_total')).toBe('counter');
    expect(types.get('esav_request_duration_seconds')).toBe('histogram');
    expect(types.get('esav_line_test_queue_depth')).toBe('gauge');
    expect(types.get('esav_client_certificates_expiring')).toBe('gauge');
    const sig = { service: 'SignalisationService', version: '1' };
    expect(value(samples, 'esav_requests_total', { ...sig, operation: 'consulterEtatSignalisation', outcome: '310' })).toBe(2);
    expect(value(samples, 'esav_requests_total', { ...sig, operation: 'consulterCatalogue', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'esav_requests_total', { ...sig, operation: 'deposerSignalisation', outcome: '101' })).toBe(1);

    // The histogram of consulterEtatSignalisation: cumulative buckets, +Inf = count = 2, sum > 0.
    const labels = { ...sig, operation: 'consulterEtatSignalisation' };
    const buckets = samples.filter((s) => s.name === 'esav_request_duration_seconds_bucket' && s.labels.operation === 'consulterEtatSignalisation');
    expect(buckets.length).toBeGreaterThan(5);
    const counts = buckets.map((b) => b.value);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(2);
    expect(value(samples, 'esav_request_duration_seconds_count', labels)).toBe(2);
    expect(value(samples, 'esav_request_duration_seconds_sum', labels)).toBeGreaterThan(0);

    expect(value(samples, 'esav_line_test_queue_depth', { state: 'created' })).toBe(0);
    expect(value(samples, 'esav_client_certificates_expiring', { operator: 'OPA1' })).toBe(0);
    expect(value(samples, 'esav_maintenance_active', {})).toBe(0);
    expect(samples.some((s) => s.name === 'esav_process_cpu_user_seconds_total')).toBe(true);
  });

  test('a certificate expiring within the warning period (30 days) shows in the metric', async () => {
    const [cert] = await t.db.query<{ not_after: Date }>("SELECT not_after FROM client_certificates WHERE operator_code = 'OPA1' ORDER BY not_after LIMIT 1");
    const saved = clock.now();
    clock.set(new Date(cert!.not_after.getTime() - 10 * DAY));
    try {
      const { samples } = await scrape();
      expect(value(samples, 'esav_client_certificates_expiring', { operator: 'OPA1' })).toBeGreaterThanOrEqual(1);
    } finally {
      clock.set(saved);
    }
  });

  test('/health/live and /health/ready answer without a token', async () => {
    const live = await t.admin('GET', '/health/live', undefined, null);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await t.admin('GET', '/health/ready', undefined, null);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok', database: 'up', maintenance: { enMaintenance: false } } });
  });

  test('graceful shutdown: the request in flight is answered, new connections are refused, the pool is closed', async () => {
    const second = await startSecondGateway(t, clock);
    const body = Buffer.from(envelope(CONSULT_UNKNOWN(), enteteRequete({ codeOperateur: 'OPA1' })));
    const tls = t.tlsFor('OPA1');
    // A request whose body is still being sent when the stop begins: it is in flight.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = https.request(
        `${second.url}/ws/v1/signalisation`,
        { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': String(body.length) }, ...tls, agent: false, servername: 'localhost', checkServerIdentity: () => undefined },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', reject);
      request.write(body.subarray(0, 100));
      setTimeout(() => request.end(body.subarray(100)), 400);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = second.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // No new connection once the stop has begun.
    await expect(soapCall(second, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).rejects.toThrow();
    const done = await answer;
    expect(readAnswer(done.status, done.body).code).toBe(310);
    await closing;
    await expect(second.gateway.db.query('SELECT 1')).rejects.toThrow();
  });
});
