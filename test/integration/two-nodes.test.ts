// Several nodes on one PostgreSQL (issue 16, decision 0024): two gateways started as separate
// processes (`node dist/src/processes/gateway.js`, as on two machines) on their own ports, sharing
// one database and the development PKI. What must hold: the same deposit sent to both at once makes
// one ticket; a suspension made through node A is refused by node B within the trust refresh
// interval and B's open connection is closed; rate limits count both nodes' requests together; the
// periodic cluster job runs once per period; a line test accepted by A, which is then SIGKILLed, is
// finished by B's queue workers. One database and two processes for the whole file.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { postgresDatabase } from '../../src/adapters/postgres/db.js';
import { LineTestQueue } from '../../src/adapters/queue/queue.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { enteteRequete, rawPost, type ClientTls } from '../support/gateway.js';
import { waitFor } from '../support/line-tests.js';
import { CONSULT_UNKNOWN, DEPOSIT_ENVELOPE, readAnswer, type SoapAnswer } from '../support/operations.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/throwaway-postgres.js';
import { testCertsDir } from '../support/dev-pki.js';

const describeDb = await describeWithPostgres();

const TOKEN = 'two-nodes-admin-token-0123456789';
const AGENT = 'agent.deux-noeuds';

const envelope = (code: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
  `<soapenv:Header>${enteteRequete(code)}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const lineTest = () =>
  envelope(
    'OPA1',
    `<t:demanderTest xmlns:t="urn:esav:test:v1"><t:identifiantPrestation>FI-1000-0002</t:identifiantPrestation>` +
      `<t:typeTest>ETAT_SYNCHRO</t:typeTest></t:demanderTest>`,
  );

interface Node {
  name: string;
  process: GatewayProcess;
  url: string;
  adminUrl: string;
}

describeDb('two gateway nodes (separate processes) on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: Node;
  let b: Node;
  let client: pg.Client;
  const dirs: string[] = [];
  let certs: string;

  const tlsFor = (code: string): ClientTls => ({
    key: fs.readFileSync(path.join(certs, 'operators', `${code}.key`)),
    cert: fs.readFileSync(path.join(certs, 'operators', `${code}.crt`)),
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
  });

  async function startNode(name: string, extra: Record<string, string>): Promise<Node> {
    const port = await freePort();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), `esav-node-${name}-`));
    dirs.push(data);
    const child = await startGatewayProcess({
      DATABASE_URL: database.url,
      ESAV_HOST: '127.0.0.1',
      ESAV_PORT: String(port),
      ESAV_ADMIN_PORT: '0',
      ESAV_ADMIN_TOKEN: TOKEN,
      ESAV_DEV_CERTS_DIR: certs,
      ESAV_DATA_DIR: data,
      // Changes made by the other node are seen within a second.
      ESAV_TRUST_REFRESH_SECONDS: '1',
      ESAV_OPERATIONS_REFRESH_SECONDS: '1',
      ESAV_SWEEP_INTERVAL_SECONDS: '1',
      // Line tests: quick polling, lost executions (the killed node's) detected within seconds.
      ESAV_QUEUE_POLL_MS: '500',
      ESAV_QUEUE_MAINTENANCE_SECONDS: '1',
      ESAV_TEST_RETRY_DELAY_SECONDS: '0',
      ESAV_TEST_TIMEOUT_SECONDS: '5',
      ESAV_SIMULATOR_LATENCY_MS: '20',
      ...extra,
    });
    const adminUrl = /admin API \(support staff\): (http:\/\/\S+)/.exec(child.output())?.[1];
    if (!adminUrl) throw new Error(`no admin URL in the banner:\n${child.output()}`);
    return { name, process: child, url: `https://127.0.0.1:${port}`, adminUrl };
  }

  async function admin(node: Node, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${node.adminUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const post = async (node: Node, code: string, servicePath: string, xml: string): Promise<SoapAnswer> => {
    const answer = await rawPost(`${node.url}${servicePath}`, tlsFor(code), xml);
    return readAnswer(answer.status, answer.body);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    certs = testCertsDir('esav-nodes-pki-');
    dirs.push(certs);
    // A migrates the database and makes the PKI; B then starts on both, as a second machine would.
    // A's simulated network is slow, so that a line test it runs is still running when it is killed.
    a = await startNode('a', { ESAV_SIMULATOR_LATENCY_MS: '4000' });
    b = await startNode('b', {});
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  }, 180_000);

  afterAll(async () => {
    await client?.end();
    await a?.process.kill('SIGKILL');
    await b?.process.kill('SIGTERM');
    await database?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  test('the same deposit sent to both nodes at once makes one ticket', async () => {
    const referenceInterneOC = 'DEUX-NOEUDS-1';
    const answers = await Promise.all([a, b, a, b].map((node) => post(node, 'OPA1', '/ws/v1/signalisation', DEPOSIT_ENVELOPE(referenceInterneOC))));
    const references = answers.map((answer) => /<(?:\w+:)?referenceSignalisation>([^<]+)</.exec(answer.body)?.[1]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(references).size).toBe(1);
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM signalisations WHERE operator_code = 'OPA1' AND reference_interne_oc = $1",
      [referenceInterneOC],
    );
    expect(rows[0]!.n).toBe(1);
  });

  test('rate limits are shared: requests spread over both nodes are counted together', async () => {
    const set = await admin(a, 'POST', '/admin/limites', { operateur: 'OPA1', requetesParMinute: 6, motif: 'essai deux nœuds', force: true, agent: AGENT });
    expect(set.status).toBe(201);
    // A probe, set after OPA1's limit: once a node refuses OPB2 (one request a minute), it has
    // reloaded the limits (every second, ESAV_OPERATIONS_REFRESH_SECONDS=1), OPA1's with them.
    expect((await admin(a, 'POST', '/admin/limites', { operateur: 'OPB2', requetesParMinute: 1, motif: 'sonde', force: true, agent: AGENT })).status).toBe(201);
    for (const node of [a, b]) {
      await waitFor(`node ${node.name} applying the limits`, async () => ((await post(node, 'OPB2', '/ws/v1/signalisation', envelope('OPB2', CONSULT_UNKNOWN()))).code === 401 ? true : undefined), 20_000, 200);
    }
    // The limit counts per calendar minute: start early in one, so that the run stays within it.
    await waitFor('the start of a minute', async () => (new Date().getUTCSeconds() < 45 ? true : undefined), 20_000, 200);
    const answers: SoapAnswer[] = [];
    for (let i = 0; i < 10; i++) answers.push(await post(i % 2 === 0 ? a : b, 'OPA1', '/ws/v1/signalisation', envelope('OPA1', CONSULT_UNKNOWN())));
    const codes = answers.map((answer) => answer.code);
    // 6 in total (3 through each node), then both refuse: 401 with reessayerApres.
    expect(codes).toEqual([310, 310, 310, 310, 310, 310, 401, 401, 401, 401]);
    for (const operateur of ['OPA1', 'OPB2']) {
      const lifted = await admin(b, 'POST', '/admin/limites', { operateur, requetesParMinute: null, motif: 'fin de l’essai' });
      expect(lifted.status).toBe(201);
    }
  }, 90_000);

  test('a suspension made through node A is refused by node B within the trust refresh, and B closes its open connection', async () => {
    const agent = new https.Agent({ ...tlsFor('OPB2'), keepAlive: true, maxSockets: 1, checkServerIdentity: () => undefined });
    const consult = () =>
      new Promise<{ answer: SoapAnswer; socket: Socket }>((resolve, reject) => {
        const request = https.request(`${b.url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ answer: readAnswer(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')), socket: request.socket as Socket }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(envelope('OPB2', CONSULT_UNKNOWN()));
      });
    try {
      // Served (the reference is unknown) once B has also reloaded the lifted limit of the test above.
      const first = await waitFor('OPB2 served by B', async () => {
        const answer = await consult();
        return answer.answer.code === 310 ? answer : undefined;
      }, 20_000, 200);
      const socket = first.socket;
      expect(socket.destroyed).toBe(false);
      const closed = new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

      const suspended = await admin(a, 'POST', '/admin/operateurs/OPB2/suspension', { agent: AGENT, motif: 'Impayés (essai deux nœuds)' });
      expect(suspended.status).toBe(200);
      // B learns it from PostgreSQL at its next trust refresh: the open connection is closed...
      await closed;
      // ...and a new one is refused.
      await expect(post(b, 'OPB2', '/ws/v1/signalisation', envelope('OPB2', CONSULT_UNKNOWN()))).rejects.toThrow();
    } finally {
      agent.destroy();
    }
    const reactivated = await admin(b, 'POST', '/admin/operateurs/OPB2/reactivation', { agent: AGENT, motif: 'Régularisé' });
    expect(reactivated.status).toBe(200);
    await waitFor('OPB2 served again by A', async () => ((await post(a, 'OPB2', '/ws/v1/signalisation', envelope('OPB2', CONSULT_UNKNOWN())).catch(() => undefined))?.code === 310 ? true : undefined), 20_000, 250);
  }, 60_000);

  test('the dashboard sweep (a cluster job) runs once per period across both nodes', async () => {
    const { rows: before } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM scheduled_runs WHERE job = 'dashboard-sweep'");
    // A few periods of one second, whichever node takes them.
    await waitFor('three more sweeps', async () => {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM scheduled_runs WHERE job = 'dashboard-sweep'");
      return rows[0]!.n >= before[0]!.n + 3 ? true : undefined;
    }, 20_000, 200);
    const { rows } = await client.query<{ period_start: Date; process: string; runs: number }>(
      "SELECT period_start, min(process) AS process, count(*)::int AS runs FROM scheduled_runs WHERE job = 'dashboard-sweep' GROUP BY period_start",
    );
    expect(rows.every((row) => row.runs === 1)).toBe(true);
    const pids = new Set(rows.map((row) => Number(row.process.split('/').pop())));
    for (const pid of pids) expect([a.process.child.pid, b.process.child.pid]).toContain(pid);
  }, 30_000);

  test('a line test accepted by node A, which is then SIGKILLed, is finished by node B’s queue workers', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await post(a, 'OPA1', '/ws/v1/test', lineTest());
      const id = /<(?:\w+:)?idDemandeTest>([^<]+)</.exec(answer.body)?.[1];
      expect(id).toBeDefined();
      accepted.push(id!);
    }
    // The jobs of these tests, read through the queue adapter (never pg-boss's own tables).
    const { rows: jobRows } = await client.query<{ job_id: string }>('SELECT job_id FROM line_tests WHERE reference = ANY($1::text[])', [accepted]);
    const jobIds = jobRows.map((row) => row.job_id);
    const db = postgresDatabase(database.url);
    const queue = new LineTestQueue(db, { maxAttempts: 3, timeoutSeconds: 60, retryDelaySeconds: 1, pollingIntervalMs: 500, maintenanceIntervalSeconds: 60 }, pino({ level: 'silent' }));
    await queue.start();
    try {
      // Wait until A's workers hold one: the same job seen running 600 ms apart (B's simulated
      // network answers in 20 ms, A's in 4 s).
      let running = new Set<string>();
      await waitFor('a test running on node A', async () => {
        const now = new Set<string>();
        for (const id of jobIds) if ((await queue.job(id))?.state === 'active') now.add(id);
        const held = [...now].some((id) => running.has(id));
        running = now;
        return held ? true : undefined;
      }, 20_000, 600);
      await a.process.kill('SIGKILL');

      // Node B alone carries every accepted test to its end, once each.
      await waitFor('every test finished', async () => {
        const { rows } = await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM line_tests WHERE reference = ANY($1::text[]) AND statut IN ('TERMINE', 'ECHEC')",
          [accepted],
        );
        return rows[0]!.n === accepted.length ? true : undefined;
      }, 60_000, 250);
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM line_tests WHERE reference = ANY($1::text[])', [accepted]);
      expect(rows[0]!.n).toBe(accepted.length);
      // The execution A held was lost with it and run again (by B, the only node left).
      const retries = await Promise.all(jobIds.map(async (id) => (await queue.job(id))?.retryCount ?? 0));
      expect(Math.max(...retries)).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.stop(0);
      await db.close();
    }
    // B still answers.
    expect((await post(b, 'OPA1', '/ws/v1/signalisation', envelope('OPA1', CONSULT_UNKNOWN()))).code).toBe(310);
  }, 90_000);
});
