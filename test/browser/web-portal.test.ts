// The web portal in a real browser (Debian's chromium through playwright-core): sign in as the
// demo OPA1 agent, see the accueil page, sign out; keyboard use (skip link); no CSP violation
// (the pages need nothing inline); axe-core finds no serious or critical WCAG 2.1 AA violation on
// the sign-in and accueil pages.
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { readDemoAccounts } from '../support/web-portal.js';

const describeBrowser = await describeWithChromium();

// The few DOM names the page functions use (they run in the browser; the project's lib has no DOM).
declare const document: { activeElement: { textContent: string | null } | null; cookie: string; querySelector(selector: string): unknown };
declare function getComputedStyle(element: unknown): { backgroundColor: string };

describeBrowser('web portal in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('sign in as the demo OPA1 agent, accueil, sign out; accessible; nothing blocked by the CSP', async () => {
    const password = readDemoAccounts(t.gateway.demoAccountsFile!).get('opa1.agent')!;
    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));

    await page.goto(`${t.webUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.title()).toBe('Connexion – e-SAV en ligne');
    // Bootstrap's stylesheet is applied (served from this origin, allowed by the CSP).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.btn-primary')!).backgroundColor)).toBe('rgb(13, 110, 253)');
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard: the first Tab reaches the skip link, which leads to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');

    await page.getByLabel('Identifiant').fill('opa1.agent');
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).press('Enter');
    await page.waitForURL('**/accueil');
    expect(await page.locator('h1').textContent()).toBe('Bienvenue, Agent OPA1 (tous droits)');
    expect(await page.locator('#code-operateur').textContent()).toBe('OPA1');
    expect(await page.locator('#raison-sociale').textContent()).toBe('Opérateur A (démo)');
    expect(await page.locator('header').textContent()).toContain('Agent OPA1 (tous droits)');
    expect(await page.getByRole('link', { name: 'Accueil' }).getAttribute('aria-current')).toBe('page');
    // htmx loaded (served locally) and did not need eval or inline styles.
    expect(await page.evaluate(() => typeof (globalThis as { htmx?: unknown }).htmx)).toBe('object');
    expect(await seriousViolations(page)).toEqual([]);

    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === '__Host-esav_session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('esav_session');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL('**/connexion?deconnecte=1');
    expect(await page.getByRole('status').textContent()).toBe('Vous êtes déconnecté.');
    await page.goto(`${t.webUrl}/accueil`);
    expect(new URL(page.url()).pathname).toBe('/connexion');

    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
