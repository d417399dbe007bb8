// The shared admin API client (src/admin-client, decision 0020) over both transports against a
// real Fastify app: the in-process one through inject(), the HTTP one through a listening server.
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import Fastify, { type FastifyInstance } from 'fastify';
import { AdminApiError, AdminClient, AdminTransportError, httpTransport, injectTransport, queryString } from '../../src/admin-client/index.js';

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
  app.get('/admin/export.csv', async (_request, reply) => reply.type('text/csv; charset=utf-8').send('a;b\n1;2\n'));
  return app;
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
