// The support console (issue 14, decision 0021) over HTTPS against the real listener, real
// PostgreSQL: support staff accounts (admin API + CLI), the second factor always required, role
// separation both ways, CSRF, and the console's pages calling the admin API (audited as the agent).
import { SettableClock } from '../../src/domain/clock.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import { runCli } from '../../src/admin-cli/cli.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts, signInConsole } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

describeDb('support console: accounts, second factor, role separation', () => {
  let t: TestGateway;
  let demo: Map<string, string>;
  const clients: PortalClient[] = [];
  const client = () => {
    const c = new PortalClient(t.webUrl, t.webCa);
    clients.push(c);
    return c;
  };
  const clock = new SettableClock('2026-03-10T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  /** Signs a support account in, enrolling its second factor if it has none; returns the secret. */
  async function signInSupport(c: PortalClient, identifier: string, password: string): Promise<string> {
    const first = await c.signIn(identifier, password);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/connexion/totp');
    const step = await c.get('/connexion/totp');
    const enrolled = /<code id="cle-totp" class="fs-5">([A-Z2-7]+)<\/code>/.exec(step.body)?.[1];
    expect(enrolled).toBeDefined();
    expect(step.body).toContain('obligatoire pour le personnel du support');
    clock.advance(31_000);
    const done = await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code: OtpAuthTotp.codeAt(enrolled!, clock.now()) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/console');
    return enrolled!;
  }

  test('admin API and CLI create, list, disable and enable support accounts, audited with the agent', async () => {
    const created = await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'marie.support', nom: 'Marie (support)' });
    expect(created.status).toBe(201);
    expect(created.body.utilisateur).toMatchObject({ identifiant: 'marie.support', totpEnrole: false, desactiveLe: null });
    expect(created.body.motDePasse).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'marie.support', nom: 'Doublon' })).status).toBe(409);
    const bad = await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'X!', nom: 'n' });
    expect(bad.status).toBe(400);
    expect(bad.body.erreur).toContain('identifiant');
    // Not an operator's portal account: the /admin/portail routes do not see it.
    expect((await t.admin('GET', '/admin/portail/utilisateurs/marie.support')).status).toBe(404);

    const out: string[] = [];
    const env = { ESAV_ADMIN_TOKEN: t.adminToken, ESAV_AGENT: 'chef.support' };
    const cli = (...argv: string[]) => runCli(['--url', t.adminUrl, ...argv], { env, out: (s) => out.push(s), err: (s) => out.push(s) });
    expect(await cli('support', 'lister')).toBe(0);
    expect(out.join('\n')).toMatch(/marie\.support .*à la 1re connexion/);
    expect(out.join('\n')).toContain('support.demo');
    // support voir (getSupportAccount): one account, --json the API's answer, an unknown one refused.
    out.length = 0;
    expect(await cli('support', 'voir', 'marie.support')).toBe(0);
    expect(out.join('\n')).toMatch(/marie\.support .*à la 1re connexion .*actif/);
    out.length = 0;
    expect(await cli('--json', 'support', 'voir', 'marie.support')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ identifiant: 'marie.support', totpEnrole: false, desactiveLe: null });
    out.length = 0;
    expect(await cli('support', 'voir', 'personne.support')).toBe(1);
    expect(out.join('\n')).toContain('personne.support');
    expect(await cli('support', 'desactiver', 'marie.support')).toBe(0);
    expect(await cli('support', 'activer', 'marie.support')).toBe(0);
    expect(await cli('support', 'creer', '--identifiant', 'paul.support', '--nom', 'Paul')).toBe(0);
    expect(out.join('\n')).toMatch(/mot de passe de paul\.support \(affiché une seule fois/);
    const audit = await t.db.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action LIKE 'SUPPORT_%' ORDER BY id");
    expect(audit.filter((a) => a.actor === 'chef.support').map((a) => a.action)).toEqual([
      'SUPPORT_COMPTE_CREE',
      'SUPPORT_COMPTE_DESACTIVE',
      'SUPPORT_COMPTE_ACTIVE',
      'SUPPORT_COMPTE_CREE',
    ]);
  });

  test('support staff: second factor always required, enrolled at the first sign-in, then the console', async () => {
    const created = await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'lea.support', nom: 'Léa' });
    const c = client();
    const secret = await signInSupport(c, 'lea.support', created.body.motDePasse);
    const home = await c.get('/console');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Console du support');
    expect(home.body).toContain('aria-label="Navigation de la console"');
    expect((await t.admin('GET', '/admin/support/comptes/lea.support')).body.totpEnrole).toBe(true);
    // The next sign-in asks for a code, without showing the secret again.
    const d = client();
    const again = await d.signIn('lea.support', created.body.motDePasse);
    expect(again.location).toBe('/connexion/totp');
    const step = await d.get('/connexion/totp');
    expect(step.body).not.toContain('cle-totp');
    // Password alone never opens the console.
    expect((await d.get('/console')).location).toBe('/connexion');
    clock.advance(31_000);
    const done = await d.post('/connexion/totp', { _csrf: csrfOf(step.body), code: OtpAuthTotp.codeAt(secret, clock.now()) });
    expect(done.location).toBe('/console');
    // Disabling the account closes its sessions at once.
    await t.admin('POST', '/admin/support/comptes/lea.support/desactivation', { agent: 'chef.support' });
    expect((await c.get('/console')).location).toBe('/connexion');
    const rows = await t.db.query<{ outcome: string; operator_code: string | null }>("SELECT outcome, operator_code FROM web_sign_ins WHERE identifier = 'lea.support' ORDER BY id");
    expect(rows.map((r) => r.outcome)).toEqual(['TOTP_ATTENDU', 'SUCCES', 'TOTP_ATTENDU', 'SUCCES']);
    expect(rows.every((r) => r.operator_code === null)).toBe(true);
  });

  test('role separation: an operator’s user cannot open the console, support staff cannot open operators’ pages', async () => {
    const op = client();
    expect((await op.signIn('opa1.agent', demo.get('opa1.agent')!)).location).toBe('/accueil');
    const refused = await op.get('/console');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('réservée au personnel du support');
    expect((await op.get('/accueil')).status).toBe(200);

    const staff = client();
    await signInSupport(staff, 'support.demo', demo.get('support.demo')!);
    for (const page of ['/accueil', '/signalisations', '/compte', '/tests', '/travaux']) {
      const answer = await staff.get(page);
      expect([page, answer.status]).toEqual([page, 403]);
    }
    expect((await staff.get('/')).location).toBe('/console');
    expect((await staff.get('/connexion')).location).toBe('/console');
    // Not signed in: the console sends to the sign-in page.
    expect((await client().get('/console')).location).toBe('/connexion');
  });
});

