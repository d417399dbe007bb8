// Push notifications of ticket changes (issue 15 point 3, decision 0023) on the real stack: the
// gateway in process on real PostgreSQL, and an operator's callback server over real HTTPS with
// mutual TLS (its own CA, registered with the subscription; it requires the gateway's client
// certificate) that validates every message against the published callback schema. The business
// clock is injected: retries become due when the test moves it, never after a real delay.
// What must hold: every state change, SAV comment, appointment and test verdict of a subscribed
// operator's ticket is delivered, in sequence order per ticket, each with its own event id; a
// callback answering 500 or down is retried with exponential backoff, the next event of the ticket
// waiting; after 24 hours of failures the event is FAILED, visible to support, and a replay
// delivers it and what waited behind it; a paused subscription accumulates and resumes in order.
// The gateway killed (SIGKILL) loses nothing: test/integration/push-sigkill.test.ts.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { enteteTest, FAST_TESTS_ENV, waitFor } from '../support/line-tests.js';
import { startCallbackServer, type CallbackServer, type ReceivedNotification } from '../support/callback-server.js';
import { runPython } from '../support/zeep.js';
import { csrfOf, PortalClient, readDemoAccounts, signInConsole } from '../support/web-portal.js';
import { runProcess, shellEnv } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const AGENT = 'Mme Support';
const START = '2026-11-02T10:00:00+01:00'; // a Monday
const BASE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WSDL = path.join(PROJECT_ROOT, 'wsdl', 'callback', 'esav-notification-v1.wsdl');

interface EventJson {
  idEvenement: string;
  referenceSignalisation: string;
  numeroSequence: number;
  typeEvenement: string;
  statut: string;
  tentatives: number;
  derniereErreur: string | null;
  derniereTentative: string | null;
  prochaineTentative: string | null;
}

