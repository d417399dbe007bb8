// Maintenance (spec §3, issue 8): the nightly window and announced works windows answer fault 402
// with the planned end and reessayerApres, on every service; the admin command refuses a window
// with less than two working days' notice; the health endpoints say so. Real gateway, real
// PostgreSQL, business clock injected.
import { runCli } from '../../src/admin-cli/cli.js';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { CONSULT_UNKNOWN, soapCall } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

describeDb('maintenance windows (fault 402)', () => {
  let t: TestGateway;
  const clock = new SettableClock('2026-11-27T10:00:00+01:00'); // a Friday

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(['--url', t.adminUrl, '--token', t.adminToken, ...args], {
      env: {},
      out: (text) => (out += `${text}\n`),
      err: (text) => (err += `${text}\n`),
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_NIGHTLY_MAINTENANCE: '04:00', ESAV_NIGHTLY_MAINTENANCE_MINUTES: '15' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('the nightly window: 402 from 04:00 to 04:15 Paris with the planned end, then open again', async () => {
    clock.set('2026-11-28T03:59:59+01:00');
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);

    clock.set('2026-11-28T04:05:00+01:00');
    const answer = await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN());
    expect(answer.status).toBe(500);
    expect(answer.code).toBe(402);
    expect(answer.reessayerApres).toBe(600);
    expect(answer.libelle).toContain('2026-11-28T04:15:00+01:00');
    expect(answer.body).toContain('<faultcode>soapenv:Server</faultcode>');
    // Every e-SAV service, whatever the message: nothing is read during maintenance.
    const test = await soapCall(t, 'OPB2', '/ws/v1/test', '<x:nimporteQuoi xmlns:x="urn:x"/>');
    expect(test.code).toBe(402);

    const live = await t.admin('GET', '/health/live', undefined, null);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'maintenance', maintenance: { enMaintenance: true, nature: 'NOCTURNE', fin: '2026-11-28T03:15:00.000Z' } });
    const ready = await t.admin('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'maintenance', database: 'up', maintenance: { fin: '2026-11-28T03:15:00.000Z' } });

    clock.set('2026-11-28T04:15:00+01:00');
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);
    const after = await t.admin('GET', '/health/ready', undefined, null);
    expect(after.body).toMatchObject({ status: 'ok', maintenance: { enMaintenance: false, prochaine: { nature: 'NOCTURNE', debut: '2026-11-29T03:00:00.000Z' } } });
  });

  test('announced works: less than two working days of notice is refused by the command', async () => {
    clock.set('2026-11-27T10:00:00+01:00'); // Friday: the earliest start is Tuesday 10:00
    const early = await cli('maintenance', 'annoncer', '--debut', '2026-12-01T09:59', '--fin', '2026-12-01T12:00', '--motif', 'Montée de version');
    expect(early.code).toBe(1);
    expect(early.err).toContain('préavis insuffisant');
    expect(early.err).toContain('2026-12-01T10:00:00+01:00');

    const ok = await cli('maintenance', 'annoncer', '--debut', '2026-12-01T10:00', '--fin', '2026-12-01T12:00', '--motif', 'Montée de version');
    expect(ok.code).toBe(0);
    const reference = /annoncée : (MNT-\d+)/.exec(ok.out)?.[1];
    expect(reference).toBeDefined();

    const listed = await cli('maintenance', 'lister');
    expect(listed.out).toContain(reference!);
    expect(listed.out).toContain('Montée de version');

    // During the window: 402 naming the works and their end (12:00), reessayerApres to it.
    clock.set('2026-12-01T11:30:00+01:00');
    const answer = await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN());
    expect(answer.code).toBe(402);
    expect(answer.libelle).toContain(reference!);
    expect(answer.libelle).toContain('2026-12-01T12:00:00+01:00');
    expect(answer.reessayerApres).toBe(1800);
    const status = await cli('maintenance', 'etat');
    expect(status.out).toContain('EN MAINTENANCE');
    expect((await t.admin('GET', '/health/live', undefined, null)).body).toMatchObject({ maintenance: { nature: 'TRAVAUX', reference } });

    // Cancelled: open again at once (the process that cancelled reloads its windows).
    const cancelled = await cli('maintenance', 'annuler', reference!, '--agent', 'M. Martin');
    expect(cancelled.code).toBe(0);
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);
  });

  test('the maintenance routes need the admin token; the health routes do not', async () => {
    expect((await t.admin('GET', '/admin/maintenance', undefined, null)).status).toBe(401);
    expect((await t.admin('GET', '/health/ready', undefined, null)).status).toBe(200);
  });
});
