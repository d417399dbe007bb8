// The support console's profiles and operator life cycle pages in a real browser (Debian's
// chromium through playwright-core), issue 14: the demo support account signs in with its second
// factor, creates a profile (operations as checkboxes), is told beside the field what is wrong,
// changes the operations granted, is refused the retirement of a profile in use, retires an unused
// one; suspends an operator, reactivates it, is refused a termination before the two months'
// notice (the rule named), records one after. Every action goes through the admin API, audited
// with the staff member's identifier. axe-core finds no serious or critical violation.
import type { Page } from 'playwright-core';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';

const describeBrowser = await describeWithChromium();

describeBrowser('support console: profiles and operator life cycle in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  const clock = new SettableClock('2026-12-07T09:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ clock });
    browser = await launchChromium();
    page = await browser.context.newPage();
    // The demo support account, its second factor enrolled at this first sign-in.
    await signInConsoleInBrowser(page, t, { nextTotpStep: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('profiles: create, a refusal beside its field, change, retire refused while in use, then retired', async () => {
    await page.getByRole('link', { name: 'Profils' }).click();
    await page.waitForURL('**/console/profils');
    expect(await page.locator('h1').textContent()).toBe('Profils');
    expect(await page.locator('table').textContent()).toContain('SIGNALISATION_LECTURE');
    expect(await seriousViolations(page)).toEqual([]);

    // No operation ticked: the admin API's refusal beside the operations, nothing created.
    await page.getByLabel('Nom (A-Z, 0-9, _)').fill('CONSOLE_SUIVI');
    await page.getByLabel('Libellé').fill('Suivi depuis la console');
    await page.getByRole('button', { name: 'Créer le profil' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#operations-erreur').textContent()).toContain('operations : au moins une opération');
    expect((await t.admin('GET', '/admin/profils/CONSOLE_SUIVI')).status).toBe(404);
    expect(await seriousViolations(page)).toEqual([]);

    // The values typed are kept; one operation ticked.
    expect(await page.getByLabel('Nom (A-Z, 0-9, _)').inputValue()).toBe('CONSOLE_SUIVI');
    await page.getByLabel('consulterCatalogue', { exact: true }).check();
    await page.getByRole('button', { name: 'Créer le profil' }).click();
    await page.waitForURL('**/console/profils?fait=*');
    expect(await page.locator('#notice').textContent()).toBe('Profil CONSOLE_SUIVI créé.');
    expect((await t.admin('GET', '/admin/profils/CONSOLE_SUIVI')).body).toMatchObject({ operations: ['consulterCatalogue'], creePar: 'support.demo' });

    // Change the operations granted.
    await page.getByRole('link', { name: 'CONSOLE_SUIVI' }).click();
    await page.waitForURL('**/console/profils/CONSOLE_SUIVI');
    await page.getByLabel('listerSignalisations', { exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL('**/console/profils/CONSOLE_SUIVI?fait=*');
    expect(await page.locator('#notice').textContent()).toContain('effectifs pour les connexions et sessions ouvertes');
    expect((await t.admin('GET', '/admin/profils/CONSOLE_SUIVI')).body.operations.sort()).toEqual(['consulterCatalogue', 'listerSignalisations']);

    // TOUT is used by the demo certificates: refused, the reason shown.
    await page.goto(`${t.webUrl}/console/profils/TOUT`);
    await page.getByRole('button', { name: 'Retirer le profil' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#erreur-generale').textContent()).toContain('est utilisé par');
    expect(await page.locator('#etat-profil').textContent()).toBe('En service');

    await page.goto(`${t.webUrl}/console/profils/CONSOLE_SUIVI`);
    await page.getByRole('button', { name: 'Retirer le profil' }).click();
    await page.waitForURL('**/console/profils?fait=*');
    expect(await page.locator('#notice').textContent()).toContain('Profil CONSOLE_SUIVI retiré');
    expect(await page.locator('tr', { hasText: 'CONSOLE_SUIVI' }).textContent()).toContain('Retiré');

    const actors = await t.db.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action LIKE 'PROFIL_%' ORDER BY id");
    expect(actors).toEqual([
      { action: 'PROFIL_CREE', actor: 'support.demo' },
      { action: 'PROFIL_OPERATIONS_MODIFIEES', actor: 'support.demo' },
      { action: 'PROFIL_RETIRE', actor: 'support.demo' },
    ]);
  });

  test('operator life cycle: suspend, reactivate, termination refused before the notice then recorded', async () => {
    await page.goto(`${t.webUrl}/console/operateurs/OPB2/cycle-de-vie`);
    expect(await page.locator('#etat-operateur').textContent()).toBe('ACTIF');
    expect(await seriousViolations(page)).toEqual([]);

    // No reason: refused beside the field.
    await page.getByRole('button', { name: 'Suspendre l’opérateur' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#motif-suspension-erreur').textContent()).toContain('motif');
    expect((await t.admin('GET', '/admin/operateurs/OPB2')).body.etat).toBe('ACTIF');

    await page.getByLabel('Motif', { exact: true }).fill('Incident de sécurité');
    await page.getByRole('button', { name: 'Suspendre l’opérateur' }).click();
    await page.waitForURL('**/cycle-de-vie?fait=*');
    expect(await page.locator('#etat-operateur').textContent()).toBe('SUSPENDU');
    expect(await page.locator('main').textContent()).toContain('par support.demo : Incident de sécurité');
    expect((await t.admin('GET', '/admin/operateurs/OPB2')).body.suspension).toMatchObject({ par: 'support.demo', motif: 'Incident de sécurité' });

    await page.getByRole('button', { name: 'Réactiver l’opérateur' }).click();
    await page.waitForURL('**/cycle-de-vie?fait=*');
    expect(await page.locator('#etat-operateur').textContent()).toBe('ACTIF');

    await page.getByLabel('Date de résiliation').fill('2027-01-15');
    await page.getByRole('button', { name: 'Enregistrer la résiliation' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#erreur-generale').textContent()).toContain('préavis de résiliation de deux mois');
    expect((await t.admin('GET', '/admin/operateurs/OPB2')).body.resiliation).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Date de résiliation').fill('2027-03-01');
    await page.getByRole('button', { name: 'Enregistrer la résiliation' }).click();
    await page.waitForURL('**/cycle-de-vie?fait=*');
    expect(await page.locator('#resiliation').textContent()).toContain('le 2027-03-01 (notifiée le 2026-12-07, enregistrée par support.demo');
    const actions = (await t.admin('GET', '/admin/audit?operateur=OPB2')).body.evenements.map((e: { action: string; agent: string }) => `${e.action} ${e.agent}`);
    expect(actions.slice(0, 4)).toEqual([
      'OPERATEUR_RESILIATION_ENREGISTREE support.demo',
      'RESILIATION_REFUSEE support.demo',
      'OPERATEUR_REACTIVE support.demo',
      'OPERATEUR_SUSPENDU support.demo',
    ]);
  });
});
