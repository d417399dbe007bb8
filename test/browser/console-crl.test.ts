// The console's page of the CRL sources (/console/lcr, decision 0019) in a real browser (Debian's
// chromium through playwright-core): a support staff member signs in with the second factor, opens
// the page from the console's navigation, sees the source of a registered certificate of a
// recognised CA, fetches the CRLs now after the CA revoked it (audited with their identifier), then
// sees an unreachable source reported; axe-core finds no serious or critical violation.
import { X509Certificate } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { makeCertificate, makeRoot } from '../support/operator-pki.js';
import { CrlServer, makeCrl } from '../support/crl.js';

const describeBrowser = await describeWithChromium();

describeBrowser('console: CRL sources in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const crlServer = new CrlServer();
  const root = makeRoot('AC Console LCR');

  beforeAll(async () => {
    await crlServer.start();
    crlServer.body = await makeCrl(root);
    t = await startTestGateway();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await crlServer.stop();
  });

  test('list the sources, fetch now after a revocation by the CA, see an unreachable source', async () => {
    const certificate = makeCertificate(root, { commonName: 'OPA1 client console', crlUrls: [crlServer.url] });
    expect((await t.admin('POST', '/admin/autorites', { agent: 'chef.support', pem: root.certPem })).status).toBe(201);
    const registered = await t.admin('POST', '/admin/certificats/enregistrement', { agent: 'chef.support', operateur: 'OPA1', profil: 'TOUT', pem: certificate.certPem });
    expect(registered.status).toBe(201);
    const created = await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'nina.support', nom: 'Nina (support)' });
    expect(created.status).toBe(201);

    const page = await browser.context.newPage();
    await signInConsoleInBrowser(page, t, { identifier: 'nina.support', password: created.body.motDePasse, nextTotpStep: true });

    await page.getByRole('link', { name: 'Listes de révocation' }).click();
    await page.waitForURL('**/console/lcr');
    expect(await page.locator('h1').textContent()).toBe('Listes de révocation (LCR)');
    expect(await page.getByRole('link', { name: 'Listes de révocation' }).getAttribute('aria-current')).toBe('page');
    const row = page.locator('#sources-lcr tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-etat')).toBe('A_JOUR');
    expect(await row.textContent()).toContain(crlServer.url);
    expect(await row.textContent()).toContain('CN=AC Console LCR, O=AC Externe Test');
    expect(await row.textContent()).toContain('OPA1');
    expect(await row.textContent()).toContain(': accepté');
    expect(await page.textContent('main')).toContain('accepter le certificat (accept)');
    expect(await seriousViolations(page)).toEqual([]);

    // The CA revokes the certificate; support staff fetch now.
    crlServer.body = await makeCrl(root, { revoked: [new X509Certificate(certificate.certPem).serialNumber] });
    await page.getByRole('button', { name: 'Télécharger les LCR maintenant' }).click();
    await page.waitForURL('**/console/lcr/rafraichissement');
    expect(await page.getByRole('status').textContent()).toBe('LCR rafraîchies : 1/1 obtenue(s), connexions fermées : 0.');
    expect(await row.textContent()).toContain(': révoqué par son AC');
    const audit = (await t.admin('GET', '/admin/audit?limite=5')).body.evenements;
    expect(audit[0]).toMatchObject({ agent: 'nina.support', action: 'LCR_RAFRAICHIES' });

    // The source becomes unreachable: reported on the page.
    await crlServer.stop();
    await page.getByRole('button', { name: 'Télécharger les LCR maintenant' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe('LCR rafraîchies : 0/1 obtenue(s), connexions fermées : 0.');
    expect(await row.getAttribute('data-etat')).toBe('ECHEC');
    expect(await row.textContent()).toContain('dernier téléchargement en échec');
    expect(await row.textContent()).toMatch(/source injoignable : .*ECONNREFUSED/);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
