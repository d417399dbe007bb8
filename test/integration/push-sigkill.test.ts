// Push notifications survive the gateway being killed (issue 15 point 3, decision 0023): the
// gateway runs as its own process (compiled dist/, real PostgreSQL) and is killed with SIGKILL
// twice — once while the operator's callback server is down (events waiting, retries scheduled),
// once right after a burst of changes while the callback accepts (deliveries under way). After
// each restart every event of every ticket reaches the callback (mutual TLS, each message valid
// against the published callback schema), in sequence order per ticket: nothing is lost, and an
// event delivered twice (at least once) carries the same event id.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { freePort } from '../support/throwaway-postgres.js';
import { rawPost, type ClientTls } from '../support/gateway.js';
import { waitFor } from '../support/line-tests.js';
import { DEPOSIT_ENVELOPE } from '../support/operations.js';
import { startCallbackServer, type CallbackServer } from '../support/callback-server.js';
import { testCertsDir } from '../support/dev-pki.js';

const describeDb = await describeWithPostgres();
const TOKEN = 'push-sigkill-test-token-0123456789';
const AGENT = 'M. Support';


describeDb('push notifications across a gateway SIGKILL (gateway as a process)', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess | undefined;
  let callback: CallbackServer;
  let env: Record<string, string>;
  let url: string;
  let adminUrl: string;
  let tls: ClientTls;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const certs = testCertsDir('esav-push-pki-');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-push-data-'));
    dirs.push(certs, data);
    const [port, adminPort] = [await freePort(), await freePort()];
    env = {
      DATABASE_URL: database.url,
      ESAV_HOST: '127.0.0.1',
      ESAV_PORT: String(port),
      ESAV_ADMIN_HOST: '127.0.0.1',
      ESAV_ADMIN_PORT: String(adminPort),
      ESAV_ADMIN_TOKEN: TOKEN,
      ESAV_SWEEP_INTERVAL_SECONDS: '0',
      ESAV_DEV_CERTS_DIR: certs,
      ESAV_DATA_DIR: data,
      // Short backoff and polling through the configuration (no timed assertion below).
      ESAV_PUSH_POLL_MS: '100',
      ESAV_PUSH_RETRY_BASE_MS: '200',
      ESAV_PUSH_RETRY_MAX_MS: '1000',
      ESAV_PUSH_TIMEOUT_MS: '2000',
    };
    gateway = await startGatewayProcess(env);
    url = `https://127.0.0.1:${port}`;
    adminUrl = `http://127.0.0.1:${adminPort}`;
    tls = {
      key: fs.readFileSync(path.join(certs, 'operators', 'OPA1.key')),
      cert: fs.readFileSync(path.join(certs, 'operators', 'OPA1.crt')),
      ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    };
    callback = await startCallbackServer(fs.readFileSync(path.join(certs, 'ca.crt'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await callback?.stop();
    await database?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function admin(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${adminUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  async function deposit(referenceInterneOC: string): Promise<string> {
    const answer = await rawPost(`${url}/ws/v1/signalisation`, tls, DEPOSIT_ENVELOPE(referenceInterneOC));
    const reference = /<referenceSignalisation>([^<]+)</.exec(answer.body)?.[1];
    if (answer.status !== 200 || !reference) throw new Error(`deposit refused: ${answer.status} ${answer.body}`);
    return reference;
  }

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
    gateway = await startGatewayProcess(env);
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
    gateway = await startGatewayProcess(env);
    await expectAllDelivered(references);
  }, 180_000);
});
