// `npm run worker` carries the queued work of the gateways (issue 16 point 1, decision 0024): a
// gateway process started with ESAV_TEST_WORKERS=0, ESAV_MAIL_WORKERS=0 and ESAV_PUSH_WORKERS=0
// sends nothing itself; a worker process (dist/src/processes/worker.js) on the same PostgreSQL
// relays and delivers the push notifications to the operator's callback server (mutual TLS) and
// sends the notices' e-mails through a real SMTP server. While no worker runs, the work waits in
// PostgreSQL; a worker started later, with the gateway gone, does it.
import pg from 'pg';
import { processBed, startGatewayProcess, startWorkerProcess, stopProcess, type GatewayProcess, type ProcessBed, type WorkerProcess } from '../support/gateway-process.js';
import { describeWithPostgres } from '../support/postgres.js';
import { waitFor } from '../support/line-tests.js';
import { startCallbackServer, type CallbackServer } from '../support/callback-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const describeDb = await describeWithPostgres();
const TOKEN = 'worker-process-test-token-0123456789';
const AGENT = 'M. Support';

describeDb('npm run worker: push notifications and notice e-mails of a gateway that sends none', () => {
  let bed: ProcessBed;
  let gateway: GatewayProcess | undefined;
  let worker: WorkerProcess | undefined;
  let callback: CallbackServer;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    bed = await processBed('worker', TOKEN, { ESAV_SMTP_URL: smtp.url, ESAV_PUSH_POLL_MS: '100', ESAV_PUSH_TIMEOUT_MS: '2000' });
    gateway = await startGatewayProcess({ ...bed.env, ESAV_TEST_WORKERS: '0', ESAV_MAIL_WORKERS: '0', ESAV_PUSH_WORKERS: '0' });
    callback = await startCallbackServer(bed.caPem);
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopProcess(worker.child, 'SIGKILL');
    await gateway?.kill('SIGKILL');
    await callback?.stop();
    await smtp?.close();
    await bed?.cleanup();
  });

  const admin = (method: string, urlPath: string, body?: unknown) => bed.admin(method, urlPath, body);
  const mailsAbout = (reference: string) => smtp.messages.filter((m) => m.text.includes(`Référence de l’avis : ${reference}`));

  test('the work waits in PostgreSQL while no worker runs, and a worker process alone does it', async () => {
    const sql = new pg.Client({ connectionString: bed.database.url });
    await sql.connect();
    try {
      // The operator's e-SAV contact, to whom notices are mailed (the demo operators have none).
      await sql.query(`UPDATE operators SET esav_contact = '{"nom":"Mme Contact","fonction":"Responsable SAV","telephone":"0100000001","email":"esav@opa1.example"}'::jsonb WHERE code = 'OPA1'`);
      expect((await admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: callback.caPem })).status).toBe(200);
      const reference = await bed.deposit('WORKER-PUSH-1');
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
      worker = await startWorkerProcess({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...bed.env });
      expect(worker.banner).toContain('notice e-mails: sent here');
      // The development PKI the gateway used (no ESAV_TLS_*, no ESAV_PUSH_CLIENT_*), and said so:
      // a production worker started without its certificate shows it at once.
      expect(worker.banner).toMatch(/push deliveries: [1-9]\d* loop\(s\) \(client certificate: development PKI\)/);

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
