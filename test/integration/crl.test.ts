// Certificates from recognised CAs revoked by their CA (issue 14 point 4, decision 0019), with a
// real gateway (real PostgreSQL, real mutual TLS) and a CRL served by a local HTTP server: a
// recognised test CA issues an operator certificate whose CRL distribution point is that server;
// the CA and the certificate are registered through the admin API; a SOAP call over mTLS works on
// two gateways sharing the database; the CA revokes it; after the cluster-wide refresh the live
// connections are closed and new handshakes refused on both. Then: a CRL signed by a wrong key is
// rejected and reported; an unreachable source is reported (API, metrics, logs), and the two
// policies (accept: soft-fail, refuse: hard-fail) are compared on one database. The first
// gateway's scheduler runs on a clock the test moves (`scheduler.runDue()`); the other gateways'
// refresh every second, and the test waits for what they do, never for a time.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { SettableClock } from '../../src/domain/clock.js';
import { startGateway, type RunningGateway } from '../../src/composition/gateway.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startSecondGateway } from '../support/operations.js';
import { waitFor } from '../support/line-tests.js';
import { makeCertificate, makeRoot, type TestCertificate } from '../support/operator-pki.js';
import { CrlServer, makeCrl } from '../support/crl.js';
import { describeWithPostgres } from '../support/postgres.js';
import { runProcess, shellEnv } from '../support/spawn.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

const describeDb = await describeWithPostgres();
const AGENT = 'Claire Dubois (support N2)';
const HOUR = 3600_000;
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');

const catalogueRequest = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>';

interface Answer {
  status: number;
  socket: Socket;
}

