// The portal's signalisation pages in a real browser (Debian's chromium through playwright-core):
// deposit from the form generated from the catalogue form version (the browser's own checks from
// the XSD facets, then a fault of the server shown on its field with the typed values kept), the
// acknowledgement, the ticket in the list beside one deposited through SOAP, the FTTH refusal,
// CSRF, another operator's ticket by URL; axe-core on the list, deposit and detail pages; no CSP
// violation.
import type { Page } from 'playwright-core';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { readDemoAccounts } from '../support/web-portal.js';

const describeBrowser = await describeWithChromium();


describeBrowser('web portal signalisations in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let demo: Map<string, string>;
  const consoleErrors: string[] = [];
  const count = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM signalisations'))[0]!.n);

  beforeAll(async () => {
    t = await startTestGateway();
    browser = await launchChromium();
    demo = readDemoAccounts(t.gateway.demoAccountsFile!);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (page: Page, identifier: string) => signInInBrowser(page, t.webUrl, identifier, demo.get(identifier)!);

  test('deposit from the generated form, field error, acknowledgement, list with a SOAP ticket, FTTH refusal, CSRF, isolation; accessible', async () => {
    const soapOpa = await t.soapClient('OPA1');
    soapOpa.addSoapHeader(enteteRequete('OPA1'));
    const [soapAck] = await soapOpa.deposerSignalisationAsync(depositArgs());
    const bySoap = String(soapAck.referenceSignalisation);

    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await signIn(page, 'opa1.agent');

    // The list, from the main navigation: the SOAP ticket is there.
    await page.getByRole('link', { name: 'Signalisations', exact: true }).click();
    await page.waitForURL('**/signalisations');
    expect(await page.locator('h1').textContent()).toBe('Signalisations');
    expect(await page.getByRole('link', { name: bySoap }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    // FTTH: refused on the portal, with the explanation (from the catalogue's channels).
    await page.getByRole('link', { name: 'Nouvelle signalisation' }).click();
    await page.getByLabel('Offre').selectOption('FTTH_PASSIF');
    await page.getByRole('button', { name: 'Continuer' }).click();
    expect(await page.locator('#f-offre-erreur').textContent()).toContain('uniquement par web services (e-SAV intégré)');
    expect(await page.locator('#formulaire-depot').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // The generated form of CUIVRE_DEGROUPAGE v1.
    await page.getByLabel('Offre').selectOption('CUIVRE_DEGROUPAGE');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForSelector('#formulaire-depot');
    expect(await page.locator('#formulaire-choisi').textContent()).toBe('CUIVRE_DEGROUPAGE version 1');
    expect(await seriousViolations(page)).toEqual([]);

    const interne = `NAV-${Date.now()}`;
    await page.getByLabel('Identifiant de la prestation').fill('INCONNUE-1');
    await page.getByLabel('Votre référence interne').fill(interne);
    await page.getByLabel('Défaut déclaré').selectOption('DEGRADATION');
    await page.getByLabel('Impact').selectOption('TOTAL');
    await page.getByLabel('Début du défaut (heure de Paris)').fill('2026-11-02T08:30');
    await page.getByLabel('Numéro de désignation de la ligne').fill('12');
    await page.getByLabel('Contact sur site : nom').fill('M. Martin');
    await page.getByLabel('Contact sur site : téléphone').fill('0612345678');
    await page.getByLabel('Votre contact : nom').fill('Supervision OPA');
    await page.getByLabel('Votre contact : téléphone').fill('0100000000');

    // The browser checks the XSD pattern first: nothing is sent.
    const before = await count();
    await page.getByRole('button', { name: 'Déposer la signalisation' }).click();
    expect(await page.locator('#f-champ-NUMERO_DESIGNATION').evaluate((e) => (e as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch)).toBe(true);
    expect(new URL(page.url()).search).toBe('?offre=CUIVRE_DEGROUPAGE');
    await page.getByLabel('Numéro de désignation de la ligne').fill('0140000001');

    // A value the browser cannot judge: the server's fault (300) on its field, the values kept.
    await page.getByRole('button', { name: 'Déposer la signalisation' }).click();
    await page.waitForSelector('#f-identifiantPrestation-erreur');
    expect(await page.locator('#f-identifiantPrestation-erreur').textContent()).toContain('(code 300)');
    expect(await page.getByLabel('Identifiant de la prestation').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Contact sur site : nom').inputValue()).toBe('M. Martin');
    expect(await page.getByLabel('Début du défaut (heure de Paris)').inputValue()).toBe('2026-11-02T08:30');
    expect(await count()).toBe(before);
    expect(await seriousViolations(page)).toEqual([]);

    // Corrected: deposited, the reference as acknowledgement.
    await page.getByLabel('Identifiant de la prestation').fill('0140000001');
    await page.getByRole('button', { name: 'Déposer la signalisation' }).click();
    await page.waitForURL(/\/signalisations\/SIG-\d+\?depot=nouveau$/);
    const reference = (await page.locator('#reference').textContent())!;
    expect(await page.getByRole('status').textContent()).toContain(`référence ${reference}`);
    expect(await page.locator('#reference-interne').textContent()).toBe(interne);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await count()).toBe(before + 1);

    // In the list.
    await page.getByRole('link', { name: 'Retour à la liste' }).click();
    expect(await page.getByRole('link', { name: reference }).count()).toBe(1);

    // CSRF token removed from the page: refused, nothing stored.
    await page.goto(`${t.webUrl}/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE`);
    await page.getByLabel('Identifiant de la prestation').fill('0140000001');
    await page.getByLabel('Votre référence interne').fill(`${interne}-csrf`);
    await page.getByLabel('Défaut déclaré').selectOption('DEGRADATION');
    await page.getByLabel('Impact').selectOption('TOTAL');
    await page.getByLabel('Contact sur site : nom').fill('M. Martin');
    await page.getByLabel('Contact sur site : téléphone').fill('0612345678');
    await page.getByLabel('Votre contact : nom').fill('Supervision OPA');
    await page.getByLabel('Votre contact : téléphone').fill('0100000000');
    await page.locator('#formulaire-depot input[name="_csrf"]').evaluate((e) => (e as unknown as { remove(): void }).remove());
    await page.getByRole('button', { name: 'Déposer la signalisation' }).click();
    await page.waitForSelector('h1:has-text("Formulaire refusé")');
    expect(await count()).toBe(before + 1);

    // Another operator cannot reach it by URL: the same page as an unknown reference.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'opb2.agent');
    const other = await page.goto(`${t.webUrl}/signalisations/${reference}`);
    expect(other!.status()).toBe(404);
    const otherText = await page.locator('main').textContent();
    const unknown = await page.goto(`${t.webUrl}/signalisations/SIG-9999999999`);
    expect(unknown!.status()).toBe(404);
    expect(await page.locator('main').textContent()).toBe(otherText);

    // The answers 403, 404 and 422 are logged by chromium; anything else (a CSP refusal…) fails.
    expect(consoleErrors.filter((e) => !/the server responded with a status of 4(03|04|22) /.test(e))).toEqual([]);
  }, 180_000);
});
