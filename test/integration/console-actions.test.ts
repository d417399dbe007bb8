// The support console's account, conformance-run and weekly-pattern actions (issue 14: every
// action of the CLI is in the console) over HTTPS against the real listener and real PostgreSQL:
// each page reaches the admin API by operationId and each change is audited with the staff member
// as agent. Decision 0021.
import { SettableClock } from '../../src/domain/clock.js';
import { SqlConformanceRunRepository } from '../../src/adapters/postgres/conformance-runs.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, signInConsole } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

describeDb('support console: account pages, conformance run, weekly pattern', () => {
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

  /** The audit actions written by the staff member since the test began, for one subject. */
  async function auditedBySupport(actionPrefix: string, identifier: string): Promise<string[]> {
    const rows = await t.db.query<{ action: string; actor: string; details: unknown }>('SELECT action, actor, details FROM audit_log WHERE action LIKE $1 ORDER BY id', [`${actionPrefix}%`]);
    return rows.filter((r) => r.actor === 'support.demo' && JSON.stringify(r.details).includes(identifier)).map((r) => r.action);
  }

  test('a support account’s page (getSupportAccount) and its actions, back on that page, audited as the staff member', async () => {
    const created = await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'olga.support', nom: 'Olga' });
    expect(created.status).toBe(201);
    const list = await c.get('/console/support');
    expect(list.body).toContain('href="/console/support/olga.support"');
    const page = await c.get('/console/support/olga.support');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Compte du support olga.support');
    expect(page.body).toMatch(/id="etat-compte">actif/);
    const csrf = csrfOf(page.body);
    const disabled = await c.post('/console/support/olga.support/desactivation', { _csrf: csrf, retour: 'fiche' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toContain('olga.support : compte désactivé');
    expect(disabled.body).toMatch(/id="etat-compte">désactivé le/);
    expect((await c.post('/console/support/olga.support/activation', { _csrf: csrf, retour: 'fiche' })).body).toMatch(/id="etat-compte">actif/);
    expect((await c.post('/console/support/olga.support/deverrouillage', { _csrf: csrf, retour: 'fiche' })).body).toContain('verrouillage levé');
    const password = await c.post('/console/support/olga.support/mot-de-passe', { _csrf: csrf, retour: 'fiche' });
    expect(password.body).toMatch(/<code id="mot-de-passe">[A-Za-z0-9_-]{24}<\/code>/);
    expect((await c.post('/console/support/olga.support/totp', { _csrf: csrf, retour: 'fiche' })).body).toContain('second facteur à enrôler');
    expect(await auditedBySupport('SUPPORT_', 'olga.support')).toEqual([
      'SUPPORT_COMPTE_DESACTIVE',
      'SUPPORT_COMPTE_ACTIVE',
      'SUPPORT_COMPTE_DEVERROUILLE',
      'SUPPORT_MOT_DE_PASSE_REINITIALISE',
      'SUPPORT_TOTP_REINITIALISE',
    ]);
    // One's own page: no action offered; an unknown account: the API's 404.
    expect((await c.get('/console/support/support.demo')).body).toContain('passent par un autre membre du support');
    const unknown = await c.get('/console/support/personne.inconnue');
    expect(unknown.status).toBe(404);
    // Without the CSRF token nothing changes.
    expect((await c.post('/console/support/olga.support/desactivation', { retour: 'fiche' })).status).toBe(403);
    expect((await t.admin('GET', '/admin/support/comptes/olga.support')).body.desactiveLe).toBeNull();
  });

  test('a portal user’s page (getPortalUser) and its actions, audited as the staff member; another operator’s user is not found there', async () => {
    const created = await t.admin('POST', '/admin/portail/utilisateurs', { agent: 'chef.support', operateur: 'OPA1', identifiant: 'opa1.olivier', nom: 'Olivier', profil: 'TOUT' });
    expect(created.status).toBe(201);
    const operator = await c.get('/console/operateurs/OPA1');
    // The profiles offered are the API's (listProfiles answers `nom`).
    expect(operator.body).toContain('<option value="TOUT">TOUT – ');
    expect((await c.get('/console/certificats')).body).toContain('<option value="TOUT">TOUT – ');
    expect(operator.body).toContain('href="/console/operateurs/OPA1/portail/utilisateurs/opa1.olivier"');
    expect(operator.body).toContain('href="/console/operateurs/OPA1/cycle-de-vie"');
    const page = await c.get('/console/operateurs/OPA1/portail/utilisateurs/opa1.olivier');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Utilisateur du portail opa1.olivier');
    expect(page.body).toMatch(/id="etat-utilisateur">actif/);
    const csrf = csrfOf(page.body);
    const base = '/console/operateurs/OPA1/portail/utilisateurs/opa1.olivier';
    const disabled = await c.post(`${base}/desactivation`, { _csrf: csrf, retour: 'fiche' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatch(/id="etat-utilisateur">désactivé le/);
    expect((await c.post(`${base}/activation`, { _csrf: csrf, retour: 'fiche' })).body).toMatch(/id="etat-utilisateur">actif/);
    expect((await c.post(`${base}/deverrouillage`, { _csrf: csrf, retour: 'fiche' })).body).toContain('Verrouillage levé');
    expect((await c.post(`${base}/mot-de-passe`, { _csrf: csrf, retour: 'fiche' })).body).toMatch(/<code id="mot-de-passe">[A-Za-z0-9_-]{24}<\/code>/);
    expect(await auditedBySupport('PORTAIL_', 'opa1.olivier')).toEqual([
      'PORTAIL_UTILISATEUR_DESACTIVE',
      'PORTAIL_UTILISATEUR_ACTIVE',
      'PORTAIL_UTILISATEUR_DEVERROUILLE',
      'PORTAIL_MOT_DE_PASSE_REINITIALISE',
    ]);
    expect((await c.get('/console/operateurs/OPB2/portail/utilisateurs/opa1.olivier')).status).toBe(404);
    expect((await c.get('/console/operateurs/OPA1/portail/utilisateurs/personne.inconnue')).status).toBe(404);
  });

  test('a conformance run’s page (getConformanceRun), linked from the operator’s page', async () => {
    const runs = new SqlConformanceRunRepository(t.db);
    const run = await runs.record({
      operatorCode: 'OPA1',
      platform: 'integration',
      domains: ['signalisation'],
      passedDomains: ['signalisation'],
      passed: true,
      startedAt: new Date('2026-03-09T10:00:00Z'),
      finishedAt: new Date('2026-03-09T10:05:00Z'),
      certificateFingerprint: 'AB:CD',
      reportJunit: '<testsuites/>',
      reportHtml: null,
    });
    const operator = await c.get('/console/operateurs/OPA1');
    expect(operator.body).toContain(`href="/console/conformite/executions/${run.id}"`);
    const page = await c.get(`/console/conformite/executions/${run.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Exécution de conformité n° ${run.id}`);
    expect(page.body).toMatch(/id="resultat-execution">réussie/);
    expect(page.body).toContain(`/console/conformite/executions/${run.id}/rapport?format=junit`);
    expect((await c.get('/console/conformite/executions/999999')).status).toBe(404);
    expect((await c.get('/console/conformite/executions/abc')).status).toBe(404);
  });

  test('the whole weekly pattern replaced (replaceCapacityPatterns), a line that cannot be read or a refusal shown on the form, audited as the staff member', async () => {
    const filter = { commune: '69123', type: 'SAV', du: '2026-03-16', au: '2026-03-22' };
    const page = await c.get(`/console/capacite?${new URLSearchParams(filter)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="form-planning"');
    const csrf = csrfOf(page.body);
    const unreadable = await c.post('/console/capacite/plannings', { _csrf: csrf, ...filter, plages: 'lundi 08:00 12:00\nmardi 08:00 12:00 120 2' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body).toMatch(/id="erreur-planning">ligne 1 : « lundi 08:00 12:00 »/);
    expect(unreadable.body).toContain('mardi 08:00 12:00 120 2</textarea>');
    const refused = await c.post('/console/capacite/plannings', { _csrf: csrf, ...filter, plages: 'lundi 8h 12:00 120 2' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="erreur-planning">[^<]*debut/);
    const done = await c.post('/console/capacite/plannings', { _csrf: csrf, ...filter, plages: 'lundi 08:00 12:00 120 2\n3 14:00 18:00 120 1 fériés' });
    expect(done.status).toBe(303);
    expect(done.location).toContain('fait=planning');
    const patterns = await t.admin('GET', '/admin/capacite/plannings?commune=69123&type=SAV');
    expect(patterns.body.plannings.map((p: { jour: number; debut: string; fin: string; techniciens: number; joursFeries: boolean }) => [p.jour, p.debut, p.fin, p.techniciens, p.joursFeries])).toEqual([
      [1, '08:00', '12:00', 2, false],
      [3, '14:00', '18:00', 1, true],
    ]);
    const after = await c.get(done.location!);
    expect(after.body).toContain('Planning remplacé');
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'CAPACITE_PLANNING_REMPLACE'");
    expect(audit.map((a) => a.actor)).toEqual(['support.demo']);
  });
});
