// The operator's life cycle on a gateway without demo data (issue 14), as support staff run it
// through the admin API: onboard an operator from its order form, create a profile, issue a
// certificate from the operator's CSR, call SOAP with it over a keep-alive mTLS connection, sign
// in to the portal with one of its users; suspend: the open connection is closed and a new
// handshake refused, the portal session ends and sign-in is refused; its data stays readable by
// support staff; reactivate: access restored. Termination: refused before the two months' notice,
// accepted after, effective on its day (the business clock moved; the trust refresh applies it).
import https from 'node:https';
import type { Socket } from 'node:net';
import { SettableClock } from '../../src/domain/clock.js';
import { enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { makeCsr } from '../support/operator-pki.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();
const AGENT = 'Alice Martin (support N2)';
const CODE = 'OPL1';

const catalogueRequest = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>';

interface SoapAnswer {
  status: number;
  body: string;
  socket: Socket;
}

describeDb('operator life cycle without demo data (real PostgreSQL, real mTLS, real portal)', () => {
  let t: TestGateway;
  let caPem: string;
  let credentials: { key: string; cert: string };
  let portalPassword: string;
  const agents: https.Agent[] = [];
  const portals: PortalClient[] = [];
  // Monday 7 December 2026, 10:00 Paris.
  const clock = new SettableClock('2026-12-07T09:00:00Z');

  const keepAlive = () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: caPem, ...credentials, checkServerIdentity: () => undefined });
    agents.push(agent);
    return agent;
  };
  const portal = () => {
    const c = new PortalClient(t.webUrl, t.webCa);
    portals.push(c);
    return c;
  };

  function soap(agent: https.Agent): Promise<SoapAnswer> {
    return new Promise((resolve, reject) => {
      const request = https.request(`${t.url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: request.socket as Socket }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(catalogueRequest(CODE));
    });
  }
  const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  /** A new connection with the operator's certificate: refused at the handshake (reset/closed, no HTTP answer). */
  const refusedOnNewConnection = async () => {
    const agent = keepAlive();
    await expect(soap(agent)).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE|disconnected|alert/i);
  };
  const operator = async () => (await t.admin('GET', `/admin/operateurs/${CODE}`)).body;

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_DEMO_DATA: 'off', ESAV_TRUST_REFRESH_SECONDS: '1' } });
    caPem = t.gateway.devPki!.ca.certPem;
  }, 240_000);
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    for (const c of portals) await c.close();
    await t?.close();
  });

  test('demo data off: onboard, create a profile, issue a certificate with it: the SOAP call works', async () => {
    expect((await t.admin('GET', '/admin/profils')).body.profils).toEqual([]);
    const onboarded = await t.admin('POST', '/admin/operateurs', {
      agent: AGENT,
      codeOperateur: CODE,
      referenceContrat: 'CG2026-0777-ESAV',
      numeroAffaire: 'AFF-2026-777',
      raisonSociale: 'Lumière Fibre SAS',
      siret: '73282932000074',
      representant: 'Jeanne Dupont',
      telephone: '01 23 45 67 89',
      email: 'direction@lumiere-fibre.example',
      adresse: ['1 rue de la Fibre', '75002 Paris'],
      acces: 'INTEGRE',
    });
    expect(onboarded.status).toBe(201);
    expect(onboarded.body).toMatchObject({ code: CODE, etat: 'ACTIF', suspension: null, resiliation: null });

    // Refused while no such profile exists.
    const { csrPem, keyPem } = makeCsr(`${CODE} poste 1`);
    const early = await t.admin('POST', '/admin/certificats/emission', { agent: AGENT, operateur: CODE, profil: 'CATALOGUE', csr: csrPem });
    expect(early.status).toBe(400);
    expect(early.body.erreur).toContain('profil CATALOGUE inconnu');

    const profile = await t.admin('POST', '/admin/profils', { agent: AGENT, nom: 'CATALOGUE', libelle: 'Catalogue et suivi', operations: ['consulterCatalogue', 'listerSignalisations'] });
    expect(profile.status).toBe(201);
    const issued = await t.admin('POST', '/admin/certificats/emission', { agent: AGENT, operateur: CODE, profil: 'CATALOGUE', csr: csrPem });
    expect(issued.status).toBe(201);
    credentials = { key: keyPem, cert: issued.body.certificat.pem };

    const answer = await soap(keepAlive());
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('consulterCatalogueReponse');

    const user = await t.admin('POST', '/admin/portail/utilisateurs', { agent: AGENT, operateur: CODE, identifiant: 'opl1.dupont', nom: 'Jeanne Dupont', profil: 'CATALOGUE' });
    expect(user.status).toBe(201);
    portalPassword = user.body.motDePasse;
  });

  test('suspension cuts the live mTLS connection and the portal session; data stays readable; reactivation restores access', async () => {
    const agent = keepAlive();
    const first = await soap(agent);
    expect(first.status).toBe(200);
    const socket = first.socket;
    expect(socket.destroyed).toBe(false);

    const browser = portal();
    expect((await browser.signIn('opl1.dupont', portalPassword)).location).toBe('/accueil');
    expect((await browser.get('/accueil')).status).toBe(200);

    // A reason is required: 400 naming it, nothing changes.
    const noReason = await t.admin('POST', `/admin/operateurs/${CODE}/suspension`, { agent: AGENT });
    expect(noReason.status).toBe(400);
    expect(noReason.body.erreur).toContain('motif');
    expect((await operator()).etat).toBe('ACTIF');

    const suspended = await t.admin('POST', `/admin/operateurs/${CODE}/suspension`, { agent: AGENT, motif: 'Impayés de novembre' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.connexionsFermees).toBeGreaterThanOrEqual(1);
    expect(suspended.body.sessionsFermees).toBe(1);
    expect(suspended.body.operateur).toMatchObject({ code: CODE, etat: 'SUSPENDU', suspension: { par: AGENT, motif: 'Impayés de novembre' } });
    await closed(socket);
    expect(socket.destroyed).toBe(true);
    await refusedOnNewConnection();

    // The portal: the next page sends back to sign-in, and sign-in is refused (with the reason, to who knows the password).
    expect((await browser.get('/accueil')).location).toBe('/connexion');
    const refused = await portal().signIn('opl1.dupont', portalPassword);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('suspendu ou résilié');
    expect((await portal().signIn('opl1.dupont', 'mauvais-mot-de-passe')).status).toBe(401);

    // Twice: refused, nothing changes.
    const again = await t.admin('POST', `/admin/operateurs/${CODE}/suspension`, { agent: AGENT, motif: 'encore' });
    expect(again.status).toBe(409);

    // Its data stays readable by support staff.
    const detail = await operator();
    expect(detail).toMatchObject({ etat: 'SUSPENDU', raisonSociale: 'Lumière Fibre SAS' });
    expect(detail.certificats).toHaveLength(1);
    expect((await t.admin('GET', `/admin/certificats?operateur=${CODE}`)).body.certificats).toHaveLength(1);
    const tickets = await t.admin('GET', `/admin/signalisations?operateur=${CODE}`);
    expect(tickets.status).toBe(200);
    expect((await t.admin('GET', '/admin/operateurs')).body.operateurs.find((o: { code: string }) => o.code === CODE).etat).toBe('SUSPENDU');
    expect((await t.admin('GET', `/admin/portail/utilisateurs?operateur=${CODE}`)).status).toBe(200);

    const reactivated = await t.admin('POST', `/admin/operateurs/${CODE}/reactivation`, { agent: AGENT, motif: 'Régularisé' });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.operateur).toMatchObject({ etat: 'ACTIF', suspension: null });
    expect((await soap(keepAlive())).status).toBe(200);
    expect((await portal().signIn('opl1.dupont', portalPassword)).location).toBe('/accueil');
    // The session revoked at the suspension stays ended.
    expect((await browser.get('/accueil')).location).toBe('/connexion');
    expect((await t.admin('POST', `/admin/operateurs/${CODE}/reactivation`, { agent: AGENT })).status).toBe(409);

    const audit = (await t.admin('GET', `/admin/audit?operateur=${CODE}`)).body.evenements;
    const actions = audit.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 2)).toEqual(['OPERATEUR_REACTIVE', 'OPERATEUR_SUSPENDU']);
    expect(audit[1]).toMatchObject({ agent: AGENT, details: { motif: 'Impayés de novembre', sessionsPortailFermees: 1 } });
  });

  test('termination: refused before the two months’ notice (rule named), accepted after, effective on its day', async () => {
    const tooEarly = await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-02-06' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.erreur).toContain('préavis de résiliation de deux mois');
    expect(tooEarly.body.erreur).toContain('2027-02-07');
    expect((await operator()).resiliation).toBeNull();

    // Bad input: 400 naming the field, nothing changes.
    const badDay = await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-02-30' });
    expect(badDay.status).toBe(400);
    expect(badDay.body.erreur).toContain('date');
    const future = await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-06-01', notifieeLe: '2026-12-08' });
    expect(future.status).toBe(400);
    expect(future.body.erreur).toContain('notifieeLe');
    const unknownField = await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-03-01', preavis: 1 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.erreur).toContain('preavis');
    expect((await operator()).resiliation).toBeNull();

    // Notified on 1 December: 1 February is the earliest day.
    const accepted = await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-02-01', notifieeLe: '2026-12-01', motif: 'Fin de contrat' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.operateur).toMatchObject({
      etat: 'ACTIF',
      resiliation: { date: '2027-02-01', notifieeLe: '2026-12-01', enregistreePar: AGENT, motif: 'Fin de contrat', effectiveLe: '2027-01-31T23:00:00.000Z' },
    });

    // Still working before its day (five minutes before).
    clock.set('2027-01-31T22:55:00Z');
    const live = await soap(keepAlive());
    expect(live.status).toBe(200);
    const browser = portal();
    expect((await browser.signIn('opl1.dupont', portalPassword)).location).toBe('/accueil');

    // Its day comes (business clock): the portal refuses at once, the trust refresh closes the connection.
    clock.set('2027-01-31T23:00:00Z');
    expect((await operator()).etat).toBe('RESILIE');
    expect((await browser.get('/accueil')).location).toBe('/connexion');
    expect((await portal().signIn('opl1.dupont', portalPassword)).status).toBe(403);
    await closed(live.socket);
    await refusedOnNewConnection();

    // For good: neither reactivated, suspended nor terminated again; its data stays readable.
    expect((await t.admin('POST', `/admin/operateurs/${CODE}/reactivation`, { agent: AGENT })).status).toBe(409);
    expect((await t.admin('POST', `/admin/operateurs/${CODE}/suspension`, { agent: AGENT, motif: 'x' })).status).toBe(409);
    expect((await t.admin('POST', `/admin/operateurs/${CODE}/resiliation`, { agent: AGENT, date: '2027-06-01' })).status).toBe(409);
    const noMore = await t.admin('POST', '/admin/certificats/emission', { agent: AGENT, operateur: CODE, profil: 'CATALOGUE', csr: makeCsr(`${CODE} poste 2`).csrPem });
    expect(noMore.status).toBe(409);
    expect(noMore.body.erreur).toContain('résilié');
    const detail = await operator();
    expect(detail).toMatchObject({ etat: 'RESILIE', certificats: [expect.objectContaining({ operateur: CODE })] });
    const actions = (await t.admin('GET', `/admin/audit?operateur=${CODE}`)).body.evenements.map((e: { action: string }) => e.action);
    expect(actions).toContain('OPERATEUR_RESILIATION_ENREGISTREE');
    expect(actions).toContain('RESILIATION_REFUSEE');
  });

  test('unknown operator 404; malformed code 400', async () => {
    const unknown = await t.admin('POST', '/admin/operateurs/ZZZ9/suspension', { agent: AGENT, motif: 'x' });
    expect(unknown.status).toBe(404);
    const malformed = await t.admin('POST', '/admin/operateurs/zz/suspension', { agent: AGENT, motif: 'x' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.erreur).toContain('code');
  });
});
