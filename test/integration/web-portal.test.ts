// The web portal's foundation over HTTPS against the real listener (undici), real PostgreSQL:
// sign-in, wrong password, lockout, throttle state in the database, CSRF, session revocation and
// expiry, cookie flags, CSP, TOTP with enrolment, isolation between users and operators, 404.
import fs from 'node:fs';
import { SettableClock } from '../../src/domain/clock.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { ensureDemoAccounts } from '../../src/composition/web-portal.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

describeDb('web portal (e-SAV en ligne): accounts and sessions', () => {
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
    t = await startTestGateway({ clock, env: { ESAV_WEB_LOCKOUT_THRESHOLD: '3', ESAV_WEB_LOCKOUT_MINUTES: '10' } });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  const signInCount = async (identifier: string, outcome: string) => {
    const rows = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM web_sign_ins WHERE identifier = $1 AND outcome = $2', [identifier, outcome]);
    return Number(rows[0]!.n);
  };

  test('demo accounts: three of operators and one of support staff, file mode 0600, reused on a second start', async () => {
    expect([...demo.keys()]).toEqual(['opa1.agent', 'opa1.lecture', 'opb2.agent', 'support.demo']);
    expect(fs.statSync(t.gateway.demoAccountsFile!).mode & 0o777).toBe(0o600);
    for (const password of demo.values()) expect(password.length).toBeGreaterThanOrEqual(16);
    const hashes = await t.db.query<{ password_hash: string }>("SELECT password_hash FROM web_users WHERE identifier = 'opa1.agent'");
    expect(hashes[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // A second start reuses the file and the accounts.
    const before = fs.readFileSync(t.gateway.demoAccountsFile!, 'utf8');
    await ensureDemoAccounts(t.gateway.webAccounts, t.config.dataDir, createLogger('silent'), t.gateway.supportAccounts);
    expect(fs.readFileSync(t.gateway.demoAccountsFile!, 'utf8')).toBe(before);
  });

  test('sign in, accueil with the operator identity, security headers and cookie flags, sign out', async () => {
    const c = client();
    const page = await c.get('/connexion');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toMatch(/<label for="identifiant"[^>]*>Identifiant<\/label>/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');

    const signedIn = await c.signIn('opa1.agent', demo.get('opa1.agent')!);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/accueil');
    const sessionCookie = signedIn.setCookies.find((l) => l.startsWith('__Host-esav_session='))!;
    expect(sessionCookie).toMatch(/; Path=\//);
    expect(sessionCookie).toMatch(/; Secure/);
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; SameSite=Strict/);
    expect(sessionCookie).not.toMatch(/Domain=/i);
    // Only the hash of the id is stored.
    const id = c.cookies.get('__Host-esav_session')!;
    const stored = await t.db.query<{ id_hash: string }>("SELECT id_hash FROM web_sessions WHERE user_identifier = 'opa1.agent' AND revoked_at IS NULL");
    expect(stored.map((r) => r.id_hash)).not.toContain(id);

    const accueil = await c.get('/accueil');
    expect(accueil.status).toBe(200);
    expect(accueil.body).toContain('Opérateur A (démo)');
    expect(accueil.body).toContain('<dd class="col-sm-7" id="code-operateur">OPA1</dd>');
    expect(accueil.body).toContain('10000000900017');
    expect(accueil.body).toContain('Toutes les opérations');
    expect(accueil.body).toContain('Aller au contenu');
    expect(await signInCount('opa1.agent', 'SUCCES')).toBeGreaterThanOrEqual(1);

    const out = await c.post('/deconnexion', { _csrf: csrfOf(accueil.body) });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/connexion?deconnecte=1');
    expect(c.cookies.has('__Host-esav_session')).toBe(false);
    expect((await c.get('/accueil')).location).toBe('/connexion');
    // The old id, replayed, opens nothing.
    const replay = client();
    replay.cookies.set('__Host-esav_session', id);
    expect((await replay.get('/accueil')).status).toBe(303);
    expect(await signInCount('opa1.agent', 'DECONNEXION')).toBe(1);
  });

  test('read-only user sees its profile; wrong password and unknown identifier give the same answer', async () => {
    const c = client();
    expect((await c.signIn('opa1.lecture', demo.get('opa1.lecture')!)).location).toBe('/accueil');
    const accueil = await c.get('/accueil');
    expect(accueil.body).toContain('Signalisation en lecture seule');
    expect(accueil.body).toContain('<li>listerSignalisations</li>');
    expect(accueil.body).not.toContain('<li>deposerSignalisation</li>');

    const wrong = await client().signIn('opa1.lecture', 'pas le bon mot de passe');
    const unknown = await client().signIn('personne.inconnue', 'pas le bon mot de passe');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain('Identifiant ou mot de passe incorrect.');
    expect(unknown.body).toContain('Identifiant ou mot de passe incorrect.');
    expect(await signInCount('personne.inconnue', 'ECHEC')).toBe(1);
    // The typed identifier is sent back escaped.
    const hostile = await client().signIn('<script>alert(1)</script>', 'x');
    expect(hostile.body).not.toContain('<script>alert(1)</script>');
    expect(hostile.body).toContain('&lt;script&gt;');
  });

  test('lockout after N failures (state in PostgreSQL), refused even with the right password, lifted after the delay', async () => {
    await t.gateway.webAccounts.createUser({ identifier: 'opa1.verrou', operatorCode: 'OPA1', profileName: 'TOUT', displayName: 'Verrou', password: 'un-mot-de-passe-solide' });
    const c = client();
    expect((await c.signIn('opa1.verrou', 'mauvais-1')).status).toBe(401);
    expect((await c.signIn('opa1.verrou', 'mauvais-2')).status).toBe(401);
    const third = await c.signIn('opa1.verrou', 'mauvais-3');
    expect(third.status).toBe(423);
    expect(third.body).toContain('verrouillé');
    const [row] = await t.db.query<{ locked_until: Date }>("SELECT locked_until FROM web_users WHERE identifier = 'opa1.verrou'");
    expect(row!.locked_until.getTime()).toBe(clock.now().getTime() + 10 * 60_000);
    const right = await c.signIn('opa1.verrou', 'un-mot-de-passe-solide');
    expect(right.status).toBe(423);
    expect(await signInCount('opa1.verrou', 'VERROUILLAGE')).toBe(1);
    expect(await signInCount('opa1.verrou', 'REFUS_VERROUILLE')).toBe(1);
    clock.advance(10 * 60_000 + 1000);
    expect((await c.signIn('opa1.verrou', 'un-mot-de-passe-solide')).location).toBe('/accueil');
  });

  test('CSRF: a POST without the token (or with another session\'s) is refused with 403 and changes nothing', async () => {
    const c = client();
    await c.signIn('opa1.agent', demo.get('opa1.agent')!);
    const other = client();
    await other.signIn('opa1.agent', demo.get('opa1.agent')!);
    const otherToken = csrfOf((await other.get('/accueil')).body);

    const noToken = await c.post('/deconnexion', {});
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('jeton de sécurité');
    const stolen = await c.post('/deconnexion', { _csrf: otherToken });
    expect(stolen.status).toBe(403);
    expect((await c.get('/accueil')).status).toBe(200);
    // The sign-in form also needs its token (login CSRF).
    const bare = client();
    const login = await bare.post('/connexion', { identifiant: 'opa1.agent', motDePasse: demo.get('opa1.agent')! });
    expect(login.status).toBe(403);
    expect(bare.cookies.has('__Host-esav_session')).toBe(false);
    // Plain text for a client that does not take HTML.
    const text = await c.post('/deconnexion', {}, { accept: 'application/json' });
    expect(text.status).toBe(403);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
  });

  test('sessions: listed, one revoked from another, idle and absolute expiry', async () => {
    const a = client();
    const b = client();
    await a.signIn('opb2.agent', demo.get('opb2.agent')!);
    await b.signIn('opb2.agent', demo.get('opb2.agent')!);
    const compte = await a.get('/compte');
    expect(compte.status).toBe(200);
    const ids = [...compte.body.matchAll(/action="\/compte\/sessions\/([0-9a-f-]{36})\/revoquer"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(2);
    const current = /cette session/.exec(compte.body) ? ids : [];
    expect(current.length).toBe(2);
    // b's session: the one not marked current in a's page.
    const rows = [...compte.body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
    const bId = ids.find((id) => rows.some((r) => r.includes(id) && !r.includes('cette session')))!;
    const revoked = await a.post(`/compte/sessions/${bId}/revoquer`, { _csrf: csrfOf(compte.body) });
    expect(revoked.status).toBe(303);
    expect((await b.get('/accueil')).location).toBe('/connexion');
    expect((await a.get('/accueil')).status).toBe(200);

    // Idle expiry (30 min by default): the business clock moves on.
    clock.advance(31 * 60_000);
    expect((await a.get('/accueil')).location).toBe('/connexion');
    // Absolute expiry: used every 20 minutes, over after 12 hours all the same.
    const c = client();
    await c.signIn('opb2.agent', demo.get('opb2.agent')!);
    for (let i = 0; i < 36; i++) {
      clock.advance(20 * 60_000);
      expect((await c.get('/accueil')).status).toBe(200);
    }
    clock.advance(20 * 60_000);
    expect((await c.get('/accueil')).location).toBe('/connexion');
  });

  test('sessions that can no longer be used are purged by a cluster-wide job; sessions in use are kept', async () => {
    expect(t.gateway.scheduler.registered).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'web-sessions-purge', scope: 'cluster' })]));
    const sessionsOf = async (identifier: string) =>
      Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM web_sessions WHERE user_identifier = $1', [identifier]))[0]!.n);
    const idle = client();
    await idle.signIn('opa1.lecture', demo.get('opa1.lecture')!);
    const signedOut = client();
    await signedOut.signIn('opa1.lecture', demo.get('opa1.lecture')!);
    const page = await signedOut.get('/accueil');
    expect((await signedOut.post('/deconnexion', { _csrf: csrfOf(page.body) })).status).toBe(303);
    clock.advance(20 * 60_000);
    const inUse = client();
    await inUse.signIn('opa1.lecture', demo.get('opa1.lecture')!);
    clock.advance(15 * 60_000); // the first session is now idle for 35 minutes, the last one for 15
    expect(await sessionsOf('opa1.lecture')).toBeGreaterThanOrEqual(3);
    expect(await t.gateway.webAccounts.purgeEndedSessions()).toBeGreaterThanOrEqual(2);
    expect(await sessionsOf('opa1.lecture')).toBe(1);
    expect((await inUse.get('/accueil')).status).toBe(200);
    expect((await idle.get('/accueil')).location).toBe('/connexion');
  });

  test("another user's, or another operator's, session cannot be revoked: answered as unknown, nothing changed", async () => {
    const opa = client();
    const opb = client();
    await opa.signIn('opa1.agent', demo.get('opa1.agent')!);
    await opb.signIn('opb2.agent', demo.get('opb2.agent')!);
    const opbPage = await opb.get('/compte');
    const opbId = /action="\/compte\/sessions\/([0-9a-f-]{36})\/revoquer"/.exec(opbPage.body)![1]!;
    const opaPage = await opa.get('/compte');
    const attempt = await opa.post(`/compte/sessions/${opbId}/revoquer`, { _csrf: csrfOf(opaPage.body) });
    expect(attempt.status).toBe(404);
    expect(attempt.body).toContain('Session inconnue');
    expect((await opb.get('/accueil')).status).toBe(200);
    // OPA1's pages show OPA1 only.
    const accueil = await opa.get('/accueil');
    expect(accueil.body).not.toContain('Opérateur B');
  });

  test('TOTP: an operator requires it, the user enrols at sign-in, a code is never accepted twice', async () => {
    await t.gateway.webAccounts.createUser({ identifier: 'opb2.totp', operatorCode: 'OPB2', profileName: 'TOUT', displayName: 'TOTP', password: 'un-autre-mot-de-passe' });
    await t.gateway.webAccounts.requireTotp('OPB2', true);
    try {
      const c = client();
      const first = await c.signIn('opb2.totp', 'un-autre-mot-de-passe');
      expect(first.location).toBe('/connexion/totp');
      // Not signed in yet.
      expect((await c.get('/accueil')).location).toBe('/connexion');
      const step = await c.get('/connexion/totp');
      const secret = /<code id="cle-totp" class="fs-5">([A-Z2-7]+)<\/code>/.exec(step.body)![1]!;
      const wrong = await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code: '000000' === OtpAuthTotp.codeAt(secret, clock.now()) ? '111111' : '000000' });
      expect(wrong.status).toBe(401);
      const code = OtpAuthTotp.codeAt(secret, clock.now());
      const ok = await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code });
      expect(ok.location).toBe('/accueil');
      expect((await c.get('/accueil')).body).toContain('Second facteur : activé');
      const [row] = await t.db.query<{ totp_secret: string }>("SELECT totp_secret FROM web_users WHERE identifier = 'opb2.totp'");
      expect(row!.totp_secret).toBe(secret);

      // Same code again (same 30 s step) on a new sign-in: refused (replay).
      const d = client();
      await d.signIn('opb2.totp', 'un-autre-mot-de-passe');
      const again = await d.get('/connexion/totp');
      expect(again.body).not.toContain('cle-totp');
      expect((await d.post('/connexion/totp', { _csrf: csrfOf(again.body), code })).status).toBe(401);
      clock.advance(30_000);
      expect((await d.post('/connexion/totp', { _csrf: csrfOf(again.body), code: OtpAuthTotp.codeAt(secret, clock.now()) })).location).toBe('/accueil');
      expect(await signInCount('opb2.totp', 'ECHEC_TOTP')).toBe(2);
    } finally {
      await t.gateway.webAccounts.requireTotp('OPB2', false);
    }
  });

  test('throttle per address: failures counted in the database refuse further attempts with 429', async () => {
    // 30 failures from this address in 15 minutes (default): seeded in the audit table, as other
    // processes of the cluster would have written them.
    clock.advance(60 * 60_000);
    for (let i = 0; i < 30; i++) {
      await t.db.query("INSERT INTO web_sign_ins (at, identifier, outcome, remote_address) VALUES ($1, 'x', 'ECHEC', '127.0.0.1')", [clock.now()]);
    }
    const refused = await client().signIn('opa1.agent', demo.get('opa1.agent')!);
    expect(refused.status).toBe(429);
    clock.advance(16 * 60_000);
    expect((await client().signIn('opa1.agent', demo.get('opa1.agent')!)).status).toBe(303);
  });

  test('404 page (HTML or plain text), static assets from this origin, no directory listing of packages', async () => {
    const c = client();
    const html = await c.get('/nulle-part');
    expect(html.status).toBe(404);
    expect(html.body).toContain('Page introuvable');
    const text = await c.get('/nulle-part', { accept: 'text/plain' });
    expect(text.status).toBe(404);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect((await c.get('/static/bootstrap/bootstrap.min.css')).status).toBe(200);
    expect((await c.get('/static/htmx/htmx.min.js')).status).toBe(200);
    expect((await c.get('/static/portail/portail.css')).status).toBe(200);
    expect((await c.get('/static/htmx/htmx.js')).status).toBe(404);
    expect((await c.get('/static/bootstrap/../../package.json')).status).toBe(404);
  });
});
