// The console's Prestations page over HTTP (issue 14): the import form's refusals (CSRF token
// missing, no file, unknown format, bad threshold) change nothing; without JavaScript a posted
// multipart form streams its file to the admin API and redirects to the report, audited under the
// staff member.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { csrfOf, PortalClient, signInConsole } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();

describeDb('console: prestations import form over HTTP', () => {
  let t: TestGateway;
  let c: PortalClient;
  let agent: Agent;
  const clock = new SettableClock('2026-03-10T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    c = await signInConsole(t);
    agent = new Agent({ connect: { ca: t.webCa, servername: 'localhost' } });
  });
  afterAll(async () => {
    await agent?.close();
    await c?.close();
    await t?.close();
  });

  /** Posts the import form as multipart/form-data (fields first, then the file if given). */
  async function postImport(fields: Record<string, string>, file?: { name: string; content: string }) {
    const boundary = `----esav${randomUUID()}`;
    const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${file.content}\r\n`);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await request(`${t.webUrl}/console/prestations/imports`, {
      method: 'POST',
      dispatcher: agent,
      headers: { accept: 'text/html', cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `${parts.join('')}--${boundary}--\r\n`,
    });
    return { status: response.statusCode, location: response.headers.location as string | undefined, body: await response.body.text() };
  }
  const importCount = async () => ((await t.admin('GET', '/admin/prestations/imports?limite=200')).body.imports as unknown[]).length;

  test('refusals change nothing; a posted file is imported and its report shown', async () => {
    const page = await c.get('/console/prestations');
    expect(page.status).toBe(200);
    const csrf = csrfOf(page.body);
    const id = /name="id" id="import-id" value="([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const before = await importCount();
    const csv = { name: 'inventaire.csv', content: 'identifiant;operateur;offre;garantie\nFI-HTTP-1;OPA1;FTTH_PASSIF;GTR_STANDARD\nFI-HTTP-2;OPA1;OFFRE_INCONNUE;GTR_STANDARD\n' };

    expect((await postImport({ id }, csv)).status).toBe(403);
    const noFile = await postImport({ _csrf: csrf, id, format: '' });
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatch(/id="import-fichier-erreur">Choisissez le fichier à importer\./);
    const emptyFile = await postImport({ _csrf: csrf, id, format: '' }, { name: '', content: '' });
    expect(emptyFile.status).toBe(400);
    expect(emptyFile.body).toMatch(/id="import-fichier-erreur">Choisissez le fichier/);
    const badFormat = await postImport({ _csrf: csrf, id, format: 'xml' }, csv);
    expect(badFormat.status).toBe(400);
    expect(badFormat.body).toMatch(/id="import-format-erreur">Format inconnu/);
    const badThreshold = await postImport({ _csrf: csrf, id, format: 'csv', maxRejets: '-1' }, csv);
    expect(badThreshold.status).toBe(400);
    expect(badThreshold.body).toMatch(/id="import-max-rejets-erreur">Un nombre entier/);
    const urlencoded = await c.post('/console/prestations/imports', { _csrf: csrf, id });
    expect(urlencoded.status).toBe(400);
    expect(await importCount()).toBe(before);

    const done = await postImport({ _csrf: csrf, id, format: '', maxRejets: '5' }, csv);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/console/prestations/imports/${id}`);
    const report = await c.get(done.location!);
    expect(report.status).toBe(200);
    expect(report.body).toMatch(/id="bilan-lues">2</);
    expect(report.body).toMatch(/id="bilan-acceptees">1</);
    expect(report.body).toMatch(/<th scope="row">3<\/th><td>FI-HTTP-2<\/td><td>offre<\/td>/);
    expect((await t.admin('GET', `/admin/prestations/imports/${id}`)).body).toMatchObject({ agent: 'support.demo', etat: 'DONE', seuilRejets: 5 });
    // The same id again: the admin API's refusal shown on the page.
    const again = await postImport({ _csrf: csrf, id, format: 'csv' }, csv);
    expect(again.status).toBe(409);
    expect(again.body).toContain('id="erreur-generale"');
    // The progress fragment of an ended import: no more polling.
    const progress = await c.get(`/console/prestations/progression?id=${id}`);
    expect(progress.body).toContain('data-etat="DONE"');
    expect(progress.body).not.toContain('hx-trigger');
  });
});
