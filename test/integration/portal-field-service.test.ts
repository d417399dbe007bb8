// The portal's appointments, line tests and works pages (issue 13, points 4 and 5) over HTTPS
// against the real listener (undici), real PostgreSQL, the gateway's own line-test workers with the
// network simulator: the same rules and faults as the SOAP operations, the night rule of the slot
// search, isolation between operators (same 404 as unknown), the read-only profile refused, the
// actions counted in the volumetry.
import type soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { FAST_TESTS_ENV, waitFor } from '../support/line-tests.js';
import { soapFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts, type PortalResponse } from '../support/web-portal.js';
import { SUGGEST_SQL, upsertPrestation } from '../../src/adapters/postgres/prestations.js';

const describeDb = await describeWithPostgres();
const MONDAY = '2026-11-02T10:00:00+01:00';

const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const slotIds = (html: string) => [...html.matchAll(/name="idCreneau" id="creneau-\d+" value="([^"]+)"/g)].map((m) => m[1]!);
/** The identifiers GET /tests/suggestions offers for a prefix (the <option>s htmx puts in the datalist). */
async function suggested(c: PortalClient, prefix: string): Promise<string[]> {
  const answer = await c.get(`/tests/suggestions?identifiantPrestation=${encodeURIComponent(prefix)}`);
  expect(answer.status).toBe(200);
  return [...answer.body.matchAll(/<option value="([^"]+)">/g)].map((m) => m[1]!);
}
const title = (html: string) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1]?.trim();

