// `npm run worker` carries the queued work of the gateways (issue 16 point 1, decision 0024): a
// gateway process started with ESAV_TEST_WORKERS=0, ESAV_MAIL_WORKERS=0 and ESAV_PUSH_WORKERS=0
// sends nothing itself; a worker process (dist/src/processes/worker.js) on the same PostgreSQL
// relays and delivers the push notifications to the operator's callback server (mutual TLS) and
// sends the notices' e-mails through a real SMTP server. While no worker runs, the work waits in
// PostgreSQL; a worker started later, with the gateway gone, does it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/throwaway-postgres.js';
import { rawPost, type ClientTls } from '../support/gateway.js';
import { waitFor } from '../support/line-tests.js';
import { DEPOSIT_ENVELOPE } from '../support/operations.js';
import { startCallbackServer, type CallbackServer } from '../support/callback-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { testCertsDir } from '../support/dev-pki.js';
import pg from 'pg';

const describeDb = await describeWithPostgres();
const WORKER = path.join(PROJECT_ROOT, 'dist', 'src', 'processes', 'worker.js');
const TOKEN = 'worker-process-test-token-0123456789';
const AGENT = 'M. Support';

interface WorkerProcess {
  child: ChildProcess;
  banner: string;
}

/** `node dist/src/processes/worker.js` with the gateway's settings; resolves with its ready banner. */
function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready:\n${output}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const banner = /e-SAV test worker ready[^\n]*/.exec(output)?.[0];
      if (banner) {
        clearTimeout(timer);
        resolve({ child, banner });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}):\n${output}`));
    });
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describeDb('npm run worker: push notifications and notice e-mails of a gateway that sends none', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess | undefined;
  let worker: WorkerProcess | undefined;
  let callback: CallbackServer;
  let smtp: TestSmtpServer;
  let env: Record<string, string>;
  let url: string;
  let adminUrl: string;
  let tls: ClientTls;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const certs = testCertsDir('esav-worker-pki-');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-worker-data-'));
    dirs.push(certs, data);
    smtp = await startSmtpServer();
    const [port, adminPort] = [await freePort(), await freePort()];
    env = {
      DATABASE_URL: database.url,
      ESAV_HOST: '127.0.0.1',
      ESAV_PORT: String(port),
      ESAV_ADMIN_HOST: '127.0.0.1',
      ESAV_ADMIN_PORT: String(adminPort),
      ESAV_ADMIN_TOKEN: TOKEN,
      ESAV_SWEEP_INTERVAL_SECONDS: '0',
      ESAV_DEV_CERTS_DIR: certs,
      ESAV_DATA_DIR: data,
      ESAV_SMTP_URL: smtp.url,
      ESAV_PUSH_POLL_MS: '100',
      ESAV_PUSH_TIMEOUT_MS: '2000',
    };
    gateway = await startGatewayProcess({ ...env, ESAV_TEST_WORKERS: '0', ESAV_MAIL_WORKERS: '0', ESAV_PUSH_WORKERS: '0' });
    url = `https://127.0.0.1:${port}`;
    adminUrl = `http://127.0.0.1:${adminPort}`;
    tls = {
      key: fs.readFileSync(path.join(certs, 'operators', 'OPA1.key')),
      cert: fs.readFileSync(path.join(certs, 'operators', 'OPA1.crt')),
      ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    };
    callback = await startCallbackServer(fs.readFileSync(path.join(certs, 'ca.crt'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopProcess(worker.child, 'SIGKILL');
    await gateway?.kill('SIGKILL');
    await callback?.stop();
    await smtp?.close();
    await database?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function admin(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${adminUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  async function deposit(referenceInterneOC: string): Promise<string> {
    const answer = await rawPost(`${url}/ws/v1/signalisation`, tls, DEPOSIT_ENVELOPE(referenceInterneOC));
    const reference = /<referenceSignalisation>([^<]+)</.exec(answer.body)?.[1];
    if (answer.status !== 200 || !reference) throw new Error(`deposit refused: ${answer.status} ${answer.body}`);
    return reference;
  }

  const mailsAbout = (reference: string) => smtp.messages.filter((m) => m.text.includes(`Référence de l’avis : ${reference}`));

  test('the work waits in PostgreSQL while no worker runs, and a worker process alone does it', async () => {
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    try {
      // The operator's e-SAV contact, to whom notices are mailed (the demo operators have none).
      await sql.query(`UPDATE operators SET esav_contact = '{"nom":"Mme Contact","fonction":"Responsable SAV","telephone":"0100000001","email":"esav@opa1.example"}'::jsonb WHERE code = 'OPA1'`);
      expect((await admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: callback.caPem })).status).toBe(200);
      const reference = await deposit('WORKER-PUSH-1');
      const transition = await admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'EN_QUALIFICATION' });
      expect(transition.status).toBe(200);
      const notice = await admin('POST', '/admin/avis', { agent: AGENT, type: 'AUTRE', titre: 'Information', texte: 'Un avis envoyé par le worker.', operateurs: ['OPA1'] });
      expect(notice.status).toBe(201);
      const statuses = async () =>
        (await sql.query<{ status: string }>('SELECT status FROM push_events WHERE reference = $1 ORDER BY seq', [reference])).rows.map((r) => r.status);

      // The gateway runs neither relay, delivery nor mail loop: the events stay pending, no mail leaves.
      expect(await statuses()).toEqual(['PENDING']);
      expect(callback.received).toEqual([]);
      expect(mailsAbout(notice.body.reference)).toEqual([]);

      // The gateway gone, whatever is done next is done by the worker process alone.
      await gateway!.kill('SIGKILL');
      worker = await startWorkerProcess(env);
      expect(worker.banner).toContain('notice e-mails: sent here');
      expect(worker.banner).toMatch(/push deliveries: [1-9]\d* loop/);

      await waitFor(
        'the event acknowledged by the callback server',
        async () => (callback.acknowledged().some((n) => n.referenceSignalisation === reference) ? true : undefined),
        60_000,
      );
      expect(callback.invalid).toEqual([]);
      await waitFor('the notice e-mail', async () => (mailsAbout(notice.body.reference).length > 0 ? true : undefined), 60_000);
      expect(mailsAbout(notice.body.reference)[0]!.to).toContain('esav@opa1.example');
      await waitFor('the event marked delivered', async () => ((await statuses()).every((s) => s === 'DELIVERED') ? true : undefined), 30_000);

      // A graceful stop (SIGTERM) ends the worker cleanly.
      await stopProcess(worker.child, 'SIGTERM');
      expect(worker.child.exitCode).toBe(0);
    } finally {
      await sql.end();
    }
  }, 180_000);
});
