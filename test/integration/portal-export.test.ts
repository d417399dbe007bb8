// The portal's CSV export of closed signalisations at national volume (issue 16, point 4): written
// page by page as the client reads it, never held whole. Checked on real PostgreSQL with 100 049
// closed tickets of OPA1 beyond the demo's: the file is byte for byte what the whole-list formatter
// makes of the same rows (the export before streaming), crosses 500 history pages (each counted in
// the HISTORIQUE volumetry), stops at MAX_EXPORT_ROWS, and a client that goes away stops the reading.
import { Agent, request } from 'undici';
import { SettableClock } from '../../src/domain/clock.js';
import { historyWindowStart } from '../../src/domain/signalisation.js';
import { closedSignalisationsCsv, MAX_EXPORT_ROWS } from '../../src/application/signalisation-export.js';
import { SqlSignalisationRepository } from '../../src/adapters/postgres/signalisations.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, readDemoAccounts } from '../support/web-portal.js';
import { backOfficeOver } from '../support/back-office.js';

const describeDb = await describeWithPostgres();
const COPIES = 100_049;

describeDb('web portal: the CSV export of closed signalisations, streamed', () => {
  let t: TestGateway;
  let portal: PortalClient;
  let agent: Agent;
  const clock = new SettableClock('2026-11-02T10:00:00+01:00');

  /** The HISTORIQUE requests counted for OPA1 so far (the admin report writes pending counts first). */
  const historyRequests = async (): Promise<number> => {
    const report = await t.admin('GET', `/admin/volumetrie?debut=2026-01-01T00:00:00Z&fin=2027-01-01T00:00:00Z&operateur=OPA1`);
    expect(report.status).toBe(200);
    return report.body.totaux.HISTORIQUE;
  };
  const cookie = () => [...portal.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const exportRequest = () => request(`${t.webUrl}/signalisations/closes.csv`, { dispatcher: agent, headers: { cookie: cookie() } });

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    const demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    portal = new PortalClient(t.webUrl, t.webCa);
    expect((await portal.signIn('opa1.agent', demo.get('opa1.agent')!)).location).toBe('/accueil');
    agent = new Agent({ connect: { ca: t.webCa, servername: 'localhost' } });

    // One ticket through the web services, closed by the back office; then copies of it closed
    // over the last days — three at each instant, so that pages end inside a group of equal
    // closing dates (the keyset's tie on id) — with free text to quote and to guard.
    const soapOpa = await t.soapClient('OPA1');
    soapOpa.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await soapOpa.deposerSignalisationAsync(depositArgs());
    const backOffice = backOfficeOver(t.db, clock);
    for (const etat of ['EN_QUALIFICATION', 'EN_COURS'] as const) await backOffice.transition('test-agent', ack.referenceSignalisation, { etat });
    await backOffice.transition('test-agent', ack.referenceSignalisation, { etat: 'CLOS', causeCloture: 'REPARATION_RESEAU' });
    const copied = [
      'prestation_id', 'offer_code', 'form_id', 'form_version', 'defaut_declare', 'impact', 'date_debut_defaut', 'localisation_presumee',
      'contact_site', 'contact_oc', 'acces_site', 'champs', 'id_demande_test', 'etat', 'motif', 'attente', 'garantie_code',
      'echeance_retablissement', 'gtr_consumed_ms', 'gtr_running_since', 'cause_cloture', 'deposited_at',
    ].join(', ');
    await t.db.query(
      `INSERT INTO signalisations (operator_code, reference, reference_interne_oc, commentaire, date_cloture, date_etat, ${copied})
       SELECT 'OPA1', 'SIG-X' || lpad(g::text, 9, '0'), 'EXPORT-' || g,
              CASE g % 4 WHEN 0 THEN '=HYPERLINK("http://x/' || g || '")' WHEN 1 THEN 'Câble; "coupé"' || chr(10) || 'n° ' || g WHEN 2 THEN NULL ELSE 'Réparé ' || g END,
              $2::timestamptz - (g / 3) * interval '1 second', $2::timestamptz - (g / 3) * interval '1 second', ${copied}
         FROM signalisations, generate_series(1, $3::int) g WHERE reference = $1`,
      [ack.referenceSignalisation, new Date(clock.now().getTime() - 3600_000), COPIES],
    );
    await t.db.query('ANALYZE signalisations');
  }, 300_000);
  afterAll(async () => {
    await portal?.close();
    await agent?.close();
    await t?.close();
  });

  test('the file is the same as the whole list formatted at once, over 500 pages, cut at the maximum', async () => {
    // The rows the export must give: one read of the 90-day window in the history's order.
    const now = clock.now();
    const all = await new SqlSignalisationRepository(t.db).listClosed('OPA1', { closedFrom: historyWindowStart(now), closedTo: new Date(now.getTime() + 1) }, undefined, COPIES + 1000);
    expect(all.length).toBeGreaterThan(MAX_EXPORT_ROWS);
    const expected = Buffer.from(closedSignalisationsCsv(all.slice(0, MAX_EXPORT_ROWS)), 'utf8');

    const before = await historyRequests();
    const answer = await exportRequest();
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="signalisations-closes-OPA1-2026-11-02.csv"');
    expect(answer.headers['transfer-encoding']).toBe('chunked'); // written as it is read, no length known in advance
    const body = Buffer.from(await answer.body.arrayBuffer());
    expect(body.length).toBe(expected.length);
    expect(body.equals(expected)).toBe(true);
    // The formula guard and the quoting as before (the guarded cell is quoted for its quotes).
    const text = body.toString('utf8');
    expect(text).toContain(`;"'=HYPERLINK(""http://x/4"")"\r\n`);
    expect(text).toContain(`;"Câble; ""coupé""\nn° 5"\r\n`);
    // 200 tickets a page: 500 history requests, not one more.
    expect((await historyRequests()) - before).toBe(MAX_EXPORT_ROWS / 200);

    // The page says the file has a maximum.
    const page = await portal.get('/signalisations/closes');
    expect(page.body).toMatch(/id="export-limite">Le fichier donne au plus les 100\s000 signalisations les plus récemment closes\./);
  }, 120_000);

  test('a client that goes away stops the reading', async () => {
    const before = await historyRequests();
    const answer = await exportRequest();
    expect(answer.statusCode).toBe(200);
    // The first bytes, then the client leaves without reading the rest.
    const first = await new Promise<Buffer>((resolve) => answer.body.once('data', resolve));
    expect(first.toString('utf8').replace(/^\uFEFF/, '')).toMatch(/^Référence signalisation;/);
    answer.body.destroy();
    // Once the socket is gone the pages stop; what was read filled the buffers between the two.
    let read = (await historyRequests()) - before;
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = (await historyRequests()) - before;
      if (now === read) break;
      read = now;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const settled = (await historyRequests()) - before;
    expect(settled).toBe(read);
    expect(settled).toBeLessThan(MAX_EXPORT_ROWS / 200 / 2);
    // The portal still answers.
    expect((await portal.get('/signalisations/closes')).status).toBe(200);
  }, 60_000);
});
