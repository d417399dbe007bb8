// The notices' e-mails go through the durable queue (decision 0022): with the SMTP server down the
// sending fails and is retried; the gateway stops meanwhile; another gateway process on the same
// database sends the e-mail once the SMTP server is back — nothing is lost, and it is sent once. And the
// same queue and worker on the embedded PGlite database (the default).
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { giveAddresses } from '../support/notices.js';
import { startSecondGateway } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const describeDb = await describeWithPostgres();
const pause = () => new Promise((resolve) => setTimeout(resolve, 100));

describeDb('notice e-mails: SMTP down, gateway restarted, nothing lost', () => {
  let t: TestGateway;
  let smtp: TestSmtpServer | undefined;
  let second: Awaited<ReturnType<typeof startSecondGateway>> | undefined;
  const clock = new SettableClock('2026-11-25T10:00:00+01:00');

  afterAll(async () => {
    await second?.close();
    await t?.close();
    await smtp?.close();
  });

  test('retried while the SMTP server is down, sent by the next process once it is back', async () => {
    // A port with nothing listening: the SMTP server is down.
    const probe = await startSmtpServer();
    const url = probe.url;
    const port = Number(new URL(url).port);
    await probe.close();

    t = await startTestGateway({ clock, env: { ESAV_SMTP_URL: url } });
    await giveAddresses(t);
    const created = await t.admin('POST', '/admin/avis', { agent: 'M. Martin', type: 'AUTRE', titre: 'Maintenance du standard', texte: 'Le standard du support est fermé lundi.', operateurs: ['OPA1'] });
    expect(created.status).toBe(201);
    const noticeId = Number(String(created.body.reference).slice(3));

    // The first attempt fails (connection refused) and is left to the queue's retries.
    while (!t.logs.some((l) => l.includes('notice e-mail not sent') && l.includes(`"notice":${noticeId}`))) await pause();
    expect(await t.db.query('SELECT 1 FROM notice_mails WHERE notice_id = $1', [noticeId])).toEqual([]);

    // The gateway stops; the SMTP server comes back; another process takes the job over.
    await t.gateway.close();
    smtp = await startSmtpServer(port);
    second = await startSecondGateway(t, clock);
    const mine = () => smtp!.messages.filter((m) => m.text.includes(`Référence de l’avis : ${created.body.reference}`));
    while (mine().length === 0) await smtp.waitFor(smtp.messages.length + 1);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]!.to).toEqual(['commandes@opa1.example', 'esav@opa1.example']);
    expect(mine()[0]!.subject).toBe('[e-SAV] Information : Maintenance du standard');
    let recorded = await t.db.query<{ operator_code: string }>('SELECT operator_code FROM notice_mails WHERE notice_id = $1', [noticeId]);
    while (recorded.length === 0) {
      await pause();
      recorded = await t.db.query('SELECT operator_code FROM notice_mails WHERE notice_id = $1', [noticeId]);
    }
    expect(recorded).toEqual([{ operator_code: 'OPA1' }]);
  }, 120_000);
});

describe('notice e-mails on the embedded database (PGlite, the default)', () => {
  let t: TestGateway | undefined;
  let smtp: TestSmtpServer | undefined;
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  test('the queue and its worker run on PGlite too', async () => {
    smtp = await startSmtpServer();
    t = await startTestGateway({ embedded: true, clock: new SettableClock('2026-11-25T10:00:00+01:00'), env: { ESAV_SMTP_URL: smtp.url } });
    await giveAddresses(t);
    const created = await t.admin('POST', '/admin/avis', { agent: 'M. Martin', type: 'AUTRE', titre: 'Essai embarqué', texte: 'Envoyé depuis PGlite.', operateurs: ['OPB2'] });
    expect(created.status).toBe(201);
    const mine = () => smtp!.messages.filter((m) => m.text.includes(`Référence de l’avis : ${created.body.reference}`));
    while (mine().length === 0) await smtp.waitFor(smtp.messages.length + 1);
    expect(mine()[0]!.to).toEqual(['commandes@opb2.example']);
    expect(mine()[0]!.text).toContain('Envoyé depuis PGlite.');
  }, 60_000);
});
