// The portal's line tests, appointments and works in a real browser (Debian's chromium through
// playwright-core): type a prestation with the suggestions htmx brings (a <datalist>), ask a line
// test and watch it run to its verdict without the page reloading (server-sent events,
// views/static/suivi-test.js, nothing inline for the CSP); book an appointment
// on a ticket deposited through SOAP and see it; the works page; another operator's test
// unreachable; the read-only profile refused; axe-core finds no serious or critical violation.
import type { Page } from 'playwright-core';
import type soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { FAST_TESTS_ENV } from '../support/line-tests.js';
import { readDemoAccounts } from '../support/web-portal.js';

const describeBrowser = await describeWithChromium();


describeBrowser('web portal in chromium: line tests, appointments, works', () => {
  let t: TestGateway;
  let browser: Browser;
  let demo: Map<string, string>;
  let opa: soap.Client;
  const clock = new SettableClock('2026-11-02T10:00:00+01:00'); // a Monday
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: FAST_TESTS_ENV });
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (page: Page, identifier: string) => signInInBrowser(page, t.webUrl, identifier, demo.get(identifier)!);

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL('**/connexion?deconnecte=1');
  }

  let testUrl = '';

  test('ask a line test and watch it run to its verdict without reloading the page', async () => {
    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await signIn(page, 'opa1.agent');

    await page.getByRole('link', { name: 'Tests de ligne' }).click();
    await page.waitForURL('**/tests');
    expect(await seriousViolations(page)).toEqual([]);
    // The prestation is typed; htmx fills the field's <datalist> with the operator's testable
    // prestations starting with what was typed (at most 20), and the polite status says how many.
    const field = page.getByLabel('Identifiant de la prestation');
    await field.pressSequentially('FI-1000-000');
    await page.locator('#suggestions-prestation option').first().waitFor({ state: 'attached' });
    expect(await page.locator('#suggestions-prestation option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).toEqual([
      'FI-1000-0002',
      'FI-1000-0003',
      'FI-1000-0004',
      'FI-1000-0005',
    ]);
    expect(await page.getByRole('status').textContent()).toBe('4 prestations testables proposées.');
    expect(await seriousViolations(page)).toEqual([]);
    await field.fill('FI-1000-0003');
    await page.getByRole('button', { name: 'Voir les tests possibles' }).click();
    await page.waitForURL('**/tests?identifiantPrestation=FI-1000-0003');
    await page.getByLabel(/Mesure des puissances optiques/).check();
    expect(await seriousViolations(page)).toEqual([]);

    // Count the navigations of the page from now on: following the test must not reload it.
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await page.getByRole('button', { name: 'Demander le test' }).click();
    await page.waitForURL(/\/tests\/TST-\d{10}$/);
    testUrl = page.url();
    const afterRequest = navigations;
    // The events replace the state region until the verdict (20 ms simulator, 0.5 s queue poll).
    await page.locator('#verdict').waitFor({ timeout: 30_000 });
    expect(navigations).toBe(afterRequest);
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('KO');
    expect(await page.locator('#localisation').textContent()).toBe('Installation du client');
    expect(await page.locator('#mesures caption').textContent()).toBe('Mesures relevées');
    expect(await page.locator('#statut').textContent()).toContain('Terminé');
    expect(await page.locator('#actualiser').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 120_000);

  test('book an appointment on a ticket deposited through SOAP, and see it', async () => {
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    const reference: string = ack.referenceSignalisation;
    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${t.webUrl}/signalisations/${reference}/rendez-vous`);
    expect(await page.locator('h1').textContent()).toBe(`Rendez-vous de la signalisation ${reference}`);
    await page.getByLabel('Type de rendez-vous').selectOption('SAV');
    await page.getByLabel('Du (heure de Paris)').fill('2026-11-03T08:00');
    await page.getByLabel('Au (heure de Paris)').fill('2026-11-04T20:00');
    await page.getByRole('button', { name: 'Rechercher les créneaux libres' }).click();
    await page.locator('#form-creneaux').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const second = page.locator('#form-creneaux input[type=radio]').nth(1);
    const label = await page.locator(`label[for="${await second.getAttribute('id')}"]`).textContent();
    await second.check();
    await page.getByRole('button', { name: 'Réserver le créneau choisi' }).click();
    await page.waitForURL('**/rendez-vous?fait=reserve');
    expect(await page.getByRole('status').first().textContent()).toBe('Le rendez-vous est réservé.');
    const row = page.locator('#liste-rdv tbody tr').first();
    expect(await row.textContent()).toContain('Réservé');
    expect(await row.textContent()).toContain(label!.split(' – ')[0]!);
    expect(await seriousViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 120_000);

  test('works and incidents page: accessible, filters by nature', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${t.webUrl}/travaux`);
    expect(await page.locator('#table-travaux').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Nature').selectOption('INCIDENT');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL('**/travaux?*nature=INCIDENT*');
    expect(await page.locator('#table-travaux').count()).toBe(0);
    expect(await page.locator('#table-incidents').textContent()).toContain('DERCO-75056-0063-01');
    await signOut(page);
    await page.close();
  }, 120_000);

  test("another operator's test is unreachable; the read-only profile may not ask a test", async () => {
    const page = await browser.context.newPage();
    await signIn(page, 'opb2.agent');
    const answer = await page.goto(testUrl);
    expect(answer?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Test inconnu');
    await signOut(page);

    await signIn(page, 'opa1.lecture');
    const refused = await page.goto(`${t.webUrl}/tests`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Action non autorisée');
    expect(await page.locator('main').textContent()).toContain('listerTestsDisponibles');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);
});