describeDb('CRLs of recognised CAs: revocation by the CA, unreachable sources, policies (real gateways, local CRL server)', () => {
  let t: TestGateway;
  const clock = new SettableClock(new Date());
  const crlServer = new CrlServer();
  const root = makeRoot('AC Partenaire LCR');
  let certificate: TestCertificate;
  let serial: string;
  let caPem: Buffer;
  const agents: https.Agent[] = [];
  const others: Array<{ close(): Promise<void> }> = [];

  function agentFor(credentials: TestCertificate, keepAlive: boolean): https.Agent {
    const agent = new https.Agent({ keepAlive, maxSockets: 1, ca: caPem, key: credentials.keyPem, cert: credentials.certPem, checkServerIdentity: () => undefined });
    agents.push(agent);
    return agent;
  }

  function soap(url: string, agent: https.Agent, code = 'OPA1'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = https.request(`${url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, socket: request.socket as Socket }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(catalogueRequest(code));
    });
  }

  /** A new connection with the certificate: its status, or 'refused' when the handshake is refused. */
  async function fresh(url: string, credentials: TestCertificate): Promise<number | 'refused'> {
    try {
      return (await soap(url, agentFor(credentials, false))).status;
    } catch {
      return 'refused';
    }
  }

  const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  const sourceOf = (body: { sources: Array<{ url: string }> }, url: string) => body.sources.find((s) => s.url === url) as any;

  /** Another gateway on the same database, with its own environment (policy…) and scheduler clock. */
  async function startOther(env: Record<string, string>, schedulerClock?: SettableClock): Promise<{ gateway: RunningGateway; url: string; adminUrl: string; logs: string[] }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-test-crl-'));
    const logs: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)), done()) });
    const config = { ...t.config, port: 0, adminPort: 0, dataDir, adminToken: t.adminToken, crl: { ...t.config.crl, ...env } } as typeof t.config;
    const gateway = await startGateway(config, { clock: t.clock, logger: createLogger('info', sink), ...(schedulerClock ? { schedulerClock } : {}) });
    others.push({
      async close() {
        await gateway.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    });
    return { gateway, url: gateway.url.replace('localhost', '127.0.0.1'), adminUrl: gateway.adminUrl.replace('localhost', '127.0.0.1'), logs };
  }

  async function adminAt(adminUrl: string, urlPath: string): Promise<any> {
    const response = await fetch(`${adminUrl}${urlPath}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    return response.json();
  }

  beforeAll(async () => {
    await crlServer.start();
    crlServer.body = await makeCrl(root);
    certificate = makeCertificate(root, { commonName: 'OPA1 client externe', crlUrls: [crlServer.url] });
    serial = new X509Certificate(certificate.certPem).serialNumber.toLowerCase();
    t = await startTestGateway({ env: { ESAV_TRUST_REFRESH_SECONDS: '1', ESAV_CRL_REFRESH_SECONDS: '3600' }, schedulerClock: clock });
    caPem = Buffer.from(t.gateway.devPki!.ca.certPem);
  }, 240_000);
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    for (const other of others.reverse()) await other.close();
    await t?.close();
    await crlServer.stop();
  });

  test('the CA revokes a registered certificate: live connections closed and handshakes refused on every gateway; a CRL signed by a wrong key is rejected', async () => {
    expect((await t.admin('POST', '/admin/autorites', { agent: AGENT, pem: root.certPem })).status).toBe(201);
    const registered = await t.admin('POST', '/admin/certificats/enregistrement', { agent: AGENT, operateur: 'OPA1', profil: 'TOUT', pem: certificate.certPem });
    expect(registered.status).toBe(201);
    expect(registered.body.certificat.origine).toBe('AC_RECONNUE');
    const fingerprint: string = registered.body.certificat.empreinte;
    // Fetched at registration.
    expect(crlServer.requests).toBe(1);
    const listed = await t.admin('GET', '/admin/crl');
    expect(listed.status).toBe(200);
    expect(listed.body.politique).toBe('accept');
    expect(sourceOf(listed.body, crlServer.url)).toMatchObject({
      etat: 'A_JOUR',
      emetteur: 'CN=AC Partenaire LCR, O=AC Externe Test',
      seriesRevoquees: 0,
      derniereErreur: null,
      certificats: [{ empreinte: fingerprint, operateur: 'OPA1', numeroSerie: serial.replace(/^0+/, ''), etat: 'ACCEPTE' }],
    });
    expect(sourceOf(listed.body, crlServer.url).dernierSucces).not.toBeNull();
    expect(sourceOf(listed.body, crlServer.url).prochaineTentative).not.toBeNull();

    // A second gateway process on the same database; a keep-alive connection on each.
    const second = await startSecondGateway(t, t.clock);
    others.push(second);
    const onFirst = await soap(t.url, agentFor(certificate, true));
    const onSecond = await soap(second.url, agentFor(certificate, true));
    expect([onFirst.status, onSecond.status]).toEqual([200, 200]);

    // The CA revokes it; the cluster-wide job of the next period fetches the new CRL.
    crlServer.body = await makeCrl(root, { revoked: [serial] });
    clock.advance(HOUR);
    // The job's claim is 'busy' while the second process is checking its own period of the same
    // job (one advisory lock per job): the scheduler retries a second later on its clock.
    await waitFor('the next period’s CRL fetched', async () => {
      await t.gateway.scheduler.runDue();
      if (crlServer.requests >= 2) return true;
      clock.advance(1000);
      return undefined;
    });
    await closed(onFirst.socket);
    expect(await fresh(t.url, certificate)).toBe('refused');
    expect(t.logs.some((l) => l.includes('client certificate revoked by its CA (CRL)'))).toBe(true);
    // The other process applies it at its own trust refresh.
    await closed(onSecond.socket);
    await waitFor('the second gateway refuses the revoked certificate', async () => ((await fresh(second.url, certificate)) === 'refused' ? true : undefined));
    const revoked = sourceOf((await t.admin('GET', '/admin/crl')).body, crlServer.url);
    expect(revoked).toMatchObject({ etat: 'A_JOUR', seriesRevoquees: 1, certificats: [{ empreinte: fingerprint, etat: 'REVOQUE' }] });
    // Other certificates still work (the demo one of OPA1).
    expect((await soap(t.url, new https.Agent({ ...t.tlsFor('OPA1'), checkServerIdentity: () => undefined }))).status).toBe(200);

    // A CRL with the CA's name signed by another key: rejected, reported, the cached one kept.
    const impostor = makeRoot('AC Imposteur');
    crlServer.body = await makeCrl(root, { signingKeyPem: impostor.keyPem });
    const refreshed = await t.admin('POST', '/admin/crl/rafraichissement', { agent: AGENT });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.resultats).toEqual([{ url: crlServer.url, ok: false, erreur: expect.stringMatching(/signature invalide/), seriesRevoquees: null }]);
    expect(sourceOf(refreshed.body, crlServer.url)).toMatchObject({ etat: 'ECHEC', seriesRevoquees: 1, derniereErreur: expect.stringMatching(/signature invalide/) });
    expect(await fresh(t.url, certificate)).toBe('refused');
    // A CRL of a CA that is not recognised: rejected too.
    crlServer.body = await makeCrl(impostor);
    const foreign = await t.admin('POST', '/admin/crl/rafraichissement', { agent: AGENT });
    expect(foreign.body.resultats[0].erreur).toMatch(/« CN=AC Imposteur, O=AC Externe Test » n’est pas une AC reconnue/);
    // Audited with the support staff name.
    const audit = (await t.admin('GET', '/admin/audit?limite=10')).body.evenements.filter((e: { action: string }) => e.action === 'LCR_RAFRAICHIES');
    expect(audit[0]).toMatchObject({ agent: AGENT, details: { sources: [{ url: crlServer.url, ok: false }] } });
    // Bad input: 400 naming the field.
    const bad = await t.admin('POST', '/admin/crl/rafraichissement', {});
    expect(bad).toMatchObject({ status: 400, body: { erreur: 'requête invalide : corps : champ agent obligatoire' } });
  });

  test('an unreachable or stale source is reported; accept keeps certificates not known revoked, refuse refuses them', async () => {
    // A second certificate of the same CA whose only distribution point never answers.
    const deadUrl = `http://127.0.0.1:${crlServer.port}/absente.crl`;
    const orphan = makeCertificate(root, { commonName: 'OPA1 client sans LCR', crlUrls: [deadUrl] });
    const registered = await t.admin('POST', '/admin/certificats/enregistrement', { agent: AGENT, operateur: 'OPA1', profil: 'TOUT', pem: orphan.certPem });
    expect(registered.status).toBe(201);
    expect(registered.body.avertissements).toContainEqual(expect.stringMatching(/^LCR http:\/\/127\.0\.0\.1:\d+\/absente\.crl non obtenue : source en erreur : HTTP 404 \(politique accept/));
    // A third one on the CA's main distribution point, not revoked.
    const valid = makeCertificate(root, { commonName: 'OPA1 client valide', crlUrls: [crlServer.url] });
    expect((await t.admin('POST', '/admin/certificats/enregistrement', { agent: AGENT, operateur: 'OPA1', profil: 'TOUT', pem: valid.certPem })).status).toBe(201);
    expect(await fresh(t.url, valid)).toBe(200);
    // The CRL server stops: the next refresh fails for every source.
    crlServer.body = await makeCrl(root, { revoked: [new X509Certificate(certificate.certPem).serialNumber] });
    await crlServer.stop();
    const refreshed = await t.admin('POST', '/admin/crl/rafraichissement', { agent: AGENT });
    expect(refreshed.body.resultats.every((r: { ok: boolean; erreur: string }) => !r.ok && /source injoignable/.test(r.erreur))).toBe(true);
    const main = sourceOf(refreshed.body, crlServer.url);
    // Soft-fail: the last valid CRL stays in use (the revoked certificate stays refused).
    expect(main).toMatchObject({ etat: 'ECHEC', seriesRevoquees: 1, derniereErreur: expect.stringMatching(/source injoignable/) });
    expect(sourceOf(refreshed.body, deadUrl)).toMatchObject({ etat: 'INDISPONIBLE', dernierSucces: null, certificats: [{ etat: 'LCR_INDISPONIBLE_ACCEPTE' }] });
    expect(t.logs.some((l) => l.includes('"msg":"CRL source unavailable"'))).toBe(true);
    // Policy accept (default): the certificate without CRL works.
    expect(await fresh(t.url, orphan)).toBe(200);
    expect(await fresh(t.url, valid)).toBe(200);
    expect(await fresh(t.url, certificate)).toBe('refused');

    // The cached CRL gets past its nextUpdate (one day): PERIMEE, in the API and the metrics.
    clock.advance(25 * HOUR);
    expect(sourceOf((await t.admin('GET', '/admin/crl')).body, crlServer.url).etat).toBe('PERIMEE');
    const metrics = await fetch(`${t.adminUrl}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } }).then((r) => r.text());
    expect(metrics).toMatch(/^esav_crl_sources\{state="PERIMEE"\} 1$/m);
    expect(metrics).toMatch(/^esav_crl_sources\{state="INDISPONIBLE"\} 1$/m);
    expect(metrics).toMatch(/^esav_crl_sources\{state="A_JOUR"\} 0$/m);

    // Policy accept: still accepted with a stale CRL (after this process's trust refresh).
    await t.gateway.scheduler.runDue();
    expect(await fresh(t.url, valid)).toBe(200);
    expect(await fresh(t.url, orphan)).toBe(200);

    // Policy refuse, in another gateway process on the same database: refused at once (at start).
    const strict = await startOther({ unavailablePolicy: 'refuse' }, clock);
    expect(await fresh(strict.url, orphan)).toBe('refused');
    expect(await fresh(strict.url, valid)).toBe('refused');
    expect(await fresh(strict.url, certificate)).toBe('refused');
    const strictView = await adminAt(strict.adminUrl, '/admin/crl');
    expect(strictView.politique).toBe('refuse');
    expect(sourceOf(strictView, deadUrl).certificats).toEqual([expect.objectContaining({ etat: 'LCR_INDISPONIBLE_REFUSE' })]);
    expect(strict.logs.some((l) => l.includes('client certificate refused: no current CRL (policy refuse)'))).toBe(true);
    // The accepting gateway still accepts them.
    expect(await fresh(t.url, orphan)).toBe(200);
    expect(await fresh(t.url, valid)).toBe(200);

    // The source is back with a current CRL: the refusing process accepts the valid certificate
    // again at its next trust refresh; the one without any CRL stays refused there.
    await crlServer.start(crlServer.port);
    crlServer.body = await makeCrl(root, { revoked: [serial], nextUpdate: new Date(clock.now().getTime() + 48 * HOUR) });
    const back = await t.admin('POST', '/admin/crl/rafraichissement', { agent: AGENT });
    expect(sourceOf(back.body, crlServer.url)).toMatchObject({ etat: 'A_JOUR', derniereErreur: expect.stringMatching(/source injoignable/) });
    clock.advance(2000);
    await strict.gateway.scheduler.runDue();
    expect(await fresh(strict.url, valid)).toBe(200);
    expect(await fresh(strict.url, orphan)).toBe('refused');
    expect(await fresh(strict.url, certificate)).toBe('refused');
  });

  test('the command line: crl lister, crl rafraichir (audited with --agent or ESAV_AGENT)', async () => {
    const env = shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']);
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], { ...env, ...extra });
    const list = await cli(['crl', 'lister']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^politique si LCR indisponible : accept · rafraîchissement toutes les 3600 s\n/);
    expect(list.stdout).toMatch(/ÉTAT\s+DERNIER SUCCÈS\s+PROCHAINE MAJ\s+PROCHAINE TENTATIVE\s+RÉVOQUÉS\s+CERTIFICATS\/REFUSÉS\s+URL/);
    expect(list.stdout).toMatch(new RegExp(`A_JOUR .*\\s1\\s+2/1\\s+${crlServer.url.replace(/[.]/g, '\\.')}`));
    expect(list.stdout).toMatch(/\nINDISPONIBLE .*\s0\s+1\/0\s+http:\/\/127\.0\.0\.1:\d+\/absente\.crl\n/);
    expect(list.stdout).toMatch(/\nerreurs :\n  http:\/\/127\.0\.0\.1:\d+\/absente\.crl : source en erreur : HTTP 404 \(/);
    const json = JSON.parse((await cli(['--json', 'crl', 'lister'])).stdout);
    expect(json.sources).toHaveLength(2);

    const noAgent = await cli(['crl', 'rafraichir']);
    expect(noAgent.code).toBe(2);
    expect(noAgent.stderr).toMatch(/nom de l’agent du support requis/);
    const refreshed = await cli(['crl', 'rafraichir'], { ESAV_AGENT: 'Agent CLI' });
    expect(refreshed).toMatchObject({ code: 0, stderr: '' });
    expect(refreshed.stdout).toMatch(/^LCR rafraîchies : 1\/2 obtenue\(s\), connexions fermées : 0\n/);
    expect(refreshed.stdout).toMatch(/  ÉCHEC   http:\/\/127\.0\.0\.1:\d+\/absente\.crl : source en erreur : HTTP 404/);
    const audit = (await t.admin('GET', '/admin/audit?limite=5')).body.evenements;
    expect(audit[0]).toMatchObject({ agent: 'Agent CLI', action: 'LCR_RAFRAICHIES' });
  });
});
