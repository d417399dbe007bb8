// The portal's signalisation pages over HTTPS against the real listener (undici), real PostgreSQL:
// the deposit form generated from the catalogue form version, a deposit and its acknowledgement
// (and the replay of the same referenceInterneOC), the schema's and the use case's faults on their
// fields with the typed values kept, the FTTH refusal derived from the catalogue's channels, the
// list (filters, keyset paging, a ticket deposited through SOAP), another operator's ticket as an
// unknown one, CSRF, the read-only profile, the complement of a GELE ticket, the closed tickets and
// their CSV export.
import { SettableClock } from '../../src/domain/clock.js';
import { BackOfficeService } from '../../src/application/back-office.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts } from '../support/web-portal.js';
import type soap from 'soap';
import { backOfficeOver } from '../support/back-office.js';

const describeDb = await describeWithPostgres();

/** A valid deposit form on OPA1's copper prestation (offer CUIVRE_DEGROUPAGE, open to the portal). */
export function cuivreDeposit(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    offre: 'CUIVRE_DEGROUPAGE',
    formulaire: 'CUIVRE_DEGROUPAGE:1',
    identifiantPrestation: '0140000001',
    referenceInterneOC: `PORTAIL-${Math.random().toString(36).slice(2, 10)}`,
    defautDeclare: 'DEGRADATION',
    impact: 'TOTAL',
    dateDebutDefaut: '2026-11-02T08:30',
    localisationPresumee: '',
    'champ.NUMERO_DESIGNATION': '0140000001',
    'contactSite.nom': 'M. Martin',
    'contactSite.telephone': '0612345678',
    'contactOC.nom': 'Supervision OPA',
    'contactOC.telephone': '0100000000',
    'contactOC.email': 'sav@opa.example',
    'accesSite.horaires': '',
    'accesSite.informations': '',
    commentaire: 'Plus de synchronisation depuis ce matin',
    idDemandeTest: '',
    ...overrides,
  };
}

