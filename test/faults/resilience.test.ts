// Fault suite: the gateway under deposits while its PostgreSQL is stopped and restarted, and while
// the gateway process itself is killed (SIGKILL). On a PostgreSQL server of its own (initdb +
// pg_ctl on a temporary folder and port), so stopping it disturbs no other test.
// What must hold: while the database is down the gateway answers fault 500 quickly (no hang) and
// recovers by itself; every acknowledged deposit is in the database exactly once; deposits
// retried by the operator (same referenceInterneOC) stay single.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { DEPOSIT_ENVELOPE } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { testCertsDir } from '../support/dev-pki.js';

const describeDb = await describeWithPostgres();

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

type Outcome = { kind: 'ack'; reference: string; ms: number } | { kind: 'fault'; code: number; ms: number } | { kind: 'error'; ms: number };

interface Load {
  /** referenceInterneOC → acknowledged reference (the operator's view). */
  acknowledged: Map<string, string>;
  outcomes: Array<Outcome & { at: number }>;
  stop(): Promise<void>;
}

/**
 * Operators depositing in a loop: each one retries the same referenceInterneOC until it is
 * acknowledged (as a real IS does on time-outs and faults 500), then moves to the next one.
 */
function startLoad(url: string, tls: { key: Buffer; cert: Buffer; ca: Buffer }, workers: number): Load {
  const acknowledged = new Map<string, string>();
  const outcomes: Load['outcomes'] = [];
  let running = true;
  const agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: workers, checkServerIdentity: () => undefined });
  const post = (body: string): Promise<Outcome> =>
    new Promise((resolve) => {
      const started = performance.now();
      const request = https.request(`${url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' }, timeout: 15_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const ms = performance.now() - started;
          const reference = /<referenceSignalisation>([^<]+)</.exec(text)?.[1];
          if (response.statusCode === 200 && reference) resolve({ kind: 'ack', reference, ms });
          else resolve({ kind: 'fault', code: Number(/<code>(\d+)</.exec(text)?.[1] ?? 0), ms });
        });
        response.on('error', () => resolve({ kind: 'error', ms: performance.now() - started }));
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve({ kind: 'error', ms: performance.now() - started }));
      request.end(body);
    });
  const loops = Array.from({ length: workers }, async (_, w) => {
    let n = 0;
    while (running) {
      const referenceInterneOC = `F-${w}-${n}`;
      for (;;) {
        const outcome = await post(DEPOSIT_ENVELOPE(referenceInterneOC));
        outcomes.push({ ...outcome, at: Date.now() });
        if (outcome.kind === 'ack') {
          const previous = acknowledged.get(referenceInterneOC);
          if (previous && previous !== outcome.reference) throw new Error(`${referenceInterneOC} acknowledged twice: ${previous}, ${outcome.reference}`);
          acknowledged.set(referenceInterneOC, outcome.reference);
          break;
        }
        if (!running) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      n++;
    }
  });
  return {
    acknowledged,
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const testRequestXml = () =>
  `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header><com:enteteRequete xmlns:com="urn:esav:commun:v1">` +
  `<com:versionWS>1</com:versionWS><com:horodatageRequete>2026-11-27T10:00:00+01:00</com:horodatageRequete>` +
  `<com:codeOperateur>OPA1</com:codeOperateur></com:enteteRequete></soapenv:Header><soapenv:Body>` +
  `<t:demanderTest xmlns:t="urn:esav:test:v1"><t:identifiantPrestation>FI-1000-0002</t:identifiantPrestation>` +
  `<t:typeTest>ETAT_SYNCHRO</t:typeTest></t:demanderTest></soapenv:Body></soapenv:Envelope>`;

/** Line test requests in a loop; returns the idDemandeTest values the gateway acknowledged. */
function startTestRequests(url: string, tls: { key: Buffer; cert: Buffer; ca: Buffer }, workers: number) {
  const acknowledged: string[] = [];
  let running = true;
  const agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: workers, checkServerIdentity: () => undefined });
  const once = () =>
    new Promise<void>((resolve) => {
      const request = https.request(`${url}/ws/v1/test`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' }, timeout: 15_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const id = /<idDemandeTest>([^<]+)</.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
          if (response.statusCode === 200 && id) acknowledged.push(id);
          resolve();
        });
        response.on('error', () => resolve());
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => resolve());
      request.end(testRequestXml());
    });
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      await once();
      await sleep(20);
    }
  });
  return {
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describeDb('fault suite (own PostgreSQL server, gateway as a process)', () => {
  let postgres: ThrowawayPostgres;
  let gateway: GatewayProcess | undefined;
  let env: Record<string, string>;
  let tls: { key: Buffer; cert: Buffer; ca: Buffer };
  let url: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    const certs = testCertsDir('esav-faults-pki-');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-faults-data-'));
    dirs.push(certs, data);
    const port = await freePort();
    env = {
      DATABASE_URL: postgres.url,
      ESAV_HOST: '127.0.0.1',
      ESAV_PORT: String(port),
      ESAV_ADMIN_PORT: '0',
      ESAV_WEB_PORT: '0',
      ESAV_SWEEP_INTERVAL_SECONDS: '0',
      ESAV_DEV_CERTS_DIR: certs,
      ESAV_DATA_DIR: data,
      // Line tests: a quick simulator, and lost executions (the killed process's) detected fast.
      ESAV_SIMULATOR_LATENCY_MS: '100',
      ESAV_TEST_TIMEOUT_SECONDS: '3',
      ESAV_TEST_RETRY_DELAY_SECONDS: '0',
      ESAV_QUEUE_MAINTENANCE_SECONDS: '1',
      ESAV_QUEUE_POLL_MS: '500',
    };
    gateway = await startGatewayProcess(env);
    url = `https://127.0.0.1:${port}`;
    tls = {
      key: fs.readFileSync(path.join(certs, 'operators', 'OPA1.key')),
      cert: fs.readFileSync(path.join(certs, 'operators', 'OPA1.crt')),
      ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    };
  }, 120_000);

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await postgres?.destroy();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function storedReferences(): Promise<Map<string, string[]>> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ reference_interne_oc: string; reference: string }>(
        "SELECT reference_interne_oc, reference FROM signalisations WHERE operator_code = 'OPA1' AND reference_interne_oc LIKE 'F-%'",
      );
      const map = new Map<string, string[]>();
      for (const r of rows) map.set(r.reference_interne_oc, [...(map.get(r.reference_interne_oc) ?? []), r.reference]);
      return map;
    } finally {
      await client.end();
    }
  }

  async function expectEveryAcknowledgedStoredOnce(load: Load) {
    const stored = await storedReferences();
    expect(load.acknowledged.size).toBeGreaterThan(0);
    for (const [interne, reference] of load.acknowledged) {
      expect({ interne, stored: stored.get(interne) }).toEqual({ interne, stored: [reference] });
    }
    for (const [interne, references] of stored) expect({ interne, count: references.length }).toEqual({ interne, count: 1 });
  }

  test('PostgreSQL stopped and restarted under deposits: quick faults 500, self-recovery, nothing lost or doubled', async () => {
    const load = startLoad(url, tls, 8);
    await sleep(2000);
    const stoppedAt = Date.now();
    await postgres.stop();
    await sleep(3000);
    const restartedAt = Date.now();
    await postgres.start();
    await sleep(4000);
    await load.stop();

    const whileDown = load.outcomes.filter((o) => o.at > stoppedAt + 500 && o.at < restartedAt);
    expect(whileDown.length).toBeGreaterThan(0);
    for (const o of whileDown) {
      expect(o.kind).toBe('fault');
      if (o.kind === 'fault') expect(o.code).toBe(500);
      expect(o.ms).toBeLessThan(6000); // answered, not hanging
    }
    const afterRecovery = load.outcomes.filter((o) => o.at > restartedAt + 2000);
    expect(afterRecovery.some((o) => o.kind === 'ack')).toBe(true);
    await expectEveryAcknowledgedStoredOnce(load);
  }, 120_000);

  test('the gateway killed with SIGKILL under load: no acknowledged deposit and no queued test lost', async () => {
    const load = startLoad(url, tls, 6);
    const tests = startTestRequests(url, tls, 2);
    await sleep(1500);
    await gateway!.kill('SIGKILL');
    await sleep(500);
    gateway = await startGatewayProcess(env);
    await sleep(3000);
    await load.stop();
    await tests.stop();
    expect(load.outcomes.some((o) => o.kind === 'error')).toBe(true); // the kill was felt
    await expectEveryAcknowledgedStoredOnce(load);

    // Every acknowledged test request is carried to its end (TERMINE or ECHEC) by the restarted
    // gateway's workers, once each.
    expect(tests.acknowledged.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      let pending: string[] = tests.acknowledged;
      for (let i = 0; i < 120 && pending.length > 0; i++) {
        const { rows } = await client.query<{ reference: string }>(
          "SELECT reference FROM line_tests WHERE reference = ANY($1::text[]) AND statut IN ('TERMINE', 'ECHEC')",
          [pending],
        );
        const done = new Set(rows.map((r) => r.reference));
        pending = pending.filter((id) => !done.has(id));
        if (pending.length > 0) await sleep(500);
      }
      expect(pending).toEqual([]);
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM line_tests WHERE reference = ANY($1::text[])', [tests.acknowledged]);
      expect(rows[0]!.n).toBe(tests.acknowledged.length);
    } finally {
      await client.end();
    }
  }, 180_000);
});