describeDb('push notifications to an operator callback (mutual TLS, published WSDL)', () => {
  let t: TestGateway;
  let clock: SettableClock;
  let callback: CallbackServer;
  let sig: soap.Client;
  let tests: soap.Client;
  let sigB: soap.Client;

  beforeAll(async () => {
    clock = new SettableClock(START);
    t = await startTestGateway({
      clock,
      env: { ...FAST_TESTS_ENV, ESAV_PUSH_POLL_MS: '100', ESAV_PUSH_RETRY_BASE_MS: String(BASE_MS), ESAV_PUSH_TIMEOUT_MS: '5000' },
    });
    callback = await startCallbackServer(t.gateway.devPki!.ca.certPem);
    sig = await t.soapClient('OPA1');
    sig.addSoapHeader(enteteRequete('OPA1'));
    tests = await t.soapClient('OPA1', '/ws/v1/test');
    tests.addSoapHeader(enteteTest('OPA1'));
    sigB = await t.soapClient('OPB2');
    sigB.addSoapHeader(enteteRequete('OPB2'));
  });
  afterAll(async () => {
    await t?.close();
    await callback?.stop();
  });

  const deposit = async (client: soap.Client = sig, overrides: Record<string, unknown> = {}): Promise<string> =>
    ((await client.deposerSignalisationAsync(depositArgs(overrides)))[0] as { referenceSignalisation: string }).referenceSignalisation;

  async function transition(reference: string, etat: string, extra: Record<string, string> = {}) {
    const r = await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat, ...extra });
    expect({ etat, status: r.status, body: r.body }).toMatchObject({ etat, status: 200 });
  }

  async function comment(reference: string, texte: string) {
    const r = await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: AGENT, texte });
    expect(r.status).toBe(200);
  }

  async function events(reference: string): Promise<EventJson[]> {
    const r = await t.admin('GET', `/admin/operateurs/OPA1/notifications/evenements?reference=${reference}`);
    expect(r.status).toBe(200);
    return (r.body.evenements as EventJson[]).sort((a, b) => a.numeroSequence - b.numeroSequence);
  }

  const acknowledged = (reference: string): ReceivedNotification[] =>
    callback.acknowledged().filter((n) => n.referenceSignalisation === reference);

  const delivered = (reference: string, count: number) =>
    waitFor(`${count} events of ${reference} acknowledged`, async () => (acknowledged(reference).length >= count ? acknowledged(reference) : undefined));

  async function eventMatching(reference: string, seq: number, check: (e: EventJson) => boolean): Promise<EventJson> {
    return waitFor(`event ${seq} of ${reference}`, async () => (await events(reference)).find((e) => e.numeroSequence === seq && check(e)));
  }

  test('the callback WSDL is served beside the others, and node-soap and zeep both read it', async () => {
    // Served on the operators' port (mutual TLS) with its schema.
    const tls = t.tlsFor('OPA1');
    const served = await new Promise<string>((resolve, reject) => {
      const request = https.get(
        `${t.url}/wsdl/callback/esav-notification-v1.wsdl`,
        { key: tls.key, cert: tls.cert, ca: tls.ca },
        (response) => {
          let body = '';
          response.on('data', (c: Buffer) => (body += c.toString('utf8')));
          response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${response.statusCode}`))));
        },
      );
      request.on('error', reject);
    });
    expect(served).toBe(fs.readFileSync(WSDL, 'utf8'));

    const client = await soap.createClientAsync(WSDL);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.NotificationService!.NotificationPort!)).toEqual(['notificationEvenement']);

    // zeep builds a message from the WSDL; the same schema the callback server uses accepts it.
    const script = [
      'import sys, zeep, datetime',
      'from lxml import etree',
      'client = zeep.Client(sys.argv[1])',
      "operations = sorted(client.service._binding._operations.keys())",
      "print(','.join(operations))",
      "message = client.create_message(client.service, 'notificationEvenement', idEvenement='0b5e3c2a-8d7f-4e21-9a6b-1c2d3e4f5a6b',",
      "  typeEvenement='COMMENTAIRE_SAV', codeOperateur='OPA1', referenceSignalisation='SIG-0000000001', referenceInterneOC='OC-1',",
      "  numeroSequence=1, horodatage=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.timezone.utc), etat='EN_COURS',",
      "  commentaire={'texte': 'Bonjour'})",
      "sys.stdout.write(etree.tostring(message).decode())",
    ].join('\n');
    const zeep = await runPython(['-c', script, WSDL], 60_000);
    expect({ code: zeep.code, stderr: zeep.stderr }).toEqual({ code: 0, stderr: '' });
    const [operations, envelope] = [zeep.stdout.split('\n')[0], zeep.stdout.split('\n').slice(1).join('\n')];
    expect(operations).toBe('notificationEvenement');
    const accepted = await postToCallback(envelope!);
    expect(accepted).toBe(202);
    expect(callback.invalid).toEqual([]);
    callback.received.length = 0;
  }, 90_000);

  /** Posts a message to the callback server as the gateway would (its client certificate). */
  async function postToCallback(body: string): Promise<number> {
    const pki = t.gateway.devPki!;
    return new Promise((resolve, reject) => {
      const request = https.request(callback.url, { method: 'POST', cert: pki.pushClient.certPem, key: pki.pushClient.keyPem, ca: callback.caPem }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  test('registering: https URL and a readable CA only (400 naming the field), unknown operator 404; audited', async () => {
    const bad = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: 'http://127.0.0.1/x' });
    expect(bad.status).toBe(400);
    expect(bad.body.erreur).toMatch(/url/);
    const badCa = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: 'pas un certificat' });
    expect(badCa).toMatchObject({ status: 400, body: { erreur: expect.stringMatching(/^autorite : /) } });
    const noAgent = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { url: callback.url });
    expect(noAgent.status).toBe(400);
    expect((await t.admin('PUT', '/admin/operateurs/ZZZ9/notifications', { agent: AGENT, url: callback.url })).status).toBe(404);

    const ok = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: callback.caPem });
    expect(ok).toMatchObject({ status: 200, body: { codeOperateur: 'OPA1', url: callback.url, autoriteDediee: true, etat: 'ACTIF' } });
    const list = await t.admin('GET', '/admin/notifications/abonnements');
    expect(list.body.abonnements).toEqual([expect.objectContaining({ codeOperateur: 'OPA1', etat: 'ACTIF' })]);
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'NOTIFICATIONS_ABONNEMENT' AND operator_code = 'OPA1'");
    expect(audit.map((a) => a.actor)).toEqual([AGENT]);
  });

  test('state changes, SAV comments, appointments and test verdicts: delivered in order per ticket, each once acknowledged, schema-valid', async () => {
    const reference = await deposit();
    await transition(reference, 'EN_QUALIFICATION');
    await comment(reference, 'Technicien prévu, merci de confirmer l’accès au site.');
    await transition(reference, 'EN_COURS');
    const [found] = await sig.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: 'SAV',
      periode: { debut: '2026-11-02T00:00:00+01:00', fin: '2026-11-09T00:00:00+01:00' },
    });
    const slot = [found.creneau].flat()[0];
    const [booked] = await sig.reserverCreneauAsync({ referenceSignalisation: reference, idCreneau: slot.idCreneau });
    await sig.annulerRendezVousAsync({ referenceSignalisation: reference, idRendezVous: booked.idRendezVous });

    // A test asked for another ticket of the operator: its verdict is that ticket's event.
    const active = await deposit(sig, { offre: 'FTTH_ACTIVE', identifiantPrestation: 'FI-1000-0003', formulaire: { idFormulaire: 'FTTH_ACTIVE', version: 1 } });
    const [asked] = await tests.demanderTestAsync({ identifiantPrestation: 'FI-1000-0003', typeTest: 'ETAT_SESSION', referenceSignalisation: active });

    // An operator without a subscription: nothing recorded for its tickets.
    const other = await deposit(sigB, { identifiantPrestation: 'FI-2000-0001' });
    await transition(other, 'EN_QUALIFICATION');

    const received = await delivered(reference, 5);
    expect(callback.invalid).toEqual([]);
    expect(received.map((n) => [n.numeroSequence, n.typeEvenement, n.etat])).toEqual([
      [1, 'CHANGEMENT_ETAT', 'EN_QUALIFICATION'],
      [2, 'COMMENTAIRE_SAV', 'EN_QUALIFICATION'],
      [3, 'CHANGEMENT_ETAT', 'EN_COURS'],
      [4, 'RENDEZ_VOUS', 'EN_COURS'],
      [5, 'RENDEZ_VOUS', 'EN_COURS'],
    ]);
    for (const n of received) {
      expect(n).toMatchObject({ codeOperateur: 'OPA1', referenceSignalisation: reference, clientCn: 'e-SAV gateway push', soapAction: '"urn:esav:notification:v1:notificationEvenement"' });
      expect(n.idEvenement).toMatch(UUID);
    }
    expect(new Set(received.map((n) => n.idEvenement)).size).toBe(received.length);
    expect(received[0]!.payload.changementEtat).toEqual({ etatPrecedent: 'EN_DEPOT' });
    expect(received[1]!.payload.commentaire).toEqual({ texte: 'Technicien prévu, merci de confirmer l’accès au site.' });
    expect(received[3]!.payload.rendezVous).toMatchObject({ referenceRendezVous: booked.idRendezVous, typeRendezVous: 'SAV', statut: 'RESERVE' });
    expect(received[4]!.payload.rendezVous).toMatchObject({ referenceRendezVous: booked.idRendezVous, statut: 'ANNULE' });

    const verdicts = await waitFor('the verdict event', async () => {
      const list = acknowledged(active).filter((n) => n.typeEvenement === 'RESULTAT_TEST');
      return list.length > 0 ? list : undefined;
    });
    expect(verdicts[0]!.payload.resultatTest).toMatchObject({ idDemandeTest: asked.idDemandeTest, typeTest: 'ETAT_SESSION', verdict: 'KO' });
    expect(verdicts[0]!.numeroSequence).toBe(1);

    const none = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM push_events WHERE operator_code = 'OPB2'");
    expect(none[0]!.n).toBe(0);
    const all = await events(reference);
    expect(all.every((e) => e.statut === 'DELIVERED' && e.tentatives === 1 && e.prochaineTentative === null)).toBe(true);
  });

  test('an event is written with its change or not at all, and concurrent changes of a ticket get consecutive numbers in commit order', async () => {
    callback.mode = 'ok';
    const reference = await deposit();
    // A refused move writes nothing: no event either.
    const refused = await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: AGENT, etat: 'VALIDE' });
    expect(refused.status).toBe(409);
    expect(await events(reference)).toEqual([]);

    const texts = ['un', 'deux', 'trois', 'quatre', 'cinq', 'six'].map((w) => `Commentaire ${w}`);
    await Promise.all(texts.map((texte) => comment(reference, texte)));
    const received = await delivered(reference, texts.length);
    expect(received.map((n) => n.numeroSequence)).toEqual([1, 2, 3, 4, 5, 6]);
    const stored = await t.db.query<{ texte: string }>(
      'SELECT c.texte FROM signalisation_comments c JOIN signalisations s ON s.id = c.signalisation_id WHERE s.reference = $1 ORDER BY c.id',
      [reference],
    );
    expect(received.map((n) => (n.payload.commentaire as { texte: string }).texte)).toEqual(stored.map((r) => r.texte));
    expect(callback.invalid).toEqual([]);
  });

  test('a callback answering 500, then down: retried with exponential backoff, the next event waiting; then recovery, in order', async () => {
    const reference = await deposit();
    callback.mode = 'error';
    await transition(reference, 'EN_QUALIFICATION');
    await transition(reference, 'EN_COURS');

    const first = await eventMatching(reference, 1, (e) => e.tentatives === 1);
    expect(first).toMatchObject({ statut: 'PENDING', derniereErreur: expect.stringMatching(/^HTTP 500/) });
    expect(Date.parse(first.prochaineTentative!) - Date.parse(first.derniereTentative!)).toBe(BASE_MS);
    // Head of line: the second event is not tried before the first is acknowledged.
    expect((await events(reference)).find((e) => e.numeroSequence === 2)).toMatchObject({ statut: 'PENDING', tentatives: 0 });

    clock.advance(BASE_MS);
    const second = await eventMatching(reference, 1, (e) => e.tentatives === 2);
    expect(Date.parse(second.prochaineTentative!) - Date.parse(second.derniereTentative!)).toBe(2 * BASE_MS);

    // Down: connection refused, recorded as the last error.
    await callback.stop();
    clock.advance(2 * BASE_MS);
    const third = await eventMatching(reference, 1, (e) => e.tentatives === 3);
    expect(third.derniereErreur).toMatch(/ECONNREFUSED/);
    expect(Date.parse(third.prochaineTentative!) - Date.parse(third.derniereTentative!)).toBe(4 * BASE_MS);

    // Back, and accepting: both delivered, in order, the first one with the same event id as before.
    await callback.start();
    callback.mode = 'ok';
    clock.advance(4 * BASE_MS);
    const received = await delivered(reference, 2);
    expect(received.map((n) => n.numeroSequence)).toEqual([1, 2]);
    const attempts = callback.received.filter((n) => n.referenceSignalisation === reference);
    expect(attempts.map((n) => [n.numeroSequence, n.answered])).toEqual([[1, 500], [1, 500], [1, 202], [2, 202]]);
    expect(new Set(attempts.filter((n) => n.numeroSequence === 1).map((n) => n.idEvenement)).size).toBe(1);
    expect(callback.invalid).toEqual([]);
  });

  test('24 hours of failures: the event is FAILED (visible with its last error), the next waits; a replay delivers both in order', async () => {
    const reference = await deposit();
    callback.mode = 'error';
    await transition(reference, 'EN_REJET', { motif: 'Prestation hors périmètre' });
    await comment(reference, 'Rejet confirmé par le SAV.');
    await eventMatching(reference, 1, (e) => e.tentatives === 1);
    clock.advance(25 * 3600_000);
    const failed = await eventMatching(reference, 1, (e) => e.statut === 'FAILED');
    expect(failed).toMatchObject({ tentatives: 2, prochaineTentative: null, derniereErreur: expect.stringMatching(/^HTTP 500/) });
    const failures = await t.admin('GET', '/admin/operateurs/OPA1/notifications/evenements?statut=FAILED');
    expect(failures.body.evenements.map((e: EventJson) => e.idEvenement)).toContain(failed.idEvenement);
    expect((await events(reference)).find((e) => e.numeroSequence === 2)).toMatchObject({ statut: 'PENDING', tentatives: 0 });

    callback.mode = 'ok';
    const refused = await t.admin('POST', '/admin/operateurs/OPA1/notifications/rejeu', { agent: AGENT, idEvenement: '00000000-0000-4000-8000-000000000000' });
    expect(refused.status).toBe(409);
    const replay = await t.admin('POST', '/admin/operateurs/OPA1/notifications/rejeu', { agent: AGENT, idEvenement: failed.idEvenement });
    expect(replay).toMatchObject({ status: 200, body: { rejoues: 1 } });
    const received = await delivered(reference, 2);
    expect(received.map((n) => [n.numeroSequence, n.typeEvenement])).toEqual([
      [1, 'CHANGEMENT_ETAT'],
      [2, 'COMMENTAIRE_SAV'],
    ]);
    expect(received[0]!.idEvenement).toBe(failed.idEvenement);
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'NOTIFICATIONS_REJOUEES'");
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  test('paused: events accumulate (nothing sent, even when asked), resumed: delivered in order', async () => {
    callback.mode = 'ok';
    const reference = await deposit();
    const paused = await t.admin('POST', '/admin/operateurs/OPA1/notifications/suspension', { agent: AGENT });
    expect(paused).toMatchObject({ status: 200, body: { etat: 'SUSPENDU', suspenduPar: AGENT } });
    await transition(reference, 'EN_QUALIFICATION');
    await comment(reference, 'Pendant la suspension.');
    await transition(reference, 'EN_COURS');

    // A worker asked to deliver this ticket sends nothing while the subscription is paused.
    const [row] = await t.db.query<{ id: string }>('SELECT id FROM signalisations WHERE reference = $1', [reference]);
    await t.gateway.push.delivery!.deliverTicket(Number(row!.id));
    expect(await t.gateway.push.delivery!.dueTickets()).not.toContain(Number(row!.id));
    expect((await events(reference)).map((e) => [e.numeroSequence, e.statut, e.tentatives])).toEqual([
      [1, 'PENDING', 0],
      [2, 'PENDING', 0],
      [3, 'PENDING', 0],
    ]);
    expect(acknowledged(reference)).toEqual([]);

    const resumed = await t.admin('POST', '/admin/operateurs/OPA1/notifications/reprise', { agent: AGENT });
    expect(resumed).toMatchObject({ status: 200, body: { etat: 'ACTIF', suspenduPar: null } });
    const received = await delivered(reference, 3);
    expect(received.map((n) => [n.numeroSequence, n.typeEvenement])).toEqual([
      [1, 'CHANGEMENT_ETAT'],
      [2, 'COMMENTAIRE_SAV'],
      [3, 'CHANGEMENT_ETAT'],
    ]);
    expect(callback.invalid).toEqual([]);
  });

  test('a suspended operator gets nothing (its events wait), reactivated: delivered in order', async () => {
    callback.mode = 'ok';
    const reference = await deposit();
    const suspended = await t.admin('POST', '/admin/operateurs/OPA1/suspension', { agent: AGENT, motif: 'Impayés' });
    expect(suspended.status).toBe(200);
    await transition(reference, 'EN_QUALIFICATION');
    await comment(reference, 'Pendant la suspension de l’opérateur.');

    const [row] = await t.db.query<{ id: string }>('SELECT id FROM signalisations WHERE reference = $1', [reference]);
    await t.gateway.push.delivery!.deliverTicket(Number(row!.id));
    expect(await t.gateway.push.delivery!.dueTickets()).not.toContain(Number(row!.id));
    expect((await events(reference)).map((e) => [e.numeroSequence, e.statut, e.tentatives])).toEqual([
      [1, 'PENDING', 0],
      [2, 'PENDING', 0],
    ]);
    expect(acknowledged(reference)).toEqual([]);

    const reactivated = await t.admin('POST', '/admin/operateurs/OPA1/reactivation', { agent: AGENT });
    expect(reactivated.status).toBe(200);
    const received = await delivered(reference, 2);
    expect(received.map((n) => [n.numeroSequence, n.typeEvenement])).toEqual([
      [1, 'CHANGEMENT_ETAT'],
      [2, 'COMMENTAIRE_SAV'],
    ]);
  });

  test('the callback server’s certificate must chain to the subscription’s CA: another CA is a failed attempt', async () => {
    const stranger = await startCallbackServer(t.gateway.devPki!.ca.certPem);
    try {
      // The subscription points at the stranger's URL but keeps trusting the first server's CA.
      const r = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: stranger.url, autorite: callback.caPem });
      expect(r.status).toBe(200);
      const reference = await deposit();
      await transition(reference, 'EN_QUALIFICATION');
      const e = await eventMatching(reference, 1, (x) => x.tentatives === 1);
      expect(e.derniereErreur).toMatch(/certificate|self[- ]signed|UNABLE_TO_VERIFY|unable to verify/i);
      expect(stranger.received).toEqual([]);
    } finally {
      await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: callback.caPem });
      await stranger.stop();
    }
  });

  test('the portal: the operator sees its subscription and events, and pauses and resumes it itself', async () => {
    const demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    const c = new PortalClient(t.webUrl, t.webCa);
    const b = new PortalClient(t.webUrl, t.webCa);
    try {
      expect((await c.signIn('opa1.agent', demo.get('opa1.agent')!)).location).toBe('/accueil');
      const page = await c.get('/notifications');
      expect(page.status).toBe(200);
      expect(page.body).toContain(callback.url);
      expect(page.body).toMatch(/id="etat-abonnement">actif</);
      expect(page.body).toContain('data-statut="DELIVERED"');
      const paused = await c.post('/notifications/suspendre', { _csrf: csrfOf(page.body) });
      expect(paused).toMatchObject({ status: 303, location: '/notifications?fait=suspendu' });
      const list = await t.admin('GET', '/admin/notifications/abonnements');
      expect(list.body.abonnements[0]).toMatchObject({ codeOperateur: 'OPA1', etat: 'SUSPENDU', suspenduPar: 'operateur OPA1 : opa1.agent' });
      const again = await c.get('/notifications?fait=suspendu');
      expect(again.body).toMatch(/id="etat-abonnement">suspendu</);
      expect(await c.post('/notifications/reprendre', { _csrf: csrfOf(again.body) })).toMatchObject({ status: 303 });
      expect((await t.admin('GET', '/admin/notifications/abonnements')).body.abonnements[0]).toMatchObject({ etat: 'ACTIF' });

      // Another operator sees only its own (none), a form without its CSRF token changes nothing.
      expect((await b.signIn('opb2.agent', demo.get('opb2.agent')!)).location).toBe('/accueil');
      expect((await b.get('/notifications')).body).toContain('Aucun service de rappel');
      expect((await c.post('/notifications/suspendre', {})).status).toBe(403);
      expect((await t.admin('GET', '/admin/notifications/abonnements')).body.abonnements[0]).toMatchObject({ etat: 'ACTIF' });
    } finally {
      await c.close();
      await b.close();
    }
  });

  test('the support console: subscriptions, pause and resume, events with their delivery state, replay, a bad URL beside its field', async () => {
    const c = await signInConsole(t);
    try {
      const list = await c.get('/console/notifications');
      expect(list.status).toBe(200);
      expect(list.body).toContain('data-operateur="OPA1" data-etat="ACTIF"');
      const bad = await c.post('/console/notifications', { _csrf: csrfOf(list.body), code: 'OPA1', url: 'http://oc.example/x', autorite: '' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatch(/id="url-erreur"[^>]*>[^<]*url/);
      const pause = await c.post('/console/notifications/OPA1/suspension', { _csrf: csrfOf(list.body) });
      expect(pause.status).toBe(303);
      expect((await t.admin('GET', '/admin/notifications/abonnements')).body.abonnements[0]).toMatchObject({ etat: 'SUSPENDU', suspenduPar: 'support.demo' });
      expect((await c.post('/console/notifications/OPA1/reprise', { _csrf: csrfOf(list.body) })).status).toBe(303);
      expect((await t.admin('GET', '/admin/notifications/abonnements')).body.abonnements[0]).toMatchObject({ etat: 'ACTIF' });

      const events = await c.get('/console/notifications/OPA1?statut=DELIVERED');
      expect(events.status).toBe(200);
      expect(events.body).toContain('data-statut="DELIVERED"');
      expect(events.body).not.toContain('data-statut="PENDING"');
      const replay = await c.post('/console/notifications/OPA1/rejeu', { _csrf: csrfOf(events.body) });
      expect(replay).toMatchObject({ status: 303, location: expect.stringMatching(/^\/console\/notifications\/OPA1\?fait=/) });
    } finally {
      await c.close();
    }
  });

  test('the support command line: register (CA file), list, pause, resume, events, replay; refusals', async () => {
    const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
    const env = shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']);
    const cli = (...args: string[]) => runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], { ...env, ESAV_AGENT: 'Agent CLI' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-push-cli-'));
    try {
      const caFile = path.join(dir, 'oc-ca.pem');
      fs.writeFileSync(caFile, callback.caPem);
      const saved = await cli('notifications', 'abonner', 'OPA1', '--rappel', callback.url, '--autorite', caFile);
      expect({ code: saved.code, stderr: saved.stderr }).toEqual({ code: 0, stderr: '' });
      expect(saved.stdout).toContain('abonnement enregistré');
      expect(saved.stdout).toContain('dédiée à l’abonnement');

      const listed = await cli('notifications', 'lister');
      expect(listed.stdout).toMatch(/OPA1 .*https:\/\/127\.0\.0\.1/);
      expect((await cli('notifications', 'suspendre', 'OPA1')).stdout).toContain('SUSPENDU par Agent CLI');
      expect((await cli('notifications', 'reprendre', 'OPA1')).stdout).toContain('ACTIF');

      const json = await cli('--json', 'notifications', 'evenements', 'OPA1', '--statut', 'DELIVERED', '--limite', '5');
      const parsed = JSON.parse(json.stdout) as { evenements: EventJson[] };
      expect(parsed.evenements.length).toBe(5);
      expect(parsed.evenements.every((e) => e.statut === 'DELIVERED')).toBe(true);
      const human = await cli('notifications', 'evenements', 'OPA1', '--limite', '3');
      expect(human.stdout).toMatch(/SIGNALISATION +N° +TYPE/);
      expect((await cli('notifications', 'rejouer', 'OPA1')).stdout).toMatch(/^\d+ évènement\(s\) rejoué\(s\)/);

      const badUrl = await cli('notifications', 'abonner', 'OPA1', '--rappel', 'http://oc.example/x');
      expect(badUrl.code).not.toBe(0);
      expect(badUrl.stderr).toMatch(/url/);
      const noAgent = await runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, 'notifications', 'suspendre', 'OPA1'], env);
      expect(noAgent.code).toBe(2);
      expect((await t.admin('GET', '/admin/notifications/abonnements')).body.abonnements[0]).toMatchObject({ etat: 'ACTIF', url: callback.url });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
