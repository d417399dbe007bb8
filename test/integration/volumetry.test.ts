// Volumetry (spec §3, issue 8): every request counted per operator and per minute in the five
// kinds — test that produced a result, planned-works / incident request, signalisation deposit,
// status consultation, history request — counted in memory and written in batches (nothing on the
// request path), flushed on shutdown, reported by the admin command for a period (table and CSV).
// The totals of the report equal the requests sent, kind by kind.
import { runCli } from '../../src/admin-cli/cli.js';
import { SettableClock } from '../../src/domain/clock.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV, pollResult } from '../support/line-tests.js';
import { CONSULT_UNKNOWN, soapCall, startSecondGateway } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';

const describeDb = await describeWithPostgres();

async function fault(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error: any) {
    const body: string = error?.body ?? '';
    return Number(/<(?:\w+:)?code>(\d+)</.exec(body)?.[1]);
  }
}

function parseCsv(csv: string): Array<Record<string, string>> {
  const [header, ...lines] = csv.trim().split('\r\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

describeDb('volumetry per operator, minute and kind', () => {
  let t: TestGateway;
  const clock = new SettableClock('2026-11-02T10:00:05+01:00');
  let opa: soap.Client;
  let opb: soap.Client;
  let opaTests: soap.Client;

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
    // Batches every hour only: nothing is written before the report, the shutdown or the end.
    t = await startTestGateway({ clock, env: { ...FAST_TESTS_ENV, ESAV_VOLUMETRY_FLUSH_SECONDS: '3600' } });
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    opb = await t.soapClient('OPB2');
    opb.addSoapHeader(enteteRequete('OPB2'));
    opaTests = await t.soapClient('OPA1', '/ws/v1/test');
    opaTests.addSoapHeader(enteteTest('OPA1'));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  test('the report totals equal the requests sent, kind by kind; table and CSV', async () => {
    // ---- minute 10:00 (Paris), OPA1
    const references: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [ack] = await opa.deposerSignalisationAsync(depositArgs()); // DEPOT_SIGNALISATION ×3
      references.push(ack.referenceSignalisation);
    }
    for (const reference of references.slice(0, 2)) await opa.consulterEtatSignalisationAsync({ referenceSignalisation: reference }); // ×2
    expect(await fault(opa.consulterEtatSignalisationAsync({ referenceSignalisation: 'SIG-9999999999' }))).toBe(310); // counted: answered by the use case
    expect(await fault(opa.consulterEtatSignalisationAsync({ referenceSignalisation: 'SIG-9999999998' }))).toBe(310);
    await opa.consulterDetailSignalisationAsync({ referenceSignalisation: references[0] }); // CONSULTATION_ETAT
    await opa.listerSignalisationsAsync({}); // CONSULTATION_ETAT → 6 in all
    const periode = { debut: '2026-10-01T00:00:00+02:00', fin: '2026-11-02T00:00:00+01:00' };
    await opa.consulterHistoriqueAsync({ periode }); // HISTORIQUE ×2
    await opa.consulterHistoriqueAsync({ periode });
    await opaTests.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0001' }); // TRAVAUX_INCIDENTS ×2
    await opaTests.consulterTravauxIncidentsAsync({ identifiantPrestation: 'FI-1000-0002' });
    const [ack] = await opaTests.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest: 'MESURE_OPTIQUE' });
    expect((await pollResult(opaTests, ack.idDemandeTest)).statut).toBe('TERMINE'); // TEST_RESULTAT ×1 (polls do not count)
    // Not counted: other operations, and requests refused before the use case.
    await opa.consulterCatalogueAsync({});
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', '<sig:deposerSignalisation xmlns:sig="urn:esav:signalisation:v1"/>')).code).toBe(101);
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN(), { versionWS: '7' })).code).toBe(400);

    // ---- minute 10:01, OPB2 and one more OPA1 deposit
    clock.set('2026-11-02T10:01:30+01:00');
    for (let i = 0; i < 3; i++) expect(await fault(opb.consulterEtatSignalisationAsync({ referenceInterneOC: `X-${i}` }))).toBe(310);
    await opb.consulterHistoriqueAsync({ periode });
    await opa.deposerSignalisationAsync(depositArgs());

    // Batched: nothing of the SOAP requests is in the database yet (only the test result, written
    // by the worker in its own transaction).
    const before = await t.db.query<{ kind: string }>('SELECT kind FROM volumetry');
    expect(before.map((r) => r.kind)).toEqual(['TEST_RESULTAT']);

    // The report (it writes this process's counts first).
    const csv = await cli('volumetrie', '--debut', '2026-11-02T00:00', '--fin', '2026-11-03T00:00', '--csv');
    expect(csv.code).toBe(0);
    const byOperator = Object.fromEntries(parseCsv(csv.out).map((r) => [r.operateur, r]));
    expect(byOperator.OPA1).toEqual({
      operateur: 'OPA1',
      TEST_RESULTAT: '1',
      TRAVAUX_INCIDENTS: '2',
      DEPOT_SIGNALISATION: '4',
      CONSULTATION_ETAT: '6',
      HISTORIQUE: '2',
      total: '15',
    });
    expect(byOperator.OPB2).toEqual({
      operateur: 'OPB2',
      TEST_RESULTAT: '0',
      TRAVAUX_INCIDENTS: '0',
      DEPOT_SIGNALISATION: '0',
      CONSULTATION_ETAT: '3',
      HISTORIQUE: '1',
      total: '4',
    });

    // Per minute: the 10:00 and 10:01 rows.
    const perMinute = parseCsv((await cli('volumetrie', '--debut', '2026-11-02T10:00', '--fin', '2026-11-02T10:02', '--par-minute', '--csv', '--operateur', 'OPA1')).out);
    expect(perMinute.map((r) => [r.minute, r.DEPOT_SIGNALISATION, r.total])).toEqual([
      ['2026-11-02T09:00:00.000Z', '3', '14'],
      ['2026-11-02T09:01:00.000Z', '1', '1'],
    ]);

    // The table.
    const table = await cli('volumetrie', '--debut', '2026-11-02T00:00', '--fin', '2026-11-03T00:00');
    expect(table.out).toMatch(/OPÉRATEUR\s+TEST_RESULTAT\s+TRAVAUX_INCIDENTS\s+DEPOT_SIGNALISATION\s+CONSULTATION_ETAT\s+HISTORIQUE\s+TOTAL/);
    expect(table.out).toMatch(/OPA1\s+1\s+2\s+4\s+6\s+2\s+15/);
    expect(table.out).toMatch(/TOTAL\s+1\s+2\s+4\s+9\s+3\s+19/);
  }, 60_000);

  test('a per-minute report longer than 100 000 rows is refused (400 naming fin), never cut; the peaks per operator come whole', async () => {
    // 20 operators × 2 500 minutes × 2 kinds = exactly 100 000 rows (January 2027: no other test
    // counts there), V007 busiest at minute 1 234; then one row more at minute 2 500 (V001).
    const start = new Date('2027-01-04T00:00:00Z');
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();
    await t.db.query(
      `INSERT INTO volumetry (operator_code, minute, kind, requests)
       SELECT 'V' || lpad(o::text, 3, '0'), $1::timestamptz + m * interval '1 minute', k,
              CASE WHEN o = 7 AND m = 1234 AND k = 'HISTORIQUE' THEN 50 ELSE 1 END
         FROM generate_series(1, 20) o, generate_series(0, 2499) m, unnest(ARRAY['DEPOT_SIGNALISATION', 'HISTORIQUE']) k`,
      [start],
    );
    const report = (fin: string, detail: string, operateur?: string) =>
      t.admin('GET', `/admin/volumetrie?debut=${encodeURIComponent(start.toISOString())}&fin=${encodeURIComponent(fin)}&detail=${detail}${operateur ? `&operateur=${operateur}` : ''}`);

    const full = await report(at(2500), 'minute');
    expect(full.status).toBe(200);
    expect(full.body.lignes).toHaveLength(50_000);
    expect(full.body.total).toBe(100_000 + 49);

    await t.db.query("INSERT INTO volumetry (operator_code, minute, kind, requests) VALUES ('V001', $1, 'DEPOT_SIGNALISATION', 1)", [at(2500)]);
    const tooLong = await report(at(2501), 'minute');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.erreur).toMatch(/^requête invalide : fin : période trop longue pour le détail par minute/);
    // The same period for one operator, or in total, is answered.
    const one = await report(at(2501), 'minute', 'V001');
    expect(one.status).toBe(200);
    expect(one.body.lignes).toHaveLength(2501);
    expect(one.body.total).toBe(5001);
    expect((await report(at(2501), 'total')).body.total).toBe(100_000 + 49 + 1);
    // The CLI says so too (exit 1, the API's message).
    const cliTooLong = await cli('volumetrie', '--debut', start.toISOString(), '--fin', at(2501), '--par-minute');
    expect(cliTooLong.code).toBe(1);
    expect(cliTooLong.err).toContain('fin : période trop longue pour le détail par minute');

    // detail=pic: one line per operator, its busiest minute (the earliest of equals) with its kinds.
    const peaks = await report(at(2501), 'pic');
    expect(peaks.status).toBe(200);
    expect(peaks.body.detail).toBe('pic');
    expect(peaks.body.lignes).toHaveLength(20);
    const line = (op: string) => peaks.body.lignes.find((l: { operateur: string }) => l.operateur === op);
    expect(line('V007')).toMatchObject({ minute: at(1234), total: 51, compteurs: { HISTORIQUE: 50, DEPOT_SIGNALISATION: 1 } });
    expect(line('V001')).toMatchObject({ minute: at(0), total: 2 });
    const cliPeaks = await cli('volumetrie', '--debut', start.toISOString(), '--fin', at(2501), '--pic', '--operateur', 'V007', '--csv');
    expect(parseCsv(cliPeaks.out).map((r) => [r.operateur, r.minute, r.total])).toEqual([['V007', at(1234), '51']]);
  }, 60_000);

  test('counts still in memory are written when a gateway stops', async () => {
    const second = await startSecondGateway(t, clock);
    clock.set('2026-11-02T10:05:00+01:00');
    for (let i = 0; i < 2; i++) expect((await soapCall(second, 'OPB2', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);
    await second.close();
    const rows = await t.db.query<{ requests: number }>(
      "SELECT requests FROM volumetry WHERE operator_code = 'OPB2' AND kind = 'CONSULTATION_ETAT' AND minute = '2026-11-02T09:05:00Z'",
    );
    expect(rows.map((r) => Number(r.requests))).toEqual([2]);
  });
});
