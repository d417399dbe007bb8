// The shared admin API client (src/admin-client, decision 0020) over both transports against a
// real Fastify app: the in-process one through inject(), the HTTP one through a listening server.
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { AdminApiError, AdminClient, AdminTransportError, httpTransport, injectTransport, operationPath, queryString } from '../../src/admin-client/index.js';
import { buildAdminApp, type AdminAppOptions } from '../../src/adapters/admin-api/app.js';
import { UseCaseError } from '../../src/application/errors.js';

const TOKEN = 'a-test-token-of-32-characters-xx';

function buildApp(): FastifyInstance {
  const app = Fastify();
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return reply.code(401).send({ erreur: 'authentification requise' });
  });
  app.get('/admin/echo', async (request) => ({ query: request.query }));
  app.post('/admin/echo', async (request, reply) => reply.code(201).send({ recu: request.body ?? null }));
  app.get('/admin/refus', async (_request, reply) => reply.code(409).send({ erreur: 'transition refusée' }));
  app.get('/admin/vide', async (_request, reply) => reply.code(500).send(''));
  // A streamed upload: the body left unread by the parser, counted from request.raw as it comes.
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], (_request, _payload, done) => done(null, undefined));
  app.post('/admin/televersement', async (request, reply) => {
    let octets = 0;
    let producedAtFirstChunk: number | null = null;
    for await (const chunk of request.raw) {
      producedAtFirstChunk ??= uploadProduced;
      octets += (chunk as Buffer).length;
    }
    return reply.code(201).send({ type: request.headers['content-type'], octets, producedAtFirstChunk });
  });
  app.get('/admin/export.csv', async (_request, reply) => reply.type('text/csv; charset=utf-8').send('a;b\n1;2\n'));
  return app;
}

/** How many chunks the upload generator of the streaming test has produced so far. */
let uploadProduced = 0;
const UPLOAD_CHUNKS = 256;
const UPLOAD_CHUNK = Buffer.alloc(64 * 1024, 'a');
async function* uploadChunks(): AsyncGenerator<Buffer> {
  for (let i = 0; i < UPLOAD_CHUNKS; i++) {
    uploadProduced++;
    yield UPLOAD_CHUNK;
  }
}

let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  app = buildApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
});

test('queryString repeats array keys and leaves out undefined values', () => {
  expect(queryString({ operateur: 'OPA1', etat: ['EN_COURS', 'GELE'], limite: 20, vide: undefined })).toBe('?operateur=OPA1&etat=EN_COURS&etat=GELE&limite=20');
  expect(queryString({})).toBe('');
  expect(queryString(undefined)).toBe('');
});

describe.each([
  ['inject', () => new AdminClient(injectTransport(app, TOKEN)), () => new AdminClient(injectTransport(app, 'wrong-token'))],
  ['http', () => new AdminClient(httpTransport(baseUrl, TOKEN)), () => new AdminClient(httpTransport(`${baseUrl}/`, 'wrong-token'))],
])('AdminClient over the %s transport', (_name, client, badClient) => {
  test('GET with a query, POST with a JSON body', async () => {
    await expect(client().request('GET', '/admin/echo', { query: { etat: ['A', 'B'], limite: 3 } })).resolves.toEqual({ query: { etat: ['A', 'B'], limite: '3' } });
    await expect(client().request('post', '/admin/echo', { body: { texte: 'é' } })).resolves.toEqual({ recu: { texte: 'é' } });
    await expect(client().request('POST', '/admin/echo')).resolves.toEqual({ recu: null });
  });

  test('a non-2xx answer is an AdminApiError with the status and the API’s erreur text', async () => {
    const refused = client().request('GET', '/admin/refus');
    await expect(refused).rejects.toBeInstanceOf(AdminApiError);
    await expect(refused).rejects.toMatchObject({ status: 409, message: 'transition refusée' });
    await expect(badClient().request('GET', '/admin/echo')).rejects.toMatchObject({ status: 401, message: 'authentification requise' });
    await expect(client().request('GET', '/admin/vide')).rejects.toMatchObject({ status: 500, message: 'HTTP 500' });
  });

  test('a streamed body (async iterable or Readable) is sent as it is read, with its content type, not buffered whole', async () => {
    uploadProduced = 0;
    const sent = await client().request<{ type: string; octets: number; producedAtFirstChunk: number }>('POST', '/admin/televersement', { body: uploadChunks(), contentType: 'text/csv' });
    expect(sent.type).toBe('text/csv');
    expect(sent.octets).toBe(UPLOAD_CHUNKS * UPLOAD_CHUNK.length);
    // The server read its first bytes long before the 16 Mo were produced: no whole-body buffering.
    expect(sent.producedAtFirstChunk).toBeLessThan(UPLOAD_CHUNKS / 2);
    const readable = Readable.from(['{"a":1}\n', '{"a":2}\n']);
    await expect(client().request('POST', '/admin/televersement', { body: readable, contentType: 'application/x-ndjson' })).resolves.toMatchObject({ type: 'application/x-ndjson', octets: 16 });
    // A plain object or an array is still JSON.
    await expect(client().request('POST', '/admin/echo', { body: ['x'] })).resolves.toEqual({ recu: ['x'] });
  });

  test('stream: the answer handed back unparsed', async () => {
    const answer = await client().request('GET', '/admin/export.csv', { stream: true });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/csv/);
    await expect(text(answer.body)).resolves.toBe('a;b\n1;2\n');
  });
});

