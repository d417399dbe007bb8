// The support console (issue 14, decision 0021) over HTTPS against the real listener, real
// PostgreSQL: support staff accounts (admin API + CLI), the second factor always required, role
// separation both ways, CSRF, and the console's pages calling the admin API (audited as the agent).
import { SettableClock } from '../../src/domain/clock.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import { CONSOLE_ADMIN_ROUTES } from '../../src/adapters/web-portal/console/index.js';
import { runCli } from '../../src/admin-cli/cli.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts } from '../support/web-portal.js';

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

  test('every console page module names the admin API routes it calls', () => {
    expect(CONSOLE_ADMIN_ROUTES.length).toBeGreaterThan(0);
    for (const route of CONSOLE_ADMIN_ROUTES) expect(route).toMatch(/^(GET|POST|PUT|DELETE|PATCH) \/admin\//);
  });
});
