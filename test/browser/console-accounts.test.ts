// The support console's account pages and the weekly pattern replacement in a real browser
// (Debian's chromium through playwright-core), issue 14: from the list to one support account's
// page and an action on it, from an operator's page to one portal user's page and to the operator's
// life cycle page, the whole weekly pattern replaced from its text form (a line that cannot be
// read shown on the form, typed text kept). Every action goes through the admin API, audited with
// the staff member's identifier. axe-core finds no serious or critical violation.
import type { Page } from 'playwright-core';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';

const describeBrowser = await describeWithChromium();

describeBrowser('support console: account pages and weekly pattern in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  const clock = new SettableClock('2026-12-07T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await signInConsoleInBrowser(page, t, { nextTotpStep: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a support account’s page: disabled then enabled from it, audited as the staff member', async () => {
    expect((await t.admin('POST', '/admin/support/comptes', { agent: 'chef.support', identifiant: 'ines.support', nom: 'Inès' })).status).toBe(201);
    await page.getByRole('link', { name: 'Comptes du support' }).click();
    await page.waitForURL('**/console/support');
    await page.getByRole('link', { name: 'ines.support' }).click();
    await page.waitForURL('**/console/support/ines.support');
    expect(await page.locator('#etat-compte').textContent()).toBe('actif');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Désactiver' }).click();
    await page.locator('#confirmation').waitFor();
    expect(await page.locator('#etat-compte').textContent()).toMatch(/^désactivé le /);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Réactiver' }).click();
    await page.locator('#confirmation').waitFor();
    expect(await page.locator('#etat-compte').textContent()).toBe('actif');
    const audit = await t.db.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action IN ('SUPPORT_COMPTE_DESACTIVE', 'SUPPORT_COMPTE_ACTIVE') ORDER BY id");
    expect(audit).toEqual([
      { action: 'SUPPORT_COMPTE_DESACTIVE', actor: 'support.demo' },
      { action: 'SUPPORT_COMPTE_ACTIVE', actor: 'support.demo' },
    ]);
  });

  test('from an operator’s page: one portal user’s page (unlocked from it) and the life cycle page', async () => {
    const users = await t.admin('GET', '/admin/portail/utilisateurs?operateur=OPA1');
    const identifier = (users.body.utilisateurs as { identifiant: string }[])[0]!.identifiant;
    await page.goto(`${t.webUrl}/console/operateurs/OPA1`);
    await page.getByRole('link', { name: identifier, exact: true }).click();
    await page.waitForURL(`**/console/operateurs/OPA1/portail/utilisateurs/${identifier}`);
    expect(await page.locator('h1').textContent()).toBe(`Utilisateur du portail ${identifier}`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.locator('#confirmation').waitFor();
    expect(await page.locator('#confirmation').textContent()).toContain('Verrouillage levé');
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'PORTAIL_UTILISATEUR_DEVERROUILLE'");
    expect(audit.map((a) => a.actor)).toEqual(['support.demo']);
    await page.getByRole('link', { name: 'Opérateur OPA1' }).click();
    await page.getByRole('link', { name: /Cycle de vie/ }).click();
    await page.waitForURL('**/console/operateurs/OPA1/cycle-de-vie');
    expect(await page.locator('h1').textContent()).toContain('OPA1');
  });

  test('the weekly pattern replaced from its text form; a line that cannot be read shown there, the text kept', async () => {
    await page.goto(`${t.webUrl}/console/capacite?commune=69123&type=SAV&du=2026-12-14&au=2026-12-20`);
    const text = page.getByLabel('Plages de la semaine, une par ligne');
    await text.fill('lundi 08:00 12:00 120 2\nmardi matin');
    await page.getByRole('button', { name: 'Remplacer le planning' }).click();
    await page.locator('#erreur-planning').waitFor();
    expect(await page.locator('#erreur-planning').textContent()).toContain('ligne 2 : « mardi matin »');
    expect(await page.getByLabel('Plages de la semaine, une par ligne').inputValue()).toBe('lundi 08:00 12:00 120 2\nmardi matin');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Plages de la semaine, une par ligne').fill('lundi 08:00 12:00 120 2\nmardi 13:00 17:00 120 1');
    await page.getByRole('button', { name: 'Remplacer le planning' }).click();
    await page.locator('#avis').waitFor();
    expect(await page.locator('#avis').textContent()).toContain('Planning remplacé');
    expect(await page.getByLabel('Plages de la semaine, une par ligne').inputValue()).toBe('lundi 08:00 12:00 120 2\nmardi 13:00 17:00 120 1');
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'CAPACITE_PLANNING_REMPLACE'");
    expect(audit.map((a) => a.actor)).toEqual(['support.demo']);
  });
});
