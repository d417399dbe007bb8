// Push notifications survive the gateway being killed (issue 15 point 3, decision 0023): the
// gateway runs as its own process (compiled dist/, real PostgreSQL) and is killed with SIGKILL
// twice — once while the operator's callback server is down (events waiting, retries scheduled),
// once right after a burst of changes while the callback accepts (deliveries under way). After
// each restart every event of every ticket reaches the callback (mutual TLS, each message valid
// against the published callback schema), in sequence order per ticket: nothing is lost, and an
// event delivered twice (at least once) carries the same event id.
import { processBed, startGatewayProcess, type GatewayProcess, type ProcessBed } from '../support/gateway-process.js';
import { describeWithPostgres } from '../support/postgres.js';
import { waitFor } from '../support/line-tests.js';
import { startCallbackServer, type CallbackServer } from '../support/callback-server.js';

const describeDb = await describeWithPostgres();
const TOKEN = 'push-sigkill-test-token-0123456789';
const AGENT = 'M. Support';


describeDb('push notifications across a gateway SIGKILL (gateway as a process)', () => {
  let bed: ProcessBed;
  let gateway: GatewayProcess | undefined;
  let callback: CallbackServer;

  beforeAll(async () => {
    bed = await processBed('push', TOKEN, {
      // Short backoff and polling through the configuration (no timed assertion below).
      ESAV_PUSH_POLL_MS: '100',
      ESAV_PUSH_RETRY_BASE_MS: '200',
      ESAV_PUSH_RETRY_MAX_MS: '1000',
      ESAV_PUSH_TIMEOUT_MS: '2000',
    });
    gateway = await startGatewayProcess(bed.env);
    callback = await startCallbackServer(bed.caPem);
  }, 120_000);

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await callback?.stop();
    await bed?.cleanup();
  });

  const admin = (method: string, urlPath: string, body?: unknown) => bed.admin(method, urlPath, body);
  const deposit = (referenceInterneOC: string) => bed.deposit(referenceInterneOC);

  /** Three events per ticket: a state change, a SAV comment, a state change. */
  async function changes(reference: string): Promise<void> {
    for (const [route, body] of [
      ['transitions', { agent: AGENT, etat: 'EN_QUALIFICATION' }],
      ['commentaires', { agent: AGENT, texte: `Suivi de ${reference}` }],
      ['transitions', { agent: AGENT, etat: 'EN_COURS' }],
    ] as const) {
      const r = await admin('POST', `/admin/signalisations/${reference}/${route}`, body);
      if (r.status !== 200) throw new Error(`${route} ${reference}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }

  /** Every ticket's three events acknowledged, in order (first acknowledgement of each), each id constant. */
  async function expectAllDelivered(references: string[]): Promise<void> {
    await waitFor(
      'every event acknowledged',
      async () => {
        const done = references.every((reference) => {
          const seqs = new Set(callback.acknowledged().filter((n) => n.referenceSignalisation === reference).map((n) => n.numeroSequence));
          return seqs.size === 3;
        });
        return done ? true : undefined;
      },
      90_000,
    );
    expect(callback.invalid).toEqual([]);
    for (const reference of references) {
      const acks = callback.acknowledged().filter((n) => n.referenceSignalisation === reference);
      const firstOrder = acks.map((n) => n.numeroSequence).filter((seq, i, all) => all.indexOf(seq) === i);
      expect({ reference, order: firstOrder }).toEqual({ reference, order: [1, 2, 3] });
      // Event n+1 is never sent before event n was acknowledged.
      const all = callback.received.filter((n) => n.referenceSignalisation === reference);
      all.forEach((n, i) => {
        if (n.numeroSequence === 1) return;
        const previousAcknowledged = all.slice(0, i).some((p) => p.numeroSequence === n.numeroSequence - 1 && p.answered >= 200 && p.answered < 300);
        expect({ reference, seq: n.numeroSequence, previousAcknowledged }).toEqual({ reference, seq: n.numeroSequence, previousAcknowledged: true });
      });
      const idsBySeq = new Map<number, Set<string>>();
      for (const n of callback.received.filter((x) => x.referenceSignalisation === reference)) {
        idsBySeq.set(n.numeroSequence, (idsBySeq.get(n.numeroSequence) ?? new Set()).add(n.idEvenement));
      }
      for (const ids of idsBySeq.values()) expect(ids.size).toBe(1);
    }
    const pending = await admin('GET', '/admin/operateurs/OPA1/notifications/evenements?statut=PENDING');
    expect(pending.body.evenements).toEqual([]);
  }

  test('killed while the callback is down: after the restart every event is delivered, in order', async () => {
    const registered = await admin('PUT', '/admin/operateurs/OPA1/notifications', { agent: AGENT, url: callback.url, autorite: callback.caPem });
    expect(registered.status).toBe(200);
    await callback.stop();
    const references: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reference = await deposit(`PUSH-KILL-A-${i}`);
      await changes(reference);
      references.push(reference);
    }
    // The gateway has tried and failed (connection refused) before it is killed.
    await waitFor('a failed attempt', async () => {
      const r = await admin('GET', '/admin/operateurs/OPA1/notifications/evenements');
      return r.body.evenements.some((e: { tentatives: number; derniereErreur: string | null }) => e.tentatives > 0 && /ECONNREFUSED/.test(e.derniereErreur ?? '')) ? true : undefined;
    });
    await gateway!.kill('SIGKILL');
    expect(gateway!.child.signalCode).toBe('SIGKILL');

    await callback.start();
    gateway = await startGatewayProcess(bed.env);
    await expectAllDelivered(references);
  }, 180_000);

  test('killed right after a burst of changes (deliveries under way): nothing lost after the restart', async () => {
    const references: string[] = [];
    for (let i = 0; i < 4; i++) {
      const reference = await deposit(`PUSH-KILL-B-${i}`);
      await changes(reference);
      references.push(reference);
    }
    await gateway!.kill('SIGKILL');
    expect(gateway!.child.signalCode).toBe('SIGKILL');
    gateway = await startGatewayProcess(bed.env);
    await expectAllDelivered(references);
  }, 180_000);
});