describeDb('web portal: appointments, line tests, works and incidents', () => {
  let t: TestGateway;
  let demo: Map<string, string>;
  let opa: soap.Client;
  const clock = new SettableClock(MONDAY);
  const clients: PortalClient[] = [];
  const signedIn = async (identifier: string) => {
    const c = new PortalClient(t.webUrl, t.webCa);
    clients.push(c);
    const answer = await c.signIn(identifier, demo.get(identifier)!);
    expect(answer.status).toBe(303);
    return c;
  };
  const volumetry = async (kind: string) => {
    const rows = await t.db.query<{ n: string }>("SELECT coalesce(sum(requests), 0) AS n FROM volumetry WHERE operator_code = 'OPA1' AND kind = $1", [kind]);
    return Number(rows[0]!.n);
  };
  // Counts are batched in memory and written every second (ESAV_VOLUMETRY_FLUSH_SECONDS below).
  const volumetryReaches = (kind: string, n: number) =>
    waitFor(`${kind} = ${n}`, async () => ((await volumetry(kind)) >= n ? volumetry(kind) : undefined), 10_000, 200);

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ...FAST_TESTS_ENV, ESAV_VOLUMETRY_FLUSH_SECONDS: '1' } });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });
  beforeEach(() => clock.set(MONDAY));

  async function deposit(): Promise<string> {
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    return ack.referenceSignalisation;
  }

  test('appointments: search slots, book one, see it (also through SOAP), reschedule it, cancel it', async () => {
    const reference = await deposit();
    const c = await signedIn('opa1.agent');
    const base = `/signalisations/${reference}/rendez-vous`;

    const empty = await c.get(base);
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('id="aucun-rdv"');
    expect(empty.body).toMatch(/<label class="form-label" for="typeRendezVous">/);
    // A link back to the ticket's detail page.
    expect(empty.body).toContain(`href="/signalisations/${reference}"`);

    const search = await c.get(`${base}?typeRendezVous=SAV&debut=2026-11-03T08:00&fin=2026-11-04T20:00`);
    expect(search.status).toBe(200);
    const slots = slotIds(search.body);
    expect(slots.length).toBeGreaterThan(1);
    // The same slots as rechercherCreneaux answers.
    const [soapSlots] = await opa.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: 'SAV',
      periode: { debut: '2026-11-03T08:00:00+01:00', fin: '2026-11-04T20:00:00+01:00' },
    });
    expect(asList(soapSlots.creneau).map((s: any) => s.idCreneau)).toEqual(slots);

    const booked = await c.post(`${base}/reserver`, { _csrf: csrfOf(search.body), idCreneau: slots[0]!, typeRendezVous: 'SAV', debut: '2026-11-03T08:00', fin: '2026-11-04T20:00' });
    expect(booked.status).toBe(303);
    expect(booked.location).toBe(`${base}?fait=reserve`);
    const page = await c.get(booked.location!);
    expect(page.body).toContain('id="confirmation"');
    const idRendezVous = /<th scope="row">(RDV-\d+)<\/th>/.exec(page.body)?.[1];
    expect(idRendezVous).toBeDefined();
    expect(page.body).toContain('Réservé');
    const [consulted] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference });
    expect(asList(consulted.rendezVous)).toEqual([expect.objectContaining({ idRendezVous, statut: 'RESERVE', typeRendezVous: 'SAV' })]);

    // A second booking: the same fault 311 as reserverCreneau, shown on the page.
    const again = await c.post(`${base}/reserver`, { _csrf: csrfOf(page.body), idCreneau: slots[1]!, typeRendezVous: 'SAV', debut: '2026-11-03T08:00', fin: '2026-11-04T20:00' });
    expect(again.status).toBe(422);
    expect(again.body).toMatch(/Erreur 311 :<\/strong> La signalisation .* a déjà un rendez-vous SAV/);

    // Reschedule: the search offers the slots for the appointment being moved.
    const moving = await c.get(`${base}?report=${idRendezVous}&typeRendezVous=SAV&debut=2026-11-03T08:00&fin=2026-11-04T20:00`);
    expect(moving.body).toContain(`action="${base}/${idRendezVous}/reporter"`);
    const moved = await c.post(`${base}/${idRendezVous}/reporter`, { _csrf: csrfOf(moving.body), idCreneau: slots[1]!, report: idRendezVous! });
    expect(moved.status).toBe(303);
    const [afterMove] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference });
    const expectedStart = asList(soapSlots.creneau)[1].debut;
    expect(new Date(asList(afterMove.rendezVous)[0].debut).getTime()).toBe(new Date(expectedStart).getTime());

    // An unknown slot: fault 320 on the slot choice.
    const unknownSlot = await c.post(`${base}/${idRendezVous}/reporter`, { _csrf: csrfOf(moving.body), idCreneau: 'CR-999999999', report: idRendezVous!, typeRendezVous: 'SAV', debut: '2026-11-03T08:00', fin: '2026-11-04T20:00' });
    expect(unknownSlot.status).toBe(422);
    expect(unknownSlot.body).toMatch(/id="erreur-idCreneau">Créneau CR-999999999 inconnu/);
    expect(unknownSlot.body).toMatch(/<fieldset aria-describedby="erreur-idCreneau"/);

    const cancelled = await c.post(`${base}/${idRendezVous}/annuler`, { _csrf: csrfOf(moving.body) });
    expect(cancelled.status).toBe(303);
    const final = await c.get(cancelled.location!);
    expect(final.body).toContain('Annulé');
    const [afterCancel] = await opa.consulterRendezVousAsync({ referenceSignalisation: reference });
    expect(asList(afterCancel.rendezVous)[0].statut).toBe('ANNULE');
  });

  test('a bad period: field errors on the period inputs, nothing searched', async () => {
    const reference = await deposit();
    const c = await signedIn('opa1.agent');
    const base = `/signalisations/${reference}/rendez-vous`;
    const malformed = await c.get(`${base}?typeRendezVous=SAV&debut=demain&fin=2026-11-04T20:00`);
    expect(malformed.status).toBe(422);
    expect(malformed.body).toMatch(/id="periode-debut"[^>]*aria-describedby="erreur-periode-debut" aria-invalid="true"/);
    const reversed = await c.get(`${base}?typeRendezVous=SAV&debut=2026-11-05T08:00&fin=2026-11-04T20:00`);
    expect(reversed.status).toBe(422);
    expect(reversed.body).toMatch(/id="erreur-periode-debut">Période invalide/);
  });

  test('from 01:00 to 04:00 Paris time the page shows the rule (fault 321) and when to come back, no slot', async () => {
    const reference = await deposit();
    clock.set('2026-11-03T02:00:00+01:00');
    const c = await signedIn('opa1.agent');
    const page = await c.get(`/signalisations/${reference}/rendez-vous?typeRendezVous=SAV&debut=2026-11-03T08:00&fin=2026-11-04T20:00`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="regle-nuit"');
    expect(page.body).toContain('Recherche de créneaux indisponible de 01:00 à 04:00 (heure de Paris)');
    expect(page.body).toContain('revenez dans 2 h');
    expect(page.body).not.toContain('id="form-recherche"');
    expect(slotIds(page.body)).toEqual([]);
    clock.set('2026-11-03T03:59:00+01:00');
    // (a new session: two hours idle ended the first)
    const c2 = await signedIn('opa1.agent');
    expect((await c2.get(`/signalisations/${reference}/rendez-vous`)).body).toContain('revenez dans 1 min');
    clock.set('2026-11-03T04:00:00+01:00');
    const open = await c2.get(`/signalisations/${reference}/rendez-vous`);
    expect(open.body).not.toContain('id="regle-nuit"');
    expect(open.body).toContain('id="form-recherche"');
  });

  test("another operator's ticket: the same 404 as an unknown one, for reading and for every action", async () => {
    const reference = await deposit();
    const b = await signedIn('opb2.agent');
    const foreign = await b.get(`/signalisations/${reference}/rendez-vous`);
    const unknown = await b.get('/signalisations/SIG-0000000000/rendez-vous');
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(title(foreign.body)).toBe(title(unknown.body));
    const csrf = csrfOf((await b.get('/accueil')).body);
    const booking = await b.post(`/signalisations/${reference}/rendez-vous/reserver`, { _csrf: csrf, idCreneau: 'CR-1' });
    expect(booking.status).toBe(404);
    expect((await b.post(`/signalisations/${reference}/rendez-vous/RDV-0000000001/annuler`, { _csrf: csrf })).status).toBe(404);
  });

  test('line tests: a prestation typed (suggested among the activated ones of the operator), ask a test, follow it by events to its verdict', async () => {
    const c = await signedIn('opa1.agent');
    const choice = await c.get('/tests');
    expect(choice.status).toBe(200);
    // A text field with its suggestions list, never the list of the operator's prestations.
    expect(choice.body).toMatch(/<input[^>]*id="identifiantPrestation" name="identifiantPrestation" value=""[^>]*list="suggestions-prestation"/);
    expect(choice.body).toMatch(/hx-get="\/tests\/suggestions"/);
    expect(choice.body).toContain('<datalist id="suggestions-prestation"></datalist>');
    expect(choice.body).not.toContain('<option');
    expect(choice.body).not.toContain('FI-1000-0002');
    // The suggestions: activated offers of the operator only, by identifier prefix (case included).
    expect(await suggested(c, 'FI-')).toEqual(['FI-1000-0002', 'FI-1000-0003', 'FI-1000-0004', 'FI-1000-0005']); // not FI-1000-0001, passive
    expect(await suggested(c, 'D')).toEqual(['DSL-1000-0001', 'DSL-1000-0002']);
    expect(await suggested(c, 'FI-2')).toEqual([]); // OPB2's FI-2000-0002
    expect(await suggested(c, 'fi-')).toEqual([]);
    expect(await suggested(c, '014')).toEqual([]); // CUIVRE_DEGROUPAGE: no test

    const open = await c.get('/tests?identifiantPrestation=FI-1000-0003');
    expect(open.status).toBe(200);
    expect(open.body).toContain('id="test-MESURE_OPTIQUE"');
    expect(open.body).toMatch(/<label class="form-check-label" for="test-REINITIALISATION_PORT">.*agit sur le réseau/);
    // Another operator's prestation: the same answer as an unknown one.
    const foreign = await c.get('/tests?identifiantPrestation=FI-2000-0002');
    const unknown = await c.get('/tests?identifiantPrestation=FI-9999-0001');
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.replace(/FI-2000-0002/g, 'X')).toBe(unknown.body.replace(/FI-9999-0001/g, 'X'));
    // A passive offer: fault 330 on the prestation.
    const passive = await c.get('/tests?identifiantPrestation=FI-1000-0001');
    expect(passive.status).toBe(422);
    expect(passive.body).toMatch(/id="erreur-identifiantPrestation">Aucun test disponible pour l&#39;offre FTTH_PASSIF/);
    // The field keeps what was typed, the message tied to it; sent empty (no `required` in the browser): said on the field.
    expect(unknown.body).toMatch(/id="identifiantPrestation" name="identifiantPrestation" value="FI-9999-0001"[^>]*aria-describedby="aide-identifiantPrestation erreur-identifiantPrestation" aria-invalid="true"/);
    const empty = await c.get('/tests?identifiantPrestation=+');
    expect(empty.status).toBe(422);
    expect(empty.body).toMatch(/id="erreur-identifiantPrestation">Saisissez l’identifiant d’une prestation</);
    expect(empty.body).not.toContain('id="form-test"');
    // Asking a test on another operator's prestation: the same 404, the typed identifier kept in the field.
    const foreignAsk = await c.post('/tests', { _csrf: csrfOf(open.body), identifiantPrestation: 'FI-2000-0002', typeTest: 'ETAT_SYNCHRO' });
    expect(foreignAsk.status).toBe(404);
    expect(foreignAsk.body).toMatch(/id="identifiantPrestation" name="identifiantPrestation" value="FI-2000-0002"/);
    expect(foreignAsk.body).toMatch(/id="erreur-identifiantPrestation">Identifiant de prestation FI-2000-0002 inconnu</);

    const before = await volumetry('TEST_RESULTAT');
    const asked = await c.post('/tests', { _csrf: csrfOf(open.body), identifiantPrestation: 'FI-1000-0003', typeTest: 'MESURE_OPTIQUE' });
    expect(asked.status).toBe(303);
    expect(asked.location).toMatch(/^\/tests\/TST-\d{10}$/);
    const id = asked.location!.split('/').pop()!;
    const page = await c.get(asked.location!);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`data-flux="/tests/${id}/flux"`);
    expect(page.body).toContain('<script src="/static/portail/suivi-test.js" defer></script>');

    // The event stream: states until the verdict, then "fin" and the end of the stream.
    const stream = await c.get(`/tests/${id}/flux`, { accept: 'text/event-stream' });
    expect(stream.status).toBe(200);
    expect(String(stream.headers['content-type'])).toMatch(/^text\/event-stream/);
    expect(String(stream.headers['content-security-policy'])).toContain("default-src 'self'");
    const events = stream.body.split('\n\n').filter(Boolean).map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { statut: string; fini: boolean; html: string },
    }));
    const last = events.at(-1)!;
    expect(last.event).toBe('fin');
    expect(last.data).toMatchObject({ statut: 'TERMINE', fini: true });
    expect(last.data.html).toContain('data-verdict="KO"');
    expect(last.data.html).toContain('Installation du client');
    expect(last.data.html).not.toContain('Actualiser');
    for (const e of events.slice(0, -1)) expect(e).toMatchObject({ event: 'etat', data: { fini: false } });

    const done = await c.get(`/tests/${id}`);
    expect(done.body).toContain('id="verdict" data-verdict="KO"');
    expect(done.body).toContain('id="mesures"');
    expect(done.body).not.toContain('id="actualiser"');
    // A test with a result counts once in its kind, whichever channel asked it (spec §3).
    expect(await volumetryReaches('TEST_RESULTAT', before + 1)).toBe(before + 1);

    // Another operator's test: the same 404 as an unknown one, page and stream.
    const b = await signedIn('opb2.agent');
    const theirs = await b.get(`/tests/${id}`);
    const none = await b.get('/tests/TST-9999999999');
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    expect(theirs.body.replace(id, 'X')).toBe(none.body.replace('TST-9999999999', 'X'));
    expect((await b.get(`/tests/${id}/flux`)).status).toBe(404);
  });

  test('line-test suggestions are bounded (20, by identifier prefix in byte order, one index range per offer), never the whole list', async () => {
    // 45 more prestations of OPA1 under "ZZ-": one in three passive (no test), the others on two
    // activated offers; and around them the edges of the prefix's range.
    const seeds: Array<[string, string]> = [];
    for (let i = 0; i < 45; i++) seeds.push([`ZZ-${String(i).padStart(4, '0')}`, ['FTTH_PASSIF', 'FTTH_ACTIVE', 'CE2O'][i % 3]!]);
    seeds.push(['ZZ-', 'FTTH_ACTIVE'], ['ZZ.', 'FTTH_ACTIVE'], ['ZZ', 'CE2O']);
    for (const [id, offer] of [['YY-a', 'FTTH_ACTIVE'], ['YY-B', 'CE2O'], ['YY-_', 'FTTH_ACTIVE'], ['YY-1', 'CE2O']] as const) seeds.push([id, offer]);
    for (const [identifiant, offerCode] of seeds) {
      await upsertPrestation(t.db, { identifiant, operatorCode: 'OPA1', offerCode, codeInsee: '75056', gtrCode: 'GTR_STANDARD', extremites: [], informations: [] });
    }
    const testable = seeds.filter(([id, offer]) => id.startsWith('ZZ-') && offer !== 'FTTH_PASSIF').map(([id]) => id);
    expect(testable).toHaveLength(31);

    const c = await signedIn('opa1.agent');
    const answer = await c.get('/tests/suggestions?identifiantPrestation=ZZ-');
    expect(answer.headers['cache-control']).toBe('no-store');
    const first = [...answer.body.matchAll(/<option value="([^"]+)">\1 \(([A-Z0-9_]+)\)<\/option>/g)].map((m) => m[1]!);
    // The prefix itself first, then the next 19 in order; neither "ZZ" nor "ZZ." (the range's ends).
    expect(first).toEqual(['ZZ-', ...testable.filter((id) => id !== 'ZZ-').sort().slice(0, 19)]);
    expect(answer.body).toMatch(/<span id="suggestions-etat" hx-swap-oob="innerHTML">Les 20 premières prestations testables commençant par ZZ- sont proposées/);
    expect(await suggested(c, 'ZZ-003')).toEqual(['ZZ-0031', 'ZZ-0032', 'ZZ-0034', 'ZZ-0035', 'ZZ-0037', 'ZZ-0038']);
    // Byte order whatever the database's collation: digits, capitals, "_", small letters.
    expect(await suggested(c, 'YY-')).toEqual(['YY-1', 'YY-B', 'YY-_', 'YY-a']);
    // Nothing an identifier may start with: nothing read, nothing suggested, no error.
    for (const prefix of ['', '-ZZ', "ZZ'", 'ZZ-%', 'Z'.repeat(65)]) expect(await suggested(c, prefix)).toEqual([]);
    expect((await c.get('/tests/suggestions?identifiantPrestation=QQ')).body).toContain('Aucune prestation testable ne commence par QQ.');
    // Another operator sees none of them; the read-only profile may not ask (403).
    expect(await suggested(await signedIn('opb2.agent'), 'ZZ-')).toEqual([]);
    expect((await (await signedIn('opa1.lecture')).get('/tests/suggestions?identifiantPrestation=ZZ-')).status).toBe(403);

    // The index answers it: each offer's range is an index condition (the "C" collations of the
    // query and of prestations_operator_offer_identifiant agree), read up to the limit, no filter.
    // (A table this small would be read whole: sequential and bitmap scans are set aside, so that
    // the plan shows what the index itself can answer.)
    const sql = SUGGEST_SQL.replace(/\$(\d)/g, (_, n: string) => ['', "'OPA1'", "ARRAY['FTTH_ACTIVE','CE2O']", "'ZZ-'", "'ZZ.'", '20'][Number(n)]!);
    const [plan] = await t.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      await tx.query('SET LOCAL enable_bitmapscan = off');
      return tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`);
    });
    const scans: Array<Record<string, unknown>> = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'prestations') scans.push(node);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk((plan!['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ 'Node Type': expect.stringMatching(/^Index (Only )?Scan$/), 'Index Name': 'prestations_operator_offer_identifiant' });
    expect(String(scans[0]!['Index Cond'])).toMatch(/identifiant[^)]* >= 'ZZ-'.* AND .*identifiant[^)]* < 'ZZ\.'/);
    expect(scans[0]!.Filter).toBeUndefined();
  });

  test('a test asked without JavaScript: the page offers "Actualiser" until the verdict', async () => {
    const c = await signedIn('opa1.agent');
    const open = await c.get('/tests?identifiantPrestation=FI-1000-0002');
    const asked = await c.post('/tests', { _csrf: csrfOf(open.body), identifiantPrestation: 'FI-1000-0002', typeTest: 'ETAT_SYNCHRO' });
    let page: PortalResponse = await c.get(asked.location!);
    const deadline = Date.now() + 20_000;
    while (page.body.includes('id="actualiser"') && Date.now() < deadline) {
      expect(page.body).toContain(`<a href="${asked.location}">Actualiser</a>`);
      expect(page.body).not.toMatch(/http-equiv="refresh"/i);
      await new Promise((resolve) => setTimeout(resolve, 200));
      page = await c.get(asked.location!);
    }
    expect(page.body).toContain('data-verdict="OK"');
  });

  test('a bad test request: the use-case fault on its field (330 on the test type, 310 on the linked ticket)', async () => {
    const c = await signedIn('opa1.agent');
    const open = await c.get('/tests?identifiantPrestation=DSL-1000-0001');
    const csrf = csrfOf(open.body);
    const wrongType = await c.post('/tests', { _csrf: csrf, identifiantPrestation: 'DSL-1000-0001', typeTest: 'MESURE_OPTIQUE' });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body).toMatch(/id="erreur-typeTest">Test MESURE_OPTIQUE non disponible/);
    const wrongTicket = await c.post('/tests', { _csrf: csrf, identifiantPrestation: 'DSL-1000-0001', typeTest: 'ETAT_PORT', referenceSignalisation: 'SIG-0000000000' });
    expect(wrongTicket.status).toBe(422);
    expect(wrongTicket.body).toMatch(/id="referenceSignalisation"[^>]*aria-describedby="erreur-referenceSignalisation"/);
    // Without the form's token: refused, no test recorded.
    const count = async () => Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM line_tests WHERE operator_code = 'OPA1'"))[0]!.n);
    const n = await count();
    expect((await c.post('/tests', { identifiantPrestation: 'DSL-1000-0001', typeTest: 'ETAT_PORT' })).status).toBe(403);
    expect(await count()).toBe(n);
  });

  test('works and incidents: those touching the operator, filters, another operator\'s prestation as unknown', async () => {
    const c = await signedIn('opa1.agent');
    const before = await volumetry('TRAVAUX_INCIDENTS');
    const page = await c.get('/travaux');
    expect(page.status).toBe(200);
    expect(page.body).toContain('TP-75056-0042-01');
    expect(page.body).toContain('DERCO-75056-0063-01');
    expect(page.body).not.toContain('TP-69123-0007-01'); // OPB2's PM
    expect(await volumetryReaches('TRAVAUX_INCIDENTS', before + 1)).toBe(before + 1);

    const incidents = await c.get('/travaux?nature=INCIDENT');
    expect(incidents.body).toContain('DERCO-75056-0063-01');
    expect(incidents.body).not.toContain('TP-75056-0042-01');
    const open = await c.get('/travaux?ouverts=1');
    expect(open.body).not.toContain('TP-75056-0042-00'); // closed two days ago
    const foreign = await c.get('/travaux?identifiantPrestation=FI-2000-0002');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatch(/id="erreur-identifiantPrestation">Identifiant de prestation FI-2000-0002 inconnu/);
  });

  test('the read-only profile: every page and action of these families refused with the reason (403)', async () => {
    const reference = await deposit();
    const r = await signedIn('opa1.lecture');
    const csrf = csrfOf((await r.get('/accueil')).body);
    for (const path of [`/signalisations/${reference}/rendez-vous`, '/tests', '/tests/TST-0000000001', '/travaux']) {
      const page = await r.get(path);
      expect(page.status).toBe(403);
      expect(page.body).toMatch(/Votre profil « Signalisation en lecture seule » n&#39;autorise pas l&#39;opération/);
    }
    expect((await r.post(`/signalisations/${reference}/rendez-vous/reserver`, { _csrf: csrf, idCreneau: 'CR-1' })).status).toBe(403);
    expect((await r.post('/tests', { _csrf: csrf, identifiantPrestation: 'FI-1000-0002', typeTest: 'ETAT_SYNCHRO' })).status).toBe(403);
  });

  test('during a maintenance window: the page says so (503) and nothing is done', async () => {
    const reference = await deposit();
    const announced = await t.admin('POST', '/admin/maintenances', { debut: '2026-11-04T10:00:00+01:00', fin: '2026-11-04T12:00:00+01:00', motif: 'Montée de version' });
    expect(announced.status).toBe(201);
    try {
      clock.set('2026-11-04T10:30:00+01:00');
      const c = await signedIn('opa1.agent');
      const csrf = csrfOf((await c.get('/accueil')).body);
      const count = async () => Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM line_tests WHERE operator_code = 'OPA1'"))[0]!.n);
      const n = await count();
      const asked = await c.post('/tests', { _csrf: csrf, identifiantPrestation: 'FI-1000-0002', typeTest: 'ETAT_SYNCHRO' });
      expect(asked.status).toBe(503);
      expect(asked.body).toContain('Service en maintenance');
      expect(await count()).toBe(n);
      const page = await c.get(`/signalisations/${reference}/rendez-vous`);
      expect(page.status).toBe(503);
      expect((await c.post(`/signalisations/${reference}/rendez-vous/reserver`, { _csrf: csrf, idCreneau: 'CR-1' })).status).toBe(503);
      expect((await c.get('/travaux')).status).toBe(503);
    } finally {
      await t.admin('POST', `/admin/maintenances/${announced.body.reference}/annulation`);
    }
  });

  test("the portal counts in the operator's rate limit shared with its web services (a 429 page, then SOAP refused with 401)", async () => {
    clock.set('2026-11-02T11:37:00+01:00'); // a minute of its own: the shared counter is per minute
    const c = await signedIn('opa1.agent');
    // From now on: less than the day's notice of the contract, forced by a named agent (decision 0022).
    const set = await t.admin('POST', '/admin/limites', { operateur: 'OPA1', requetesParMinute: 3, motif: 'essai du portail', force: true, agent: 'essai' });
    expect(set.status).toBe(201);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await c.get('/travaux')).status);
      expect(statuses).toEqual([200, 200, 200]);
      const refused = await c.get('/travaux');
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('Trop de requêtes');
      // The same per-minute counter: the operator's next web-service call is over the limit too.
      const fault = await soapFault(opa.consulterCatalogueAsync({}));
      expect(fault.code).toBe(401);
      // Another operator is not limited.
      expect((await (await signedIn('opb2.agent')).get('/travaux')).status).toBe(200);
    } finally {
      const lifted = await t.admin('POST', '/admin/limites', { operateur: 'OPA1', requetesParMinute: null, motif: 'fin de l’essai' });
      expect(lifted.status).toBe(201);
    }
  });

  test('signed out: the pages send to the sign-in page', async () => {
    const anonymous = new PortalClient(t.webUrl, t.webCa);
    clients.push(anonymous);
    for (const path of ['/tests', '/travaux', '/signalisations/SIG-1/rendez-vous']) {
      const answer = await anonymous.get(path);
      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/connexion');
    }
  });
});
