// The lockout of a portal account seen in a real browser (Debian's chromium through
// playwright-core): repeated wrong passwords typed in the sign-in form lead to the lockout message
// (an alert tied to the field), the right password is then refused too, until support staff unlock
// the user through the admin API or the lockout time passes. The locked page has no serious or
// critical axe-core violation.
import type { Page } from 'playwright-core';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, submitSignIn, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';

const describeBrowser = await describeWithChromium();


describeBrowser('portal lockout in chromium, lifted by support staff or by time', () => {
  let t: TestGateway;
  let browser: Browser;
  const clock = new SettableClock('2026-03-10T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_WEB_LOCKOUT_THRESHOLD: '3', ESAV_WEB_LOCKOUT_MINUTES: '10' } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function createUser(identifiant: string): Promise<string> {
    const created = await t.admin('POST', '/admin/portail/utilisateurs', { agent: 'Support Martin', operateur: 'OPA1', identifiant, nom: `Agent ${identifiant}`, profil: 'TOUT' });
    expect(created.status).toBe(201);
    return created.body.motDePasse as string;
  }

  async function signIn(page: Page, identifier: string, password: string): Promise<void> {
    await submitSignIn(page, t.webUrl, identifier, password);
    await page.waitForLoadState('domcontentloaded');
  }

  /** Three wrong passwords: the third locks the account. */
  async function lockOut(page: Page, identifier: string): Promise<void> {
    for (const wrong of ['mauvais-1', 'mauvais-2']) {
      await signIn(page, identifier, wrong);
      expect(await page.getByRole('alert').textContent()).toBe('Identifiant ou mot de passe incorrect.');
    }
    await signIn(page, identifier, 'mauvais-3');
    // 10 minutes after 09:00 UTC: 10:10 in Paris.
    expect(await page.getByRole('alert').textContent()).toMatch(/^Trop d'échecs de connexion : ce compte est verrouillé jusqu'à .*10:10/);
    expect(await page.getByLabel('Identifiant').getAttribute('aria-describedby')).toBe('erreur-connexion');
  }

  test('locked after wrong passwords, the right one refused, signed in once support staff unlock it', async () => {
    const password = await createUser('opa1.navigateur');
    const page = await browser.context.newPage();
    await lockOut(page, 'opa1.navigateur');
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, 'opa1.navigateur', password);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(await page.getByRole('alert').textContent()).toMatch(/verrouillé/);

    const unlocked = await t.admin('POST', '/admin/portail/utilisateurs/opa1.navigateur/deverrouillage', { agent: 'Support Martin' });
    expect(unlocked.status).toBe(200);
    await signIn(page, 'opa1.navigateur', password);
    await page.waitForURL('**/accueil');
    expect(await page.locator('h1').textContent()).toBe('Bienvenue, Agent opa1.navigateur');
    await page.close();
  }, 120_000);

  test('locked, the right password refused until the lockout time has passed', async () => {
    const password = await createUser('opa1.patient');
    // A fresh browser: the previous test's session would send /connexion on to /accueil.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await lockOut(page, 'opa1.patient');
    clock.advance(9 * 60_000);
    await signIn(page, 'opa1.patient', password);
    expect(await page.getByRole('alert').textContent()).toMatch(/verrouillé/);
    clock.advance(60_000 + 1000);
    await signIn(page, 'opa1.patient', password);
    await page.waitForURL('**/accueil');
    await page.close();
  }, 120_000);
});
