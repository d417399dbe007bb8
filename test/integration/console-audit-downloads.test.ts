// Issue 14, console defects: (1) a ticket's move and comment, from the console or the admin API,
// are written to the audit log under the support staff member (the ticket's history keeps SAV);
// (2) the console's one-time PKCS#12 download lives in PostgreSQL: issued on one gateway process,
// downloaded once from another, only by the same staff member's session, 410 afterwards or after
// expiry, and the row is gone. Two real gateways on one database, real HTTPS portal clients.
import { createHash } from 'node:crypto';
import { SettableClock } from '../../src/domain/clock.js';
import { buildConsoleDownloads } from '../../src/composition/web-portal.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startSecondGateway } from '../support/operations.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

interface AuditRow {
  actor: string;
  action: string;
  operator_code: string | null;
  details: Record<string, unknown>;
}

describeDb('support console: audited ticket changes, one-time downloads across processes', () => {
  let t: TestGateway;
  let second: Awaited<ReturnType<typeof startSecondGateway>>;
  let secondCa: string;
  let password: string;
  let secret: string;
  const clients: PortalClient[] = [];
  const clock = new SettableClock('2026-03-10T09:00:00Z');

  const client = (baseUrl: string, ca: string) => {
    const c = new PortalClient(baseUrl, ca);
    clients.push(c);
    return c;
  };

  /** A new signed-in session of support.demo on the first gateway's portal (second factor included). */
  async function supportSession(): Promise<PortalClient> {
    const c = client(t.webUrl, t.webCa);
    await c.signIn('support.demo', password);
    const step = await c.get('/connexion/totp');
    const enrolled = /<code id="cle-totp" class="fs-5">([A-Z2-7]+)<\/code>/.exec(step.body)?.[1];
    if (enrolled) secret = enrolled;
    clock.advance(31_000);
    const done = await c.post('/connexion/totp', { _csrf: csrfOf(step.body), code: OtpAuthTotp.codeAt(secret, clock.now()) });
    expect(done.location).toBe('/console');
    return c;
  }

  /** The same session (its cookies) on the second gateway's portal. */
  function onSecond(c: PortalClient): PortalClient {
    const other = client(second.gateway.webUrl.replace('localhost', '127.0.0.1'), secondCa);
    for (const [name, value] of c.cookies) other.cookies.set(name, value);
    return other;
  }

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    // Started before anyone signs in: its demo data writes support.demo's password afresh.
    second = await startSecondGateway(t, clock);
    secondCa = second.gateway.devPki?.ca.certPem ?? t.webCa;
    password = readDemoAccounts(second.gateway.demoAccountsFile!).get('support.demo')!;
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await second?.close();
    await t?.close();
  });

  async function deposit(): Promise<string> {
    const opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    return ack.referenceSignalisation as string;
  }

  const auditOf = (reference: string) =>
    t.db.query<AuditRow>("SELECT actor, action, operator_code, details FROM audit_log WHERE details->>'reference' = $1 ORDER BY id", [reference]);

  test('a move and a comment from the console are audited under the staff member; the history says SAV', async () => {
    const c = await supportSession();
    const reference = await deposit();
    const page = await c.get(`/console/signalisations/${reference}`);
    expect(page.status).toBe(200);
    const moved = await c.post(`/console/signalisations/${reference}/transition`, { _csrf: csrfOf(page.body), etat: 'EN_QUALIFICATION', motif: 'Recevable' });
    expect(moved.status).toBe(200);
    expect(moved.body).toContain('État passé à EN_QUALIFICATION.');
    const commented = await c.post(`/console/signalisations/${reference}/commentaire`, { _csrf: csrfOf(page.body), texte: 'Technicien sur site demain à 14h' });
    expect(commented.body).toContain('Commentaire ajouté.');
    // A refused move changes nothing and audits nothing.
    const refused = await c.post(`/console/signalisations/${reference}/transition`, { _csrf: csrfOf(page.body), etat: 'VALIDE' });
    expect(refused.status).toBe(409);

    expect(await auditOf(reference)).toEqual([
      { actor: 'support.demo', action: 'SIGNALISATION_ETAT_MODIFIE', operator_code: 'OPA1', details: { reference, de: 'EN_DEPOT', vers: 'EN_QUALIFICATION', motif: 'Recevable' } },
      // The comment's length only: its text (possibly personal data) stays in the ticket.
      { actor: 'support.demo', action: 'SIGNALISATION_COMMENTEE', operator_code: 'OPA1', details: { reference, longueur: 'Technicien sur site demain à 14h'.length } },
    ]);
    const detail = (await t.admin('GET', `/admin/signalisations/${reference}`)).body;
    expect(detail.historique.at(-1)).toMatchObject({ de: 'EN_DEPOT', vers: 'EN_QUALIFICATION', acteur: 'SAV' });
    expect(detail.commentaires).toEqual([expect.objectContaining({ auteur: 'SAV', texte: 'Technicien sur site demain à 14h' })]);
    // The console's audit page shows them too.
    const auditPage = await c.get('/console/audit?operateur=OPA1');
    expect(auditPage.body).toMatch(/<td>support\.demo<\/td><td>SIGNALISATION_ETAT_MODIFIE<\/td>/);
    expect(auditPage.body).toMatch(/<td>support\.demo<\/td><td>SIGNALISATION_COMMENTEE<\/td>/);
  });

  test('admin API: agent required on moves and comments (400, nothing changed), then audited with it', async () => {
    const reference = await deposit();
    const noAgent = await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { etat: 'EN_QUALIFICATION' });
    expect(noAgent).toMatchObject({ status: 400, body: { erreur: expect.stringMatching(/champ agent obligatoire/) } });
    const blank = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: '  ', texte: 'Bonjour' });
    expect(blank.status).toBe(400);
    expect(blank.body.erreur).toMatch(/agent/);
    const detail = (await t.admin('GET', `/admin/signalisations/${reference}`)).body;
    expect(detail).toMatchObject({ etat: 'EN_DEPOT', commentaires: [] });

    expect((await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: 'M. Martin', etat: 'EN_REJET', motif: 'Hors périmètre' })).status).toBe(200);
    expect((await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: 'Mme Durand', texte: 'Voir le contrat' })).status).toBe(200);
    const events = (await t.admin('GET', '/admin/audit?operateur=OPA1&limite=1000')).body.evenements as { agent: string; action: string; details: Record<string, unknown> }[];
    const mine = events.filter((e) => e.details.reference === reference).map((e) => [e.agent, e.action, e.details]);
    expect(mine).toEqual([
      ['Mme Durand', 'SIGNALISATION_COMMENTEE', { reference, longueur: 15 }],
      ['M. Martin', 'SIGNALISATION_ETAT_MODIFIE', { reference, de: 'EN_DEPOT', vers: 'EN_REJET', motif: 'Hors périmètre' }],
    ]);
  });

  /** Issues a generated PKCS#12 through the console of `c`; returns the download link. */
  async function issuePkcs12(c: PortalClient): Promise<string> {
    const page = await c.get('/console/certificats');
    const issued = await c.post('/console/certificats/emission', { _csrf: csrfOf(page.body), operateur: 'OPB2', profil: 'TOUT', mode: 'pkcs12' });
    expect(issued.status).toBe(201);
    return /href="(\/console\/telechargements\/[A-Za-z0-9_-]+)"/.exec(issued.body)![1]!;
  }

  /** Whether the link's row is still in console_downloads (found by the SHA-256 of its handle). */
  const stored = async (link: string) => {
    const hash = createHash('sha256').update(link.split('/').at(-1)!, 'utf8').digest('hex');
    return (await t.db.query('SELECT 1 FROM console_downloads WHERE id_hash = $1', [hash])).length === 1;
  };

  test('a PKCS#12 issued on one process is downloaded once from another, then 410 everywhere; the row is gone', async () => {
    const c = await supportSession();
    const link = await issuePkcs12(c);
    expect(await stored(link)).toBe(true);
    const rows = await t.db.query<{ staff_identifier: string; id_hash: string }>('SELECT staff_identifier, id_hash FROM console_downloads');
    expect(rows.map((r) => r.staff_identifier)).toEqual(['support.demo']);
    // Only the handle's hash is stored.
    expect(link).not.toContain(rows[0]!.id_hash);

    // Another session of the same staff member (first process) does not get it, and does not spend it.
    const otherSession = await supportSession();
    expect((await otherSession.get(link)).status).toBe(410);
    expect(await stored(link)).toBe(true);

    const elsewhere = onSecond(c);
    const first = await elsewhere.get(link);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/x-pkcs12');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['content-disposition']).toMatch(/^attachment; filename="OPB2-[0-9A-F]{16}\.p12"$/i);
    expect(await stored(link)).toBe(false);
    const again = await c.get(link);
    expect(again.status).toBe(410);
    expect(again.body).toContain('déjà été téléchargé ou a expiré');
    expect((await elsewhere.get(link)).status).toBe(410);
  });

  test('after 10 minutes the link answers 410 and the purge job deletes the row', async () => {
    const c = await supportSession();
    const link = await issuePkcs12(c);
    clock.advance(10 * 60_000 + 1_000);
    expect((await onSecond(c).get(link)).status).toBe(410);
    expect((await c.get(link)).status).toBe(410);
    // What the cluster job console-downloads-purge runs.
    expect(await buildConsoleDownloads(t.db, clock).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await stored(link)).toBe(false);
    expect(t.gateway.scheduler.registered).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'console-downloads-purge', scope: 'cluster' })]));
  });
});
