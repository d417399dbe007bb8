// Rate limits (spec §3, issue 8): a per-operator limit of requests per minute set by support staff
// from a given time (the command warns with less than a day's notice), shared by every gateway
// process through PostgreSQL: two gateways on one database admit the limit in total, not each;
// above it fault 401 with reessayerApres (seconds to the next minute).
import { runCli } from '../../src/admin-cli/cli.js';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { CONSULT_UNKNOWN, soapCall, startSecondGateway, type SoapAnswer, type SoapTarget } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeDb('rate limits shared by two gateway processes', () => {
  let t: TestGateway;
  let second: Awaited<ReturnType<typeof startSecondGateway>>;
  const clock = new SettableClock('2026-11-27T10:00:00+01:00');

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
  const consult = (target: SoapTarget, operator = 'OPA1'): Promise<SoapAnswer> => soapCall(target, operator, '/ws/v1/signalisation', CONSULT_UNKNOWN());
  const codes = (answers: SoapAnswer[]) => answers.map((a) => a.code);
  const count = (answers: SoapAnswer[], code: number) => answers.filter((a) => a.code === code).length;

  beforeAll(async () => {
    // Each process reloads the limits every second (default 10 s).
    t = await startTestGateway({ clock, env: { ESAV_OPERATIONS_REFRESH_SECONDS: '1' } });
    second = await startSecondGateway(t, clock);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  test('the command sets a limit from a given time; less than a day ahead it is refused unless forced (then it warns)', async () => {
    const refused = await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '10', '--a-partir', '2026-11-27T10:02', '--motif', 'surcharge');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('LIMITE_LA_VEILLE');
    const soon = await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '10', '--a-partir', '2026-11-27T10:02', '--motif', 'surcharge', '--forcer', '--agent', 'M. Martin');
    expect(soon.code).toBe(0);
    expect(soon.out).toContain('OPA1 : limite de 10 requêtes par minute à partir du 2026-11-27 10:02:00+01:00');
    expect(soon.out).toContain('attention');

    const announced = await cli('limite', 'definir', '--operateur', 'OPB2', '--rpm', '5', '--a-partir', '2026-11-28T10:00');
    expect(announced.code).toBe(0);
    expect(announced.out).not.toContain('attention');
    const lifted = await cli('limite', 'lever', '--operateur', 'OPB2', '--a-partir', '2026-11-28T12:00');
    expect(lifted.out).toContain('limite levée');

    expect((await cli('limite', 'definir', '--operateur', 'ZZZ9', '--rpm', '5')).code).toBe(1);
    expect((await cli('limite', 'definir', '--operateur', 'OPA1', '--rpm', '5', '--a-partir', '2026-11-27T09:00')).err).toContain('passé');

    const list = await cli('limite', 'lister');
    expect(list.out).toMatch(/OPA1\s+10\s+2026-11-27 10:02:00\+01:00\s+à venir\s+surcharge/);
    expect(list.out).toMatch(/OPB2\s+levée/);
  });

  test('before its effective time the limit does not apply', async () => {
    await sleep(1500); // both processes have reloaded the limits
    clock.set('2026-11-27T10:01:30+01:00');
    const answers = await Promise.all(Array.from({ length: 14 }, (_, i) => consult(i % 2 === 0 ? t : second)));
    expect(count(answers, 310)).toBe(14);
  });

  test('from its effective time: 10 requests per minute in total over the two gateways, then 401 with reessayerApres', async () => {
    clock.set('2026-11-27T10:02:10+01:00');
    const sequential: SoapAnswer[] = [];
    for (let i = 0; i < 16; i++) sequential.push(await consult(i % 2 === 0 ? t : second));
    expect(codes(sequential.slice(0, 10))).toEqual(Array(10).fill(310)); // 5 through each gateway
    expect(codes(sequential.slice(10))).toEqual(Array(6).fill(401)); // both gateways refuse
    const refused = sequential[10]!;
    expect(refused.status).toBe(500);
    expect(refused.reessayerApres).toBe(50);
    expect(refused.libelle).toContain('10 requêtes par minute');
    expect(refused.body).toContain('<faultcode>soapenv:Server</faultcode>');
    const rows = await t.db.query<{ requests: number }>("SELECT requests FROM rate_limit_counters WHERE operator_code = 'OPA1'");
    expect(rows.map((r) => r.requests)).toEqual([10]);

    // Another operator is not limited.
    expect(count(await Promise.all(Array.from({ length: 12 }, (_, i) => consult(i % 2 ? t : second, 'OPB2'))), 310)).toBe(12);
  });

  test('a new minute gives a new budget, shared under concurrent requests', async () => {
    clock.set('2026-11-27T10:03:05+01:00');
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => consult(i % 2 === 0 ? t : second)));
    expect(count(burst, 310)).toBe(10);
    expect(count(burst, 401)).toBe(20);
    expect(burst.filter((a) => a.code === 401).every((a) => a.reessayerApres === 55)).toBe(true);
  });

  test('lifted: every request is admitted again', async () => {
    clock.set('2026-11-27T10:03:30+01:00');
    expect((await cli('limite', 'lever', '--operateur', 'OPA1')).code).toBe(0);
    await sleep(1500);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => consult(i % 2 === 0 ? t : second)));
    expect(count(answers, 310)).toBe(20);
  });
});