describeDb('support console: pages over the admin API', () => {
  let t: TestGateway;
  let c: PortalClient;
  const clock = new SettableClock('2026-03-10T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    c = await signInConsole(t);
  });
  afterAll(async () => {
    await c?.close();
    await t?.close();
  });

  test('each page answers, a POST without its CSRF token is refused and changes nothing', async () => {
    for (const page of [
      '/console',
      '/console/signalisations',
      '/console/operateurs',
      '/console/operateurs/OPA1',
      '/console/certificats',
      '/console/autorites',
      '/console/travaux',
      '/console/volumetrie',
      '/console/exploitation',
      '/console/audit',
      '/console/support',
    ]) {
      const answer = await c.get(page);
      expect([page, answer.status]).toEqual([page, 200]);
    }
    const volumetry = await c.get('/console/volumetrie');
    expect(volumetry.body).toMatch(/<svg id="graphique-jours" class="graphique" role="img" aria-labelledby="graphique-jours-titre graphique-jours-desc"/);
    expect(volumetry.body).toContain('<table class="table table-sm" id="tableau-pics">');
    const before = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM maintenance_windows').catch(() => [{ n: '?' }]);
    const refused = await c.post('/console/exploitation/maintenances', { debut: '2026-03-11T22:00', fin: '2026-03-11T23:00', motif: 'test' });
    expect(refused.status).toBe(403);
    const after = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM maintenance_windows').catch(() => [{ n: '?' }]);
    expect(after).toEqual(before);
  });

  test('field messages: server-side validation and the admin API’s refusal land on the field', async () => {
    const page = await c.get('/console/exploitation');
    const bad = await c.post('/console/exploitation/limites', { _csrf: csrfOf(page.body), operateur: 'x', requetesParMinute: '-3' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/id="limite-operateur-erreur">Code opérateur/);
    expect(bad.body).toMatch(/id="limite-rpm-erreur">Nombre entier/);
    const certs = await c.get('/console/certificats');
    const noCsr = await c.post('/console/certificats/emission', { _csrf: csrfOf(certs.body), operateur: 'OPA1', profil: 'TOUT', mode: 'csr' });
    expect(noCsr.status).toBe(400);
    expect(noCsr.body).toMatch(/id="emission-csr-fichier-erreur">Déposez la demande/);
  });

  test('running state route: queue depth and error rates, and the console shows them', async () => {
    const state = await t.admin('GET', '/admin/exploitation');
    expect(state.status).toBe(200);
    expect(state.body.file).toEqual({ enAttente: expect.any(Number), enReprise: expect.any(Number), enCours: expect.any(Number) });
    expect(state.body.requetes).toMatchObject({ depuis: 'démarrage des processus du nœud', total: expect.any(Number), tauxErreur: expect.any(Number) });
    const page = await c.get('/console/exploitation');
    expect(page.body).toContain('id="taux-erreur"');
  });

  test('operators: the order form’s mistakes on their fields, onboarding, a portal account created with its password shown once, audited as the staff member', async () => {
    const list = await c.get('/console/operateurs');
    const refused = await c.post('/console/operateurs', { _csrf: csrfOf(list.body), codeOperateur: 'OPZ9', raisonSociale: 'Zeta', siret: '123' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="bdc-siret-erreur">[^<]*SIRET/);
    expect(refused.body).toMatch(/id="bdc-email-erreur">/);
    const created = await c.post('/console/operateurs', {
      _csrf: csrfOf(list.body),
      codeOperateur: 'OPZ9',
      referenceContrat: 'CG2026-0099-ESAV',
      numeroAffaire: 'AFF-2026-999',
      raisonSociale: 'Zeta Fibre',
      siret: '73282932000074',
      representant: 'Jeanne Dupont',
      telephone: '01 23 45 67 89',
      email: 'direction@zeta.example',
      adresse: '1 rue des Fibres\n69002 Lyon',
      acces: 'LES_DEUX',
    });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/console/operateurs/OPZ9');
    const detail = await c.get('/console/operateurs/OPZ9');
    expect(detail.body).toContain('Zeta Fibre');
    const user = await c.post('/console/operateurs/OPZ9/portail/utilisateurs', { _csrf: csrfOf(detail.body), identifiant: 'opz9.agent', nom: 'Agent Z', profil: 'TOUT' });
    expect(user.status).toBe(200);
    expect(user.body).toMatch(/<code id="mot-de-passe">[A-Za-z0-9_-]{24}<\/code>/);
    expect((await c.get('/console/operateurs/OPZ9')).body).not.toContain('id="mot-de-passe"');
    const audit = await c.get('/console/audit?operateur=OPZ9');
    expect(audit.status).toBe(200);
    expect(audit.body).toMatch(/<td>support\.demo<\/td><td>PORTAIL_UTILISATEUR_CREE<\/td>/);
    expect(audit.body).toMatch(/<td>support\.demo<\/td><td>OPERATEUR_CREE<\/td>/);
    const badFilter = await c.get('/console/audit?operateur=zz');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toContain('id="audit-operateur-erreur"');
  });

  test('works: publish with field checks, then close', async () => {
    const page = await c.get('/console/travaux');
    const bad = await c.post('/console/travaux', { _csrf: csrfOf(page.body), nature: 'INCIDENT', libelle: '', equipement: 'PM', dateDebut: '2026-03-10T10:00', perimetre: 'commune' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('id="travaux-libelle-erreur"');
    expect(bad.body).toContain('id="travaux-perimetre-erreur"');
    const ok = await c.post('/console/travaux', { _csrf: csrfOf(page.body), nature: 'INCIDENT', libelle: 'Coupure de câble', equipement: 'PM', referencePm: 'PM-69123-001', dateDebut: '2026-03-10T10:00', perimetre: 'COMMUNE 69123' });
    expect([ok.status, /id="[^"]*-erreur">[^<]*|id="erreur-generale">[^<]*/.exec(ok.body)?.[0]]).toEqual([200, undefined]);
    expect(ok.body).toContain('Coupure de câble');
    const listed = await t.admin('GET', '/admin/travaux?ouverts=true&limite=500');
    const reference = (listed.body.travaux as { reference: string; libelle: string }[]).find((w) => w.libelle === 'Coupure de câble')!.reference;
    const detail = await c.get(`/console/travaux/${reference}`);
    expect(/<main[\s\S]*<\/main>/.exec(detail.body)?.[0]).toContain('value="2026-03-10T10:00"');
    const updated = await c.post(`/console/travaux/${reference}`, { _csrf: csrfOf(detail.body), libelle: 'Coupure de câble (réparée)', dateDebut: '2026-03-10T10:00', dateFin: '2026-03-10T18:00', commentaire: '' });
    expect(updated.body).toContain('id="confirmation"');
    expect((await t.admin('GET', `/admin/travaux/${reference}`)).body.libelle).toBe('Coupure de câble (réparée)');
    const closed = await c.post(`/console/travaux/${reference}/cloture`, { _csrf: csrfOf(ok.body), etat: 'CLOTURE' });
    expect(closed.body).toContain('clôturé');
  });

  test('a generated PKCS#12 is downloaded once, never twice; the certificate’s profile changes', async () => {
    const page = await c.get('/console/certificats');
    const issued = await c.post('/console/certificats/emission', { _csrf: csrfOf(page.body), operateur: 'OPB2', profil: 'TOUT', mode: 'pkcs12' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatch(/<code id="mot-de-passe-pkcs12">[^<]+<\/code>/);
    const link = /href="(\/console\/telechargements\/[A-Za-z0-9_-]+)"/.exec(issued.body)![1]!;
    const first = await c.get(link);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/x-pkcs12');
    expect(first.headers['content-disposition']).toMatch(/^attachment; filename="OPB2-[0-9A-F]{16}\.p12"$/i);
    expect((await c.get(link)).status).toBe(410);
    const fingerprint = /href="\/console\/certificats\/([0-9A-Fa-f:]+)\/certificat\.pem"/.exec(issued.body)![1]!;
    const detail = await c.get(`/console/certificats/${fingerprint}`);
    const changed = await c.post(`/console/certificats/${fingerprint}/profil`, { _csrf: csrfOf(detail.body), profil: 'SIGNALISATION_LECTURE' });
    expect(changed.body).toContain('id="confirmation"');
    expect((await t.admin('GET', `/admin/certificats/${fingerprint}`)).body.profil).toBe('SIGNALISATION_LECTURE');
  });

  test('support accounts page: create with the password shown once; one’s own account is not disabled here', async () => {
    const page = await c.get('/console/support');
    const created = await c.post('/console/support', { _csrf: csrfOf(page.body), identifiant: 'nina.support', nom: 'Nina' });
    expect(created.body).toMatch(/<code id="mot-de-passe">[A-Za-z0-9_-]{24}<\/code>/);
    const self = await c.post('/console/support/support.demo/desactivation', { _csrf: csrfOf(page.body) });
    expect(self.status).toBe(409);
    const other = await c.post('/console/support/nina.support/desactivation', { _csrf: csrfOf(page.body) });
    expect(other.body).toContain('nina.support : compte désactivé');
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'SUPPORT_COMPTE_DESACTIVE'");
    expect(audit.map((a) => a.actor)).toEqual(['support.demo']);
  });
});