test('an unreachable API is an AdminTransportError naming where it was looked for', async () => {
  const closed = Fastify();
  await closed.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(closed.server.address() as AddressInfo).port}`;
  await closed.close();
  const failure = new AdminClient(httpTransport(url, TOKEN)).request('GET', '/admin/echo');
  await expect(failure).rejects.toBeInstanceOf(AdminTransportError);
  await expect(failure).rejects.toThrow(`API d’administration injoignable (${url})`);
});

describe('AdminClient#call by operationId, in-process through the admin app (buildAdminApp)', () => {
  const seen: string[] = [];
  const backOffice = {
    sweep: async () => ['SIG-0000000001'],
    detail: async (reference: string) => {
      seen.push(reference);
      throw new UseCaseError('not-found', `signalisation ${reference} inconnue`);
    },
    list: async (operateur: string, etats: string[], limite: number) => {
      seen.push(`${operateur} ${etats.join('+')} ${limite}`);
      return [];
    },
  } as unknown as AdminAppOptions['backOffice'];
  let admin: Awaited<ReturnType<typeof buildAdminApp>>;
  let client: AdminClient;
  beforeAll(async () => {
    admin = await buildAdminApp({ backOffice, token: TOKEN, logger: pino({ level: 'silent' }) });
    client = new AdminClient(injectTransport(admin, TOKEN));
  });
  afterAll(async () => {
    await admin.close();
  });

  test('method and path from the operation table, parameters encoded, query repeated', async () => {
    expect(operationPath('getSignalisation', { reference: 'SIG 1/2' })).toBe('/admin/signalisations/SIG%201%2F2');
    expect(() => operationPath('getSignalisation')).toThrow('paramètre de chemin reference manquant');
    await expect(client.call('sweepDashboard')).resolves.toEqual({ deplacees: ['SIG-0000000001'] });
    await expect(client.call('listSignalisations', { query: { operateur: 'OPA1', etat: ['EN_COURS', 'GELE'], limite: 5 } })).resolves.toEqual({ signalisations: [] });
    expect(seen).toContain('OPA1 EN_COURS+GELE 5');
  });

  test('the API’s refusals and its schema checks come back as AdminApiError', async () => {
    await expect(client.call('getSignalisation', { params: { reference: 'SIG-0000000404' } })).rejects.toMatchObject({
      status: 404,
      message: 'signalisation SIG-0000000404 inconnue',
    });
    await expect(client.call('listSignalisations', { query: { operateur: 'opa1' } })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('operateur') });
    await expect(new AdminClient(injectTransport(admin, 'not-the-token')).call('sweepDashboard')).rejects.toMatchObject({ status: 401 });
  });
});
