// The support staff's administration of the web portal's accounts (issue 13), driven through the
// admin API and the spawned admin CLI against a real gateway and PostgreSQL, then checked where it
// matters: signing in on the portal (undici client), sessions closed, TOTP enrolment forced, the
// audit log written, refusals naming the field.
import fs from 'node:fs';
import path from 'node:path';
import { SettableClock } from '../../src/domain/clock.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf } from '../support/web-portal.js';
import { runProcess, shellEnv } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');

describeDb('portal accounts administered by support staff (admin API, admin CLI)', () => {
  let t: TestGateway;
  const clients: PortalClient[] = [];
  const client = () => {
    const c = new PortalClient(t.webUrl, t.webCa);
    clients.push(c);
    return c;
  };
  const clock = new SettableClock('2026-03-10T09:00:00Z');
  const agent = 'Support Martin';

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_WEB_LOCKOUT_THRESHOLD: '3', ESAV_WEB_LOCKOUT_MINUTES: '10' } });
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  const create = (identifiant: string, extra: Record<string, unknown> = {}) =>
    t.admin('POST', '/admin/portail/utilisateurs', { agent, operateur: 'OPA1', identifiant, nom: `Nom ${identifiant}`, profil: 'TOUT', ...extra });
  const audited = async (action: string) =>
    (await t.db.query<{ actor: string; operator_code: string; details: Record<string, unknown> }>('SELECT actor, operator_code, details FROM audit_log WHERE action = $1 ORDER BY id', [action]));

  test('create (password returned once, audited), sign in on the portal, list, disabling closes the session at once', async () => {
    const created = await create('opa1.dupont');
    expect(created.status).toBe(201);
    expect(created.body.utilisateur).toMatchObject({ identifiant: 'opa1.dupont', operateur: 'OPA1', profil: 'TOUT', totpEnrole: false, desactiveLe: null });
    const password = created.body.motDePasse as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // Stored hashed only; never shown again.
    const [row] = await t.db.query<{ password_hash: string }>("SELECT password_hash FROM web_users WHERE identifier = 'opa1.dupont'");
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const listed = await t.admin('GET', '/admin/portail/utilisateurs?operateur=OPA1');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(password);
    expect(listed.body.utilisateurs.map((u: { identifiant: string }) => u.identifiant)).toContain('opa1.dupont');
    expect((await t.admin('GET', '/admin/portail/utilisateurs/opa1.dupont')).body).not.toHaveProperty('motDePasse');
    const [entry] = await audited('PORTAIL_UTILISATEUR_CREE');
    expect(entry).toMatchObject({ actor: agent, operator_code: 'OPA1', details: { identifiant: 'opa1.dupont', profil: 'TOUT' } });

    const c = client();
    expect((await c.signIn('opa1.dupont', password)).location).toBe('/accueil');
    expect((await c.get('/accueil')).status).toBe(200);
    // The same identifier twice: 409.
    expect((await create('opa1.dupont')).status).toBe(409);

    const disabled = await t.admin('POST', '/admin/portail/utilisateurs/opa1.dupont/desactivation', { agent });
    expect(disabled.status).toBe(200);
    expect(disabled.body.sessionsFermees).toBe(1);
    expect(disabled.body.utilisateur.desactiveLe).toBe(clock.now().toISOString());
    // The open session is over at once, and the password no longer opens one.
    expect((await c.get('/accueil')).location).toBe('/connexion');
    expect((await client().signIn('opa1.dupont', password)).status).toBe(401);
    expect((await audited('PORTAIL_UTILISATEUR_DESACTIVE'))[0]).toMatchObject({ actor: agent, details: { identifiant: 'opa1.dupont', sessionsFermees: 1 } });

    expect((await t.admin('POST', '/admin/portail/utilisateurs/opa1.dupont/activation', { agent })).body.utilisateur.desactiveLe).toBeNull();
    expect((await client().signIn('opa1.dupont', password)).location).toBe('/accueil');
  });

  test('password reset: a new password returned once, the old one refused, sessions closed', async () => {
    const { motDePasse: first } = (await create('opa1.reset')).body as { motDePasse: string };
    const c = client();
    expect((await c.signIn('opa1.reset', first)).location).toBe('/accueil');
    const reset = await t.admin('POST', '/admin/portail/utilisateurs/opa1.reset/mot-de-passe', { agent });
    expect(reset.status).toBe(200);
    expect(reset.body.sessionsFermees).toBe(1);
    const second = reset.body.motDePasse as string;
    expect(second).not.toBe(first);
    expect((await c.get('/accueil')).location).toBe('/connexion');
    expect((await client().signIn('opa1.reset', first)).status).toBe(401);
    expect((await client().signIn('opa1.reset', second)).location).toBe('/accueil');
  });

  test('unlock: a locked user signs in again before the lockout ends', async () => {
    const { motDePasse: password } = (await create('opa1.verrou')).body as { motDePasse: string };
    const c = client();
    for (const wrong of ['mauvais-1', 'mauvais-2']) expect((await c.signIn('opa1.verrou', wrong)).status).toBe(401);
    expect((await c.signIn('opa1.verrou', 'mauvais-3')).status).toBe(423);
    expect((await c.signIn('opa1.verrou', password)).status).toBe(423);
    const listed = await t.admin('GET', '/admin/portail/utilisateurs?operateur=OPA1');
    const locked = listed.body.utilisateurs.find((u: { identifiant: string }) => u.identifiant === 'opa1.verrou');
    expect(locked.verrouilleJusqua).toBe(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
    const unlocked = await t.admin('POST', '/admin/portail/utilisateurs/opa1.verrou/deverrouillage', { agent });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.utilisateur.verrouilleJusqua).toBeNull();
    expect((await c.signIn('opa1.verrou', password)).location).toBe('/accueil');
    expect((await audited('PORTAIL_UTILISATEUR_DEVERROUILLE'))[0]).toMatchObject({ actor: agent, operator_code: 'OPA1' });
  });

  test('TOTP required for the operator: its user must enrol at the next sign-in; unset: password only again', async () => {
    const created = await t.admin('POST', '/admin/portail/utilisateurs', { agent, operateur: 'OPB2', identifiant: 'opb2.deuxfa', nom: 'Deux facteurs', profil: 'TOUT' });
    const password = created.body.motDePasse as string;
    const other = (await t.admin('POST', '/admin/portail/utilisateurs', { agent, operateur: 'OPB2', identifiant: 'opb2.simple', nom: 'Simple', profil: 'TOUT' })).body
      .motDePasse as string;
    expect((await client().signIn('opb2.deuxfa', password)).location).toBe('/accueil');

    const set = await t.admin('PUT', '/admin/portail/operateurs/OPB2/totp', { agent, obligatoire: true });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ operateur: 'OPB2', totpObligatoire: true });
    const c = client();
    expect((await c.signIn('opb2.deuxfa', password)).location).toBe('/connexion/totp');
    expect((await c.get('/accueil')).location).toBe('/connexion');
    const step = await c.get('/connexion/totp');
    const secret = /<code id="cle-totp"[^>]*>([A-Z2-7]+)<\/code>/.exec(step.body)![1]!;
    expect((await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code: OtpAuthTotp.codeAt(secret, clock.now()) })).location).toBe('/accueil');
    const listed = await t.admin('GET', '/admin/portail/utilisateurs?operateur=OPB2');
    expect(listed.body.utilisateurs.find((u: { identifiant: string }) => u.identifiant === 'opb2.deuxfa').totpEnrole).toBe(true);
    expect((await audited('PORTAIL_TOTP_OBLIGATOIRE'))[0]).toMatchObject({ actor: agent, operator_code: 'OPB2' });

    expect((await t.admin('PUT', '/admin/portail/operateurs/OPB2/totp', { agent, obligatoire: false })).status).toBe(200);
    // A user that never enrolled signs in with its password alone again.
    expect((await client().signIn('opb2.simple', other)).location).toBe('/accueil');
  });

  test('refusals name the field: bad profile 400, unknown operator 404, malformed identifier 400, unknown user 404, no agent 400', async () => {
    const badProfile = await create('opa1.profil', { profil: 'INEXISTANT' });
    expect(badProfile.status).toBe(400);
    expect(badProfile.body.erreur).toMatch(/^profil : /);
    const badOperator = await create('opa1.operateur', { operateur: 'ZZZ9' });
    expect(badOperator.status).toBe(404);
    expect(badOperator.body.erreur).toMatch(/^operateur : .*ZZZ9 inconnu/);
    const badIdentifier = await create('A!');
    expect(badIdentifier.status).toBe(400);
    expect(badIdentifier.body.erreur).toMatch(/identifiant/);
    const noAgent = await t.admin('POST', '/admin/portail/utilisateurs', { operateur: 'OPA1', identifiant: 'opa1.sansagent', nom: 'x', profil: 'TOUT' });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.erreur).toMatch(/agent/);
    const unknown = await t.admin('POST', '/admin/portail/utilisateurs/opa1.personne/desactivation', { agent });
    expect(unknown.status).toBe(404);
    expect(unknown.body.erreur).toMatch(/^identifiant : /);
    expect((await t.admin('PUT', '/admin/portail/operateurs/ZZZ9/totp', { agent, obligatoire: true })).status).toBe(404);
    expect((await t.admin('GET', '/admin/portail/utilisateurs?operateur=ZZZ9')).status).toBe(404);
    // Nothing was created by a refusal.
    const [n] = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM web_users WHERE identifier IN ('opa1.profil', 'opa1.operateur', 'opa1.sansagent')");
    expect(Number(n!.n)).toBe(0);
    // Without the bearer token: 401.
    expect((await t.admin('GET', '/admin/portail/utilisateurs?operateur=OPA1', undefined, null)).status).toBe(401);
  });

  test('admin CLI (spawned): portail creer shows the password once, it opens the portal; lister; desactiver; bad profile exit 1', async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    const env = shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']);
    const cli = (...args: string[]) => runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], env);

    const created = await cli('portail', 'creer', '--operateur', 'OPA1', '--identifiant', 'opa1.cli', '--nom', 'Agent CLI', '--profil', 'SIGNALISATION_LECTURE', '--agent', agent);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/créé : opa1\.cli \(OPA1, profil SIGNALISATION_LECTURE\)/);
    const password = /affiché une seule fois[^\n]*\n\s+(\S+)/.exec(created.stdout)![1]!;
    expect((await client().signIn('opa1.cli', password)).location).toBe('/accueil');

    const listed = await cli('portail', 'lister', '--operateur', 'OPA1');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/opa1\.cli\s+SIGNALISATION_LECTURE\s+non\s+actif\s+Agent CLI/);
    const shown = await cli('portail', 'voir', 'opa1.cli');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/opa1\.cli\s+SIGNALISATION_LECTURE\s+non\s+actif\s+Agent CLI/);
    expect((await cli('portail', 'voir', 'opa1.inconnu')).code).toBe(1);

    const noAgent = await cli('portail', 'desactiver', 'opa1.cli');
    expect(noAgent.code).toBe(2);
    expect(noAgent.stderr).toMatch(/--agent/);
    const disabled = await cli('portail', 'desactiver', 'opa1.cli', '--agent', agent);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/opa1\.cli : désactivé le .* ; sessions fermées : 1/);

    const reset = await cli('portail', 'reinitialiser', 'opa1.cli', '--agent', agent);
    expect(reset.code).toBe(0);
    const second = /affiché une seule fois[^\n]*\n\s+(\S+)/.exec(reset.stdout)![1]!;
    expect(second).not.toBe(password);
    expect(reset.stdout).toMatch(/sessions fermées : 0/);
    const noChoice = await cli('portail', 'totp', 'OPA1', '--agent', agent);
    expect(noChoice.code).toBe(2);
    expect(noChoice.stderr).toMatch(/--obligatoire ou --facultatif/);

    const bad = await cli('portail', 'creer', '--operateur', 'OPA1', '--identifiant', 'opa1.cli2', '--nom', 'x', '--profil', 'INEXISTANT', '--agent', agent);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/profil : profil INEXISTANT inconnu/);
  }, 120_000);
});
