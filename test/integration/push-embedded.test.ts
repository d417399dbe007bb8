// Push notifications on the embedded database (PGlite, the gateway's default): the outbox, the
// relay and the delivery share the one connection with pg-boss; a change is delivered to a real
// mutual-TLS callback server, in order, schema-valid (decision 0023). The full behaviour is
// test/integration/push.test.ts on PostgreSQL.
import { SettableClock } from '../../src/domain/clock.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { waitFor } from '../support/line-tests.js';
import { startCallbackServer, type CallbackServer } from '../support/callback-server.js';

describe('push notifications on the embedded database', () => {
  let t: TestGateway;
  let callback: CallbackServer;

  beforeAll(async () => {
    t = await startTestGateway({ embedded: true, clock: new SettableClock('2026-11-02T10:00:00+01:00'), env: { ESAV_PUSH_POLL_MS: '100' } });
    callback = await startCallbackServer(t.gateway.devPki!.ca.certPem);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await callback?.stop();
  });

  test('a subscribed operator’s changes reach its callback, in order', async () => {
    const registered = await t.admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: 'Agent', url: callback.url, autorite: callback.caPem });
    expect(registered.status).toBe(200);
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs());
    const reference = ack.referenceSignalisation as string;
    for (const etat of ['EN_QUALIFICATION', 'EN_COURS']) {
      expect((await t.admin('POST', `/admin/signalisations/${reference}/transitions`, { agent: 'Agent', etat })).status).toBe(200);
    }
    expect((await t.admin('POST', `/admin/signalisations/${reference}/commentaires`, { agent: 'Agent', texte: 'Intervention planifiée.' })).status).toBe(200);
    const received = await waitFor('3 events acknowledged', async () => {
      const acks = callback.acknowledged().filter((n) => n.referenceSignalisation === reference);
      return acks.length >= 3 ? acks : undefined;
    });
    expect(received.map((n) => [n.numeroSequence, n.typeEvenement, n.etat])).toEqual([
      [1, 'CHANGEMENT_ETAT', 'EN_QUALIFICATION'],
      [2, 'CHANGEMENT_ETAT', 'EN_COURS'],
      [3, 'COMMENTAIRE_SAV', 'EN_COURS'],
    ]);
    expect(callback.invalid).toEqual([]);
  }, 60_000);
});
