// The documentation space in a real browser (Debian's chromium through playwright-core): from the
// navigation to an offer, its form mock-up (labels tied to the disabled controls), a rendered
// reference page and the kit's guide, a download; a maintenance banner; no CSP violation; axe-core
// finds no serious or critical WCAG 2.1 AA violation on these pages.
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { readDemoAccounts } from '../support/web-portal.js';

const describeBrowser = await describeWithChromium();


describeBrowser('documentation space in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const consoleErrors: string[] = [];
  const clock = new SettableClock('2026-11-27T10:00:00+01:00');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('navigate the documentation, mock-up, reference, kit, download; accessible; maintenance banner', async () => {
    const announced = await t.admin('POST', '/admin/maintenances', { debut: '2026-12-01T10:00:00+01:00', fin: '2026-12-01T12:00:00+01:00', motif: 'Montée de version' });
    expect(announced.status).toBe(201);
    const password = readDemoAccounts(t.gateway.demoAccountsFile!).get('opa1.lecture')!;
    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));

    await signInInBrowser(page, t.webUrl, 'opa1.lecture', password);

    await page.getByRole('link', { name: 'Documentation' }).click();
    await page.waitForURL('**/documentation');
    expect(await page.locator('h1').textContent()).toBe('Documentation');
    expect(await page.getByRole('status').textContent()).toContain('Maintenance annoncée');
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('a[href="/documentation/offres/FTTH_PASSIF"]').click();
    await page.waitForURL('**/documentation/offres/FTTH_PASSIF');
    expect(await page.locator('#canaux').textContent()).toBe('web services (e-SAV intégré)');
    expect(await seriousViolations(page)).toEqual([]);
    // The nomenclature as a CSV download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Télécharger au format CSV : Défauts déclarés/ }).click()]);
    expect(download.suggestedFilename()).toBe('FTTH_PASSIF-defautDeclare.csv');

    await page.getByRole('link', { name: 'Maquette v2' }).click();
    await page.waitForURL('**/documentation/offres/FTTH_PASSIF/formulaires/FTTH_PASSIF/2');
    const fields = page.locator('#maquette .champ');
    expect(await fields.count()).toBeGreaterThan(0);
    const firstCode = (await fields.first().getAttribute('data-code'))!;
    const control = page.locator(`#champ-${firstCode}`);
    expect(await control.isDisabled()).toBe(true);
    expect(await control.getAttribute('aria-describedby')).toBe(`champ-${firstCode}-desc`);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${t.webUrl}/documentation/reference`);
    expect(await page.locator('h1').first().textContent()).toBe('Contrat e-SAV intégré : référence fonctionnelle et technique');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'SignalisationService', exact: true }).first().click();
    await page.waitForURL('**/documentation/reference/services/v1-signalisation');
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${t.webUrl}/documentation/reference/catalogue`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${t.webUrl}/documentation/conformite`);
    expect(await page.locator('article').getAttribute('lang')).toBe('en');
    expect(await seriousViolations(page)).toEqual([]);

    // During the window: the banner with the end of the works.
    clock.set('2026-12-01T11:00:00+01:00');
    await page.goto(`${t.webUrl}/connexion`);
    expect(await page.getByRole('alert').textContent()).toContain('Service en maintenance');
    expect(await seriousViolations(page)).toEqual([]);

    expect(consoleErrors).toEqual([]);
  }, 180_000);
});
