// Every core (issue 16, decision 0024): the real entry point (`node dist/src/processes/gateway.js`,
// what `npm start` runs) with ESAV_WORKERS=2 on PostgreSQL. A small primary forks two workers that
// share the operators' mTLS port and the admin port: SOAP is served with a client certificate,
// health answers, /metrics merges every worker's, a killed worker is replaced, SIGTERM stops everything. With the embedded PGlite
// database an explicit ESAV_WORKERS above 1 is refused at start.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { enteteRequete, rawPost, type ClientTls } from '../support/gateway.js';
import { waitFor } from '../support/line-tests.js';
import { CONSULT_UNKNOWN, readAnswer } from '../support/operations.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/throwaway-postgres.js';
import { testCertsDir } from '../support/dev-pki.js';

const describeDb = await describeWithPostgres();

const consult = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
  `<soapenv:Header>${enteteRequete(code)}</soapenv:Header><soapenv:Body>${CONSULT_UNKNOWN()}</soapenv:Body></soapenv:Envelope>`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ESAV_WORKERS with the embedded PGlite database', () => {
  test('an explicit ESAV_WORKERS above 1 is refused at start, naming the variable', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-cluster-pglite-'));
    try {
      await expect(startGatewayProcess({ ESAV_WORKERS: '2', ESAV_DATA_DIR: data, ESAV_PORT: '0', ESAV_ADMIN_PORT: '0' })).rejects.toThrow(
        /ESAV_WORKERS=2 needs PostgreSQL \(DATABASE_URL\)/,
      );
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});

describeDb('npm start with ESAV_WORKERS=2 on PostgreSQL (node:cluster)', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess | undefined;
  let url: string;
  let adminUrl: string;
  let tls: ClientTls;
  const dirs: string[] = [];

  const workerPids = (output: string): number[] => {
    const line = /processes: 2 workers .*pids ([\d, ]+);/.exec(output);
    if (!line) throw new Error(`no workers line in the banner:\n${output}`);
    return line[1]!.split(',').map((pid) => Number(pid.trim()));
  };
  const soapConsult = async () => {
    const answer = await rawPost(`${url}/ws/v1/signalisation`, tls, consult('OPA1'));
    return readAnswer(answer.status, answer.body);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const certs = testCertsDir('esav-cluster-pki-');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-cluster-data-'));
    dirs.push(certs, data);
    const port = await freePort();
    gateway = await startGatewayProcess(
      {
        DATABASE_URL: database.url,
        ESAV_WORKERS: '2',
        ESAV_HOST: '127.0.0.1',
        ESAV_PORT: String(port),
        ESAV_ADMIN_PORT: '0',
        ESAV_DEV_CERTS_DIR: certs,
        ESAV_DATA_DIR: data,
        ESAV_DB_POOL_SIZE: '3',
      },
      120_000,
    );
    url = `https://127.0.0.1:${port}`;
    adminUrl = /admin API \(support staff\): (http:\/\/\S+)/.exec(gateway.output())![1]!;
    tls = {
      key: fs.readFileSync(path.join(certs, 'operators', 'OPA1.key')),
      cert: fs.readFileSync(path.join(certs, 'operators', 'OPA1.crt')),
      ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    };
  }, 150_000);

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await database?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  test('two workers serve mTLS SOAP with a client certificate and answer health; the banner names them', async () => {
    const pids = workerPids(gateway!.output());
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    expect(pids).not.toContain(gateway!.child.pid);
    // Several requests on new connections: the shared port hands them to the workers in turn.
    for (let i = 0; i < 4; i++) expect((await soapConsult()).code).toBe(310);
    // No client certificate: no service.
    await expect(rawPost(`${url}/ws/v1/signalisation`, { ...tls, key: undefined, cert: undefined } as unknown as ClientTls, consult('OPA1'))).rejects.toThrow();
    for (const probe of ['/health/live', '/health/ready']) {
      const response = await fetch(`${adminUrl}${probe}`);
      expect({ probe, status: response.status }).toEqual({ probe, status: 200 });
    }
  });

  test('/metrics on any worker answers the merged metrics of every worker', async () => {
    /** One scrape on a new connection (the shared admin port hands connections to the workers in turn). */
    const scrape = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(`${adminUrl}/metrics`, { agent: false }, (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    const served = (body: string) =>
      body
        .split('\n')
        .filter((line) => line.startsWith('esav_requests_total{'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    const before = await scrape();
    expect(before.status).toBe(200);
    // Each consult on a new connection: both workers serve some of them.
    for (let i = 0; i < 6; i++) expect((await soapConsult()).code).toBe(310);
    for (let i = 0; i < 4; i++) {
      const after = await scrape();
      expect(after.status).toBe(200);
      // Every scrape counts the six, whichever worker answered it (one worker alone has about half).
      expect(served(after.body) - served(before.body)).toBe(6);
      // Per-process facts appear once (not summed): the Node.js version series, one line.
      expect(after.body.split('\n').filter((line) => line.startsWith('esav_nodejs_version_info{'))).toHaveLength(1);
      expect(after.body).toMatch(/^esav_maintenance_active 0$/m);
    }
  });

  test('a killed worker is replaced; the port is served meanwhile by the other one', async () => {
    const [victim, survivor] = workerPids(gateway!.output());
    process.kill(victim!, 'SIGKILL');
    const replacement = await waitFor(
      'the replacement worker',
      async () => {
        const output = gateway!.output();
        if (!output.includes(`worker pid ${victim} exited (signal SIGKILL): replaced in`)) return undefined;
        const ready = /worker ready \(pid (\d+)\)/.exec(output);
        return ready ? Number(ready[1]) : undefined;
      },
      60_000,
      200,
    );
    expect(replacement).not.toBe(victim);
    expect(alive(replacement)).toBe(true);
    expect(alive(survivor!)).toBe(true);
    for (let i = 0; i < 4; i++) expect((await soapConsult()).code).toBe(310);
  }, 90_000);

  test('SIGTERM on the primary drains every worker, then it exits', async () => {
    const output = gateway!.output();
    const [, survivor] = workerPids(output);
    const replacement = Number(/worker ready \(pid (\d+)\)/.exec(output)![1]);
    gateway!.child.kill('SIGTERM');
    expect(await gateway!.exited).toBe(0);
    expect(alive(survivor!)).toBe(false);
    expect(alive(replacement)).toBe(false);
    await expect(rawPost(`${url}/ws/v1/signalisation`, tls, consult('OPA1'))).rejects.toThrow();
  }, 90_000);
});
