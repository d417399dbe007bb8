// The portal's documentation space and maintenance (issue 13, points 6 and 7) over HTTPS against the
// real listener (undici), real PostgreSQL: downloads (content type, attachment, content equal to
// the repository's files, no path traversal, signed out → sign-in page), the form mock-ups from
// the catalogue's field model, the rendered reference with every internal link working; the
// maintenance banner (window in force and next announced one) and the refusal of actions during a
// window with nothing stored, reading and signing out still open.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { SettableClock } from '../../src/domain/clock.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { CATALOG_DIR, PROJECT_ROOT } from '../../src/adapters/paths.js';
import { MaintenanceService } from '../../src/application/maintenance.js';
import { buildWebPortal, type WebPortalApp } from '../../src/adapters/web-portal/app.js';
import { underServiceRules, type PortalServiceRules } from '../../src/adapters/web-portal/service-rules.js';
import { sessionOf, requireSignedIn } from '../../src/adapters/web-portal/render.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';
import { PortalClient, csrfOf, readDemoAccounts } from '../support/web-portal.js';

const describeDb = await describeWithPostgres();
const catalogue = loadCatalogue(CATALOG_DIR);

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const repoPath = (file: string) => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');

describeDb('web portal: documentation space', () => {
  let t: TestGateway;
  let demo: Map<string, string>;
  let c: PortalClient;
  const clock = new SettableClock('2026-11-20T10:00:00+01:00');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    c = new PortalClient(t.webUrl, t.webCa);
    // The read-only user: the documentation is open to every signed-in user.
    expect((await c.signIn('opa1.lecture', demo.get('opa1.lecture')!)).status).toBe(303);
  });
  afterAll(async () => {
    await c?.close();
    await t?.close();
  });

  test('signed out: every documentation address leads to the sign-in page, downloads included', async () => {
    const anonymous = new PortalClient(t.webUrl, t.webCa);
    try {
      for (const url of ['/documentation', '/documentation/offres/LFO', '/documentation/formulaires/LFO/v1.xsd', '/documentation/xsd/v1/test-v1.xsd', '/documentation/offres/LFO/nomenclatures/defautDeclare.csv', '/documentation/reference', '/documentation/conformite']) {
        const answer = await anonymous.get(url);
        expect([url, answer.status, answer.location]).toEqual([url, 303, '/connexion']);
        expect(answer.body).not.toContain('<xs:schema');
      }
    } finally {
      await anonymous.close();
    }
  });

  test('index: every offer with its form versions, the contract files, the reference and the kit; in the navigation', async () => {
    const page = await c.get('/documentation');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<a class="nav-link[^"]*" href="\/documentation" aria-current="page">Documentation<\/a>/);
    for (const offer of catalogue.offers.values()) {
      expect(page.body).toContain(`href="/documentation/offres/${offer.code}"`);
      for (const form of offer.formulaires) {
        expect(page.body).toContain(`href="/documentation/offres/${offer.code}/formulaires/${form.idFormulaire}/${form.version}"`);
        expect(page.body).toContain(`href="/documentation/formulaires/${form.idFormulaire}/v${form.version}.xsd"`);
      }
    }
    // FTTH signalisation is web-services only: the channels come from the catalogue.
    expect(page.body).toMatch(/FTTH_PASSIF\)<\/span><\/th>\s*<td>web services \(e-SAV intégré\)<\/td>/);
    for (const file of [...filesUnder(path.join(PROJECT_ROOT, 'wsdl')), ...filesUnder(path.join(PROJECT_ROOT, 'xsd'))]) {
      expect(page.body).toContain(`href="/documentation/${repoPath(file)}"`);
    }
    expect(page.body).toContain('href="/documentation/reference"');
    expect(page.body).toContain('href="/documentation/reference/services/v1-signalisation"');
    expect(page.body).toContain('href="/documentation/conformite"');
  });

  test("the form mock-up shows every field of the version's model: label tied to a disabled control, mandatory, type, values, constraints, help", async () => {
    for (const offer of catalogue.offers.values()) {
      for (const form of offer.formulaires) {
        const page = await c.get(`/documentation/offres/${offer.code}/formulaires/${form.idFormulaire}/${form.version}`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('<fieldset disabled>');
        expect(page.body).toContain(`href="/documentation/formulaires/${form.idFormulaire}/v${form.version}.xsd"`);
        for (const field of form.champs) {
          const block = new RegExp(`<div class="mb-3 champ" data-code="${field.code}">([\\s\\S]*?)\\n    </div>`).exec(page.body)?.[1];
          expect([field.code, block !== undefined]).toEqual([field.code, true]);
          expect(block).toContain(`for="champ-${field.code}"`);
          expect(block).toMatch(new RegExp(`id="champ-${field.code}"[^>]*aria-describedby="champ-${field.code}-desc"`));
          expect(block).toContain(field.obligatoire ? '<abbr title="obligatoire">*</abbr>' : 'facultatif');
          expect(block).toContain(`<code>xs:${field.typeXsd}</code>`);
          for (const value of field.valeurs ?? []) expect(block).toContain(`<option value="${value.code}">`);
          if (field.longueurMax !== undefined) expect(block).toContain(`${field.longueurMax} caractères`);
          for (const group of field.motifs ?? []) for (const motif of group) expect(block).toContain(motif.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
        }
      }
    }
    // An unknown offer, form or version: the same 404 page.
    for (const url of ['/documentation/offres/NOPE', '/documentation/offres/LFO/formulaires/LFO/9', '/documentation/offres/LFO/formulaires/CE2O/1']) {
      const answer = await c.get(url);
      expect([url, answer.status]).toEqual([url, 404]);
      expect(answer.body).toContain('Document introuvable');
    }
  });

  test("downloads: the form's XSD and the contract's WSDL/XSD as application/xml attachments, equal to the repository's files", async () => {
    for (const offer of catalogue.offers.values()) {
      for (const form of offer.formulaires) {
        const answer = await c.get(`/documentation/formulaires/${form.idFormulaire}/v${form.version}.xsd`);
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe('application/xml; charset=utf-8');
        expect(answer.headers['content-disposition']).toBe(`attachment; filename="${form.idFormulaire}-v${form.version}.xsd"`);
        expect(answer.body).toBe(fs.readFileSync(path.join(CATALOG_DIR, 'formulaires', form.idFormulaire, `v${form.version}.xsd`), 'utf8'));
      }
    }
    const contract = [...filesUnder(path.join(PROJECT_ROOT, 'wsdl')), ...filesUnder(path.join(PROJECT_ROOT, 'xsd'))];
    expect(contract.length).toBeGreaterThanOrEqual(10);
    for (const file of contract) {
      const answer = await c.get(`/documentation/${repoPath(file)}`);
      expect([repoPath(file), answer.status]).toEqual([repoPath(file), 200]);
      expect(answer.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(answer.headers['content-disposition']).toBe(`attachment; filename="${path.basename(file)}"`);
      expect(answer.body).toBe(fs.readFileSync(file, 'utf8'));
    }
  });

  const rawBytes = (urlPath: string) =>
    new Promise<Buffer>((resolve, reject) => {
      const url = new URL(t.webUrl);
      const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      https
        .get({ host: url.hostname, port: url.port, path: urlPath, ca: t.webCa, servername: 'localhost', headers: { cookie } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });

  test('nomenclatures as CSV (UTF-8 with BOM, ";", the catalogue\'s codes and libellés)', async () => {
    const offer = catalogue.offers.get('LFO')!;
    for (const name of ['defautDeclare', 'localisationPresumee'] as const) {
      const answer = await c.get(`/documentation/offres/LFO/nomenclatures/${name}.csv`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(answer.headers['content-disposition']).toBe(`attachment; filename="LFO-${name}.csv"`);
      // The byte order mark Excel needs (undici's text() drops it: the raw bytes are read).
      expect((await rawBytes(`/documentation/offres/LFO/nomenclatures/${name}.csv`)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = answer.body.split('\r\n');
      expect(lines[0]).toBe('code;libelle');
      expect(lines.slice(1, -1)).toEqual(offer.nomenclatures[name].map((e) => `${e.code};${e.libelle.includes(';') || e.libelle.includes('"') ? `"${e.libelle.replace(/"/g, '""')}"` : e.libelle}`));
    }
    expect((await c.get('/documentation/offres/LFO/nomenclatures/garanties.csv')).status).toBe(404);
    const offerPage = await c.get('/documentation/offres/LFO');
    expect(offerPage.body).toContain('href="/documentation/offres/LFO/nomenclatures/defautDeclare.csv"');
    for (const entry of offer.nomenclatures.defautDeclare) expect(offerPage.body).toContain(`<code>${entry.code}</code>`);
  });

  /** A GET whose path is sent as written (a URL parser would resolve the dot segments first). */
  const rawGet = (urlPath: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(t.webUrl);
      const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const req = https.request(
        { host: url.hostname, port: url.port, path: urlPath, method: 'GET', ca: t.webCa, servername: 'localhost', headers: { cookie, accept: 'text/html' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  test('no path traversal: only the files listed at start are served', async () => {
    for (const url of [
      '/documentation/xsd/../package.json',
      '/documentation/xsd/%2e%2e/package.json',
      '/documentation/xsd/..%2f..%2fpackage.json',
      '/documentation/wsdl/v1/../../xsd/v1/test-v1.xsd',
      '/documentation/wsdl/v1/%2e%2e/%2e%2e/catalog/garanties.yaml',
      '/documentation/xsd/v1/..\\..\\package.json',
      '/documentation/xsd/v1/test-v1.xsd%00.txt',
      '/documentation/xsd/v1/',
      '/documentation/wsdl/v1/signalisation-v1.WSDL',
      '/documentation/formulaires/LFO/..%2f..%2f..%2fpackage.json',
      '/documentation/formulaires/..%2fformulaires%2fLFO/v1.xsd',
      '/documentation/formulaires/LFO/v1.yaml',
      '/documentation/reference/../../package',
      '/documentation/reference/%2e%2e/operations',
      '/documentation/offres/LFO/nomenclatures/..%2f..%2fpackage.json',
    ]) {
      const answer = await rawGet(url);
      expect([url, answer.status === 404 || answer.status === 400]).toEqual([url, true]);
      expect(answer.body).not.toContain('"name": "esav-gateway"');
      expect(answer.body).not.toContain('<xs:schema');
    }
  });

  test('the reference and the kit rendered from Markdown; every link between the pages works, anchors included', async () => {
    const home = await c.get('/documentation/reference');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<title>Contrat e-SAV intégré : référence fonctionnelle et technique – e-SAV en ligne</title>');
    // The generated files' HTML comment is not passed through.
    expect(home.body).not.toContain('Generated by');
    const pages = ['/documentation/reference', ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs', 'contract')).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => `/documentation/reference/${f.slice(0, -3)}`), ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs', 'contract', 'services')).map((f) => `/documentation/reference/services/${f.slice(0, -3)}`), '/documentation/conformite'];
    const bodies = new Map<string, string>();
    for (const url of pages) {
      const page = await c.get(url);
      expect([url, page.status]).toEqual([url, 200]);
      bodies.set(url, page.body);
    }
    const service = bodies.get('/documentation/reference/services/v1-signalisation')!;
    expect(service).toContain('href="/documentation/xsd/v1/signalisation-v1.xsd"');
    expect(service).toContain('href="/documentation/reference/codes-erreur"');
    expect(service).toContain('id="deposersignalisation"');
    expect(bodies.get('/documentation/reference/catalogue')).toContain('href="/documentation/formulaires/LFO/v1.xsd"');
    expect(bodies.get('/documentation/conformite')).toContain('<article class="doc-markdown" lang="en">');
    // The provider's own guides are not published: their links keep only their text.
    expect(bodies.get('/documentation/reference/exploitation')).toContain('docs/operations.md');
    expect(bodies.get('/documentation/reference/exploitation')).not.toMatch(/href="[^"]*operations/);

    let checked = 0;
    for (const [url, body] of bodies) {
      const main = body.slice(body.indexOf('<main'));
      for (const [, href] of main.matchAll(/href="([^"]+)"/g)) {
        if (/^https?:/.test(href!)) continue;
        const [target, anchor] = href!.split('#');
        const targetUrl = target === '' ? url : target!;
        expect([url, href, targetUrl.startsWith('/')]).toEqual([url, href, true]);
        let targetBody = bodies.get(targetUrl);
        if (targetBody === undefined) {
          const answer = await c.get(targetUrl);
          expect([url, href, answer.status]).toEqual([url, href, 200]);
          targetBody = answer.body;
        }
        if (anchor) expect([url, href, targetBody.includes(`id="${decodeURIComponent(anchor)}"`)]).toEqual([url, href, true]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describeDb('web portal: maintenance shown and applied', () => {
  let t: TestGateway;
  let demo: Map<string, string>;
  let probe: WebPortalApp;
  let probeUrl: string;
  let probeMaintenance: MaintenanceService;
  const clients: PortalClient[] = [];
  const client = (url: string) => {
    const c = new PortalClient(url, t.webCa);
    clients.push(c);
    return c;
  };
  const clock = new SettableClock('2026-11-27T10:00:00+01:00'); // a Friday
  let stored = 0;
  let reference = '';

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_NIGHTLY_MAINTENANCE: '04:00', ESAV_NIGHTLY_MAINTENANCE_MINUTES: '15' } });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    // A second portal over the same accounts and maintenance windows, with one action of its own
    // that stores something (the page families' actions plug in the same way): the guard must
    // refuse it before it runs.
    const maintenance = new MaintenanceService({
      clock,
      calendar: frenchPublicHolidays(),
      repository: t.gateway.repositories.maintenance,
      nightly: { hour: 4, minute: 0, durationMinutes: 15 },
      logger: createLogger('silent'),
    });
    const rules: PortalServiceRules = { clock, maintenance, rateLimits: { admit() {} }, volumetry: { count() {} } };
    probe = await buildWebPortal({
      accounts: t.gateway.webAccounts,
      tls: t.gateway.devPki!.server,
      logger: createLogger('silent'),
      platform: 'integration',
      rules,
      routes: [
        async (app) => {
          app.addHook('preHandler', requireSignedIn);
          app.post('/essai/action', async (request, reply) => {
            sessionOf(request);
            stored++;
            return reply.redirect('/accueil', 303);
          });
          // An action that does not rely on the guard: underServiceRules refuses it the same way.
          app.post('/essai/soap', async (request, reply) =>
            underServiceRules(rules, sessionOf(request).user.operatorCode, 'deposerSignalisation', async () => {
              stored++;
              return reply.redirect('/accueil', 303);
            }),
          );
        },
      ],
    });
    await probe.listen({ host: '127.0.0.1', port: 0 });
    const address = probe.server.address();
    probeUrl = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    probeMaintenance = maintenance;
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await probe?.close();
    await t?.close();
  });

  const refresh = () => probeMaintenance.refresh();

  test('an announced works window is shown ahead of time on every page, the sign-in page included', async () => {
    const announced = await t.admin('POST', '/admin/maintenances', { debut: '2026-12-01T10:00:00+01:00', fin: '2026-12-01T12:00:00+01:00', motif: 'Montée de version' });
    expect(announced.status).toBe(201);
    reference = announced.body.reference;
    expect(reference).toMatch(/^MNT-/);
    const c = client(t.webUrl);
    const signIn = await c.get('/connexion');
    expect(signIn.body).toContain('Maintenance annoncée');
    expect(signIn.body).toContain(`travaux ${reference} : Montée de version`);
    expect(signIn.body).toContain('du mardi 1 décembre 2026 à 10:00 au mardi 1 décembre 2026 à 12:00');
    expect(signIn.body).not.toContain('Service en maintenance');
    await c.signIn('opa1.agent', demo.get('opa1.agent')!);
    for (const url of ['/accueil', '/documentation', '/documentation/reference']) {
      const page = await c.get(url);
      expect([url, page.status, page.body.includes('Maintenance annoncée')]).toEqual([url, 200, true]);
    }
  });

  test('during the window: the banner with its end; reading open; actions refused with nothing stored; sign-out works', async () => {
    await refresh();
    const c = client(probeUrl);
    expect((await c.signIn('opa1.agent', demo.get('opa1.agent')!)).status).toBe(303);
    const before = await c.get('/accueil');
    expect(before.body).toContain('Maintenance annoncée');

    clock.set('2026-12-01T11:30:00+01:00');
    // Signing in stays open (to read); the sessions of Friday have expired meanwhile.
    expect((await c.signIn('opa1.agent', demo.get('opa1.agent')!)).status).toBe(303);
    const main = client(t.webUrl);
    expect((await main.signIn('opa1.agent', demo.get('opa1.agent')!)).status).toBe(303);
    for (const [who, url] of [[main, '/accueil'], [main, '/documentation'], [main, '/documentation/offres/LFO/nomenclatures/defautDeclare.csv'], [c, '/accueil']] as const) {
      const page = await who.get(url);
      expect([url, page.status]).toEqual([url, 200]);
      if (!url.endsWith('.csv')) {
        expect(page.body).toMatch(/<div class="alert alert-warning mb-2" role="alert">\s*<strong>Service en maintenance<\/strong>/);
        expect(page.body).toContain(`(travaux ${reference} : Montée de version) jusqu'au <strong>mardi 1 décembre 2026 à 12:00</strong>`);
        expect(page.body).not.toContain('Maintenance annoncée');
      }
    }

    for (const url of ['/essai/action', '/essai/soap']) {
      const page = await c.get('/accueil');
      const refused = await c.post(url, { _csrf: csrfOf(page.body) });
      expect([url, refused.status]).toEqual([url, 503]);
      expect(refused.body).toContain('<h1 class="h3 mb-3">Service en maintenance</h1>');
      expect(refused.body).toContain(reference);
      expect(refused.body).toContain('2026-12-01T12:00:00+01:00');
    }
    expect(stored).toBe(0);
    // A POST without its CSRF token is still refused as such (the CSRF check comes first).
    expect((await c.post('/essai/action', {})).status).toBe(403);

    // Signing out stays open.
    const page = await c.get('/accueil');
    const out = await c.post('/deconnexion', { _csrf: csrfOf(page.body) });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/connexion?deconnecte=1');
    expect((await c.get('/accueil')).location).toBe('/connexion');

    // After the window the same action runs.
    clock.set('2026-12-01T12:00:00+01:00');
    expect((await c.signIn('opa1.agent', demo.get('opa1.agent')!)).status).toBe(303);
    const after = await c.get('/accueil');
    expect(after.body).not.toContain('Service en maintenance');
    expect((await c.post('/essai/action', { _csrf: csrfOf(after.body) })).status).toBe(303);
    expect(stored).toBe(1);
  });

  test('the nightly window: banner "maintenance nocturne" until 04:15, the next announced works shown only once it is over', async () => {
    clock.set('2026-11-30T04:05:00+01:00');
    await refresh();
    const c = client(t.webUrl);
    const page = await c.get('/connexion');
    expect(page.body).toContain("(maintenance nocturne) jusqu'au <strong>lundi 30 novembre 2026 à 04:15</strong>");
    expect(page.body).toContain(`travaux ${reference}`);
  });
});