describeDb('web portal: signalisations', () => {
  let t: TestGateway;
  let demo: Map<string, string>;
  let backOffice: BackOfficeService;
  let soapOpa: soap.Client;
  const clock = new SettableClock('2026-11-02T10:00:00+01:00');
  const clients: PortalClient[] = [];
  const signedIn = async (identifier: string) => {
    const c = new PortalClient(t.webUrl, t.webCa);
    clients.push(c);
    expect((await c.signIn(identifier, demo.get(identifier)!)).location).toBe('/accueil');
    return c;
  };
  const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM signalisations'))[0]!.n);
  /** Deposits through the portal; returns the reference of the acknowledgement. */
  const deposit = async (c: PortalClient, form: Record<string, string>) => {
    const page = await c.get(`/signalisations/nouvelle?offre=${form.offre}`);
    const answer = await c.post('/signalisations/nouvelle', { _csrf: csrfOf(page.body), ...form });
    expect(answer.status).toBe(303);
    return /^\/signalisations\/([A-Z0-9-]+)\?depot=/.exec(answer.location!)![1]!;
  };

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    backOffice = backOfficeOver(t.db, clock);
    soapOpa = await t.soapClient('OPA1');
    soapOpa.addSoapHeader(enteteRequete('OPA1'));
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  test('the deposit form is generated from the catalogue form version: labels, mandatory marks, types, nomenclatures, facets', async () => {
    const c = await signedIn('opa1.agent');
    const list = await c.get('/signalisations');
    expect(list.status).toBe(200);
    expect(list.body).toContain('href="/signalisations" aria-current="page"');

    const step1 = await c.get('/signalisations/nouvelle');
    expect(step1.status).toBe(200);
    expect(step1.body).toMatch(/<option value="CUIVRE_DEGROUPAGE">[^<]*\(CUIVRE_DEGROUPAGE\)<\/option>/);
    expect(step1.body).toMatch(/<option value="FTTH_PASSIF">[^<]*web services uniquement<\/option>/);

    const form = await c.get('/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE');
    expect(form.status).toBe(200);
    const body = form.body;
    expect(body).toContain('name="formulaire" value="CUIVRE_DEGROUPAGE:1"');
    // The form's own field, from its XSD: label tied to the input, pattern translated, optional.
    expect(body).toMatch(/<label class="form-label" for="f-champ-NUMERO_DESIGNATION">[^<]+<\/label>/);
    const designation = /<input [^>]*id="f-champ-NUMERO_DESIGNATION"[^>]*>/.exec(body)![0];
    expect(designation).toContain('name="champ.NUMERO_DESIGNATION"');
    expect(designation).toContain('pattern="0[1-9][0-9]{8}"');
    expect(designation).not.toContain('required');
    // Common fields: mandatory marks and facets of the contract's schema.
    const prestation = /<input [^>]*id="f-identifiantPrestation"[^>]*>/.exec(body)![0];
    expect(prestation).toContain('required');
    expect(prestation).toContain('maxlength="64"');
    expect(body).toMatch(/<label class="form-label" for="f-identifiantPrestation">Identifiant de la prestation <span class="text-danger" aria-hidden="true">\*<\/span><\/label>/);
    expect(/<input [^>]*id="f-referenceInterneOC"[^>]*>/.exec(body)![0]).toContain('pattern="[\\p{L}\\p{N}\\._\\:\\/\\#\\-]+"');
    expect(/<input [^>]*id="f-contactSite-telephone"[^>]*>/.exec(body)![0]).toContain('type="tel"');
    // Nomenclatures of the offer as selects.
    const defaut = /<select [^>]*id="f-defautDeclare"[^>]*>([\s\S]*?)<\/select>/.exec(body)!;
    expect(defaut[0]).toContain('required');
    expect(defaut[1]).toContain('<option value="DEGRADATION">');
    expect(body).toMatch(/<select [^>]*id="f-localisationPresumee"/);
    expect(body).toMatch(/<select [^>]*id="f-impact"[^>]*required/);
  });

  test('deposit: the reference as acknowledgement; the same referenceInterneOC again says "déjà déposée" with the first reference', async () => {
    const c = await signedIn('opa1.agent');
    const before = await count();
    const form = cuivreDeposit();
    const page = await c.get('/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE');
    const answer = await c.post('/signalisations/nouvelle', { _csrf: csrfOf(page.body), ...form });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/signalisations\/SIG-\d+\?depot=nouveau$/);
    const reference = /^\/signalisations\/([^?]+)/.exec(answer.location!)![1]!;
    expect(await count()).toBe(before + 1);
    const ack = await c.get(answer.location!);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatch(new RegExp(`Signalisation déposée : référence <strong>${reference}</strong>`));
    expect(ack.body).toContain('0140000001');
    expect(ack.body).toContain('Plus de synchronisation depuis ce matin');
    const [row] = await t.db.query<{ operator_code: string; dated: Date }>(
      'SELECT operator_code, date_debut_defaut AS dated FROM signalisations WHERE reference = $1',
      [reference],
    );
    expect(row!.operator_code).toBe('OPA1');
    // 08:30 typed, Paris wall time (CET in November).
    expect(row!.dated.toISOString()).toBe('2026-11-02T07:30:00.000Z');
    const history = await t.db.query<{ motif: string }>(
      'SELECT h.motif FROM signalisation_history h JOIN signalisations s ON s.id = h.signalisation_id WHERE s.reference = $1',
      [reference],
    );
    expect(history.map((h) => h.motif)).toEqual(['Dépôt de la signalisation sur le portail']);

    const again = await c.post('/signalisations/nouvelle', { _csrf: csrfOf(page.body), ...form, commentaire: 'Deuxième envoi' });
    expect(again.location).toBe(`/signalisations/${reference}?depot=deja`);
    expect((await c.get(again.location!)).body).toContain('Signalisation déjà déposée');
    expect(await count()).toBe(before + 1);
  });

  test('faults on their fields, typed values kept: XSD (101) and use case (300, 303, 304)', async () => {
    const c = await signedIn('opa1.agent');
    const before = await count();
    const page = await c.get('/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE');
    const post = (overrides: Record<string, string>) => c.post('/signalisations/nouvelle', { _csrf: csrfOf(page.body), ...cuivreDeposit(overrides) });
    const errorOn = (html: string, id: string) => {
      const input = new RegExp(`<(?:input|select|textarea) [^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
      expect(input).toContain('aria-invalid="true"');
      expect(input).toMatch(new RegExp(`aria-describedby="[^"]*${id}-erreur"`));
      return new RegExp(`<div class="invalid-feedback d-block" id="${id}-erreur">([^<]*)</div>`).exec(html)![1]!;
    };

    const telephone = await post({ 'contactSite.telephone': 'pas un numéro' });
    expect(telephone.status).toBe(422);
    expect(errorOn(telephone.body, 'f-contactSite-telephone')).toMatch(/non conforme au schéma.*\(code 101\)/);
    expect(telephone.body).toContain('value="pas un numéro"');
    expect(telephone.body).toContain('value="M. Martin"');

    const acces = await post({ 'accesSite.horaires': '9h-17h' });
    expect(acces.status).toBe(422);
    expect(errorOn(acces.body, 'f-accesSite-informations')).toContain('(code 101)');

    const longName = await post({ 'contactOC.nom': 'x'.repeat(101) });
    expect(errorOn(longName.body, 'f-contactOC-nom')).toContain('(code 101)');

    const designation = await post({ 'champ.NUMERO_DESIGNATION': '12' });
    expect(designation.status).toBe(422);
    expect(errorOn(designation.body, 'f-champ-NUMERO_DESIGNATION')).toMatch(/NUMERO_DESIGNATION.*\(code 303\)/);
    expect(designation.body).toContain('value="12"');

    const prestation = await post({ identifiantPrestation: 'FI-2000-0001' }); // OPB2's: same as unknown
    expect(errorOn(prestation.body, 'f-identifiantPrestation')).toContain('(code 300)');
    const unknown = await post({ identifiantPrestation: 'INCONNUE-1' });
    expect(errorOn(unknown.body, 'f-identifiantPrestation')).toBe(errorOn(prestation.body, 'f-identifiantPrestation').replace('FI-2000-0001', 'INCONNUE-1'));

    const nomenclature = await post({ defautDeclare: 'PAS_DANS_LA_LISTE' });
    expect(errorOn(nomenclature.body, 'f-defautDeclare')).toContain('(code 304)');

    expect(await count()).toBe(before);
  });

  test('FTTH deposit refused on the portal with the explanation from the catalogue channels; nothing stored', async () => {
    const c = await signedIn('opa1.agent');
    const before = await count();
    const choice = await c.get('/signalisations/nouvelle?offre=FTTH_PASSIF');
    expect(choice.status).toBe(422);
    expect(choice.body).toContain('se fait uniquement par web services (e-SAV intégré)');
    expect(choice.body).not.toContain('id="formulaire-depot"');
    // Posted all the same (a crafted form): the use case refuses it (301) with the same explanation.
    const page = await c.get('/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE');
    const posted = await c.post('/signalisations/nouvelle', {
      _csrf: csrfOf(page.body),
      ...cuivreDeposit({ offre: 'FTTH_PASSIF', formulaire: 'FTTH_PASSIF:2', identifiantPrestation: 'FI-1000-0001', defautDeclare: 'INTERRUPTION_TOTALE', 'champ.NUMERO_DESIGNATION': '' }),
    });
    expect(posted.status).toBe(422);
    expect(posted.body).toMatch(/id="f-offre-erreur">[^<]*uniquement par web services \(e-SAV intégré\)[^<]*\(code 301\)/);
    expect(await count()).toBe(before);
  });

  test('list: own tickets with filters and keyset paging, a ticket deposited through SOAP, detail', async () => {
    const c = await signedIn('opa1.agent');
    const mine = await deposit(c, cuivreDeposit());
    const [ack] = await soapOpa.deposerSignalisationAsync(depositArgs());
    const bySoap = String(ack.referenceSignalisation);
    await backOffice.transition('test-agent', bySoap, { etat: 'EN_QUALIFICATION' });

    const list = await c.get('/signalisations');
    expect(list.body).toContain(`href="/signalisations/${mine}"`);
    expect(list.body).toContain(`href="/signalisations/${bySoap}"`);
    const filtered = await c.get('/signalisations?etat=EN_QUALIFICATION&offre=FTTH_PASSIF');
    expect(filtered.body).toContain(`href="/signalisations/${bySoap}"`);
    expect(filtered.body).not.toContain(`href="/signalisations/${mine}"`);
    expect(filtered.body).toMatch(/id="etat-EN_QUALIFICATION" checked/);
    const byPrestation = await c.get('/signalisations?prestation=0140000001');
    expect(byPrestation.body).toContain(`href="/signalisations/${mine}"`);
    expect(byPrestation.body).not.toContain(`href="/signalisations/${bySoap}"`);
    const future = await c.get('/signalisations?du=2026-12-01');
    expect(future.body).toContain('Aucune signalisation.');

    // The SOAP ticket's detail, as deposited through the web services.
    const detail = await c.get(`/signalisations/${bySoap}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('En qualification');
    expect(detail.body).toContain('Mme Durand');
    expect(detail.body).toMatch(/id="historique"[\s\S]*En dépôt[\s\S]*En qualification/);
    expect(detail.body).toMatch(/id="garantie">[^<]*GTR_STANDARD/);

    // Keyset paging: 50 a page, the next page through the use case's cursor.
    for (let i = 0; i < 50; i++) await soapOpa.deposerSignalisationAsync(depositArgs());
    const first = await c.get('/signalisations');
    const next = /href="(\/signalisations\?curseur=[^"]+)" rel="next"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const second = await c.get(next);
    expect(second.status).toBe(200);
    const refs = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/signalisations\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs(first.body)).toHaveLength(50);
    expect(refs(second.body).length).toBeGreaterThan(0);
    expect(refs(second.body).filter((r) => refs(first.body).includes(r))).toEqual([]);
    expect(second.body).toContain('Première page');
    expect((await c.get('/signalisations?curseur=pas-un-curseur')).status).toBe(400);
  }, 60_000);

  test("another operator's ticket is answered like an unknown one (same 404)", async () => {
    const opa = await signedIn('opa1.agent');
    const reference = await deposit(opa, cuivreDeposit());
    const opb = await signedIn('opb2.agent');
    const other = await opb.get(`/signalisations/${reference}`);
    const unknown = await opb.get('/signalisations/SIG-9999999999');
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)![0];
    expect(main(other.body)).toBe(main(unknown.body));
    expect(other.body).not.toContain('0140000001');
    expect((await opb.get('/signalisations')).body).not.toContain(reference);
    // Nor can it be completed.
    await backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    await backOffice.transition('test-agent', reference, { etat: 'GELE', attente: 'INFORMATION' });
    const list = await opb.get('/signalisations');
    const completed = await opb.post(`/signalisations/${reference}/completer`, { _csrf: csrfOf(list.body), commentaire: 'intrus' });
    expect(completed.status).toBe(404);
    const [row] = await t.db.query<{ etat: string }>('SELECT etat FROM signalisations WHERE reference = $1', [reference]);
    expect(row!.etat).toBe('GELE');
  });

  test('CSRF token missing or wrong: refused with 403 and nothing stored', async () => {
    const c = await signedIn('opa1.agent');
    const before = await count();
    const missing = await c.post('/signalisations/nouvelle', cuivreDeposit());
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('jeton de sécurité');
    const wrong = await c.post('/signalisations/nouvelle', { _csrf: 'x'.repeat(43), ...cuivreDeposit() });
    expect(wrong.status).toBe(403);
    expect(await count()).toBe(before);
  });

  test('read-only profile: lists and detail, but no deposit or complement (403 with the explanation)', async () => {
    const agent = await signedIn('opa1.agent');
    const reference = await deposit(agent, cuivreDeposit());
    const reader = await signedIn('opa1.lecture');
    const list = await reader.get('/signalisations');
    expect(list.status).toBe(200);
    expect(list.body).toContain(reference);
    expect(list.body).not.toContain('href="/signalisations/nouvelle"');
    const closes = await reader.get('/signalisations/closes');
    expect(closes.status).toBe(200);
    expect(closes.body).not.toContain('href="/signalisations/nouvelle"');
    expect((await reader.get(`/signalisations/${reference}`)).status).toBe(200);
    const form = await reader.get('/signalisations/nouvelle');
    expect(form.status).toBe(403);
    expect(form.body).toContain('ne permet pas de déposer une signalisation');
    const before = await count();
    const posted = await reader.post('/signalisations/nouvelle', { _csrf: csrfOf(list.body), ...cuivreDeposit() });
    expect(posted.status).toBe(403);
    expect(await count()).toBe(before);
    await backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    await backOffice.transition('test-agent', reference, { etat: 'GELE', attente: 'INFORMATION' });
    const detail = await reader.get(`/signalisations/${reference}`);
    expect(detail.body).not.toContain('id="formulaire-complement"');
    const completed = await reader.post(`/signalisations/${reference}/completer`, { _csrf: csrfOf(list.body), commentaire: 'lecture' });
    expect(completed.status).toBe(403);
    expect(completed.body).toContain('ne permet pas de compléter une signalisation');
  });

  test('complement of a GELE ticket: field errors with the same rules, then back to EN_COURS with the comment', async () => {
    const c = await signedIn('opa1.agent');
    const reference = await deposit(c, cuivreDeposit());
    const notFrozen = await c.get(`/signalisations/${reference}`);
    expect(notFrozen.body).not.toContain('id="formulaire-complement"');
    await backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    await backOffice.transition('test-agent', reference, { etat: 'GELE', attente: 'ACCES_SITE', motif: 'Accès au local refusé' });
    const detail = await c.get(`/signalisations/${reference}`);
    expect(detail.body).toContain('id="formulaire-complement"');
    expect(detail.body).toContain('l&#39;accès au site');
    const csrf = csrfOf(detail.body);

    const empty = await c.post(`/signalisations/${reference}/completer`, { _csrf: csrf, commentaire: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatch(/id="f-commentaire-erreur">[^<]*\(code 101\)/);
    const badField = await c.post(`/signalisations/${reference}/completer`, { _csrf: csrf, commentaire: 'Accès possible', 'champ.NUMERO_DESIGNATION': 'abc' });
    expect(badField.status).toBe(422);
    expect(badField.body).toMatch(/id="f-champ-NUMERO_DESIGNATION-erreur">[^<]*\(code 303\)/);
    expect(badField.body).toContain('Accès possible');
    // A new site contact with a telephone the contract refuses: fault 101 on that field, nothing changed.
    const badPhone = await c.post(`/signalisations/${reference}/completer`, {
      _csrf: csrf,
      commentaire: 'Nouveau contact',
      'contactSite.nom': 'M. Gardien',
      'contactSite.telephone': 'pas un numéro',
    });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body).toMatch(/id="f-contactSite-telephone-erreur">[^<]*\(code 101\)/);
    expect((await c.get(`/signalisations/${reference}`)).body).toMatch(/id="etat">Gelée|id="etat">Gel/);

    const done = await c.post(`/signalisations/${reference}/completer`, {
      _csrf: csrf,
      commentaire: 'Gardien prévenu, accès de 9h à 17h',
      'accesSite.horaires': '9h-17h',
      'accesSite.informations': 'Gardien au 01 23 45 67 89',
      'contactSite.nom': 'M. Gardien',
      'contactSite.telephone': '0123456789',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/signalisations/${reference}?complement=1`);
    const after = await c.get(done.location!);
    expect(after.body).toContain('Complément enregistré.');
    expect(after.body).toMatch(/id="etat">En cours/);
    expect(after.body).toContain('Gardien prévenu, accès de 9h à 17h');
    expect(after.body).toContain('9h-17h — Gardien au 01 23 45 67 89');
    expect(after.body).toContain('M. Gardien');
  });

  test('closed tickets of the last 90 days and their CSV export', async () => {
    const c = await signedIn('opa1.agent');
    const reference = await deposit(c, cuivreDeposit({ commentaire: '=HYPERLINK("http://x")' }));
    await backOffice.transition('test-agent', reference, { etat: 'EN_QUALIFICATION' });
    await backOffice.transition('test-agent', reference, { etat: 'EN_COURS' });
    await backOffice.transition('test-agent', reference, { etat: 'CLOS', causeCloture: 'REPARATION_RESEAU' });
    const page = await c.get('/signalisations/closes');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`href="/signalisations/${reference}"`);
    expect(page.body).toContain('REPARATION_RESEAU');

    const csv = await c.get('/signalisations/closes.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="signalisations-closes-OPA1-2026-11-02.csv"');
    expect(csv.headers['cache-control']).toBe('no-store');
    // (undici's text() drops the byte order mark; src/domain/csv.ts's tests check it.)
    expect(csv.body.replace(/^\uFEFF/, '').startsWith('Référence signalisation;Référence interne OC;')).toBe(true);
    const line = csv.body.split('\r\n').find((l) => l.startsWith(`${reference};`))!;
    expect(line).toContain(';0140000001;CUIVRE_DEGROUPAGE;CUIVRE_DEGROUPAGE v1;DEGRADATION;TOTAL;');
    expect(line).toContain(';CLOS;');
    expect(line).toContain(';REPARATION_RESEAU;');
    // A comment starting like a formula is made inert.
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    // Another operator's export does not hold it.
    const opb = await signedIn('opb2.agent');
    expect((await opb.get('/signalisations/closes.csv')).body).not.toContain(reference);
  });

  test('during a maintenance window the deposit is not made and the page says so (the web services\' 402)', async () => {
    const announced = await t.admin('POST', '/admin/maintenances', { debut: '2026-11-05T10:00:00+01:00', fin: '2026-11-05T12:00:00+01:00', motif: 'Montée de version' });
    expect(announced.status).toBe(201);
    const saved = clock.now();
    clock.set('2026-11-05T11:00:00+01:00');
    try {
      const c = await signedIn('opa1.agent');
      const accueil = await c.get('/accueil');
      const before = await count();
      const posted = await c.post('/signalisations/nouvelle', { _csrf: csrfOf(accueil.body), ...cuivreDeposit() });
      expect(posted.status).toBe(503);
      expect(posted.body).toContain('Service en maintenance');
      expect(posted.body).toContain('2026-11-05T12:00:00+01:00');
      expect(await count()).toBe(before);
      expect((await c.get('/signalisations')).status).toBe(503);
    } finally {
      await t.admin('POST', `/admin/maintenances/${(announced.body as { reference: string }).reference}/annulation`);
      clock.set(saved);
    }
  });
});
