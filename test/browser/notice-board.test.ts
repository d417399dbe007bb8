// The operators' notice board of the portal (decision 0022) in a real browser (Debian's chromium
// through playwright-core): the navigation counts the unread notices, the board lists those that
// concern the user's operator (not another operator's), the unread ones highlighted; marking one
// read, then all, empties the count. The board has no serious or critical axe-core violation.
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, submitSignIn, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { withdrawAutomaticNotices } from '../support/notices.js';

const describeBrowser = await describeWithChromium();

describeBrowser('portal notice board in chromium', () => {
  let t: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock('2026-11-25T10:00:00+01:00') });
    await withdrawAutomaticNotices(t);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('unread notices counted and highlighted, marked read one by one then all; accessible', async () => {
    const publish = async (body: Record<string, unknown>) => {
      const created = await t.admin('POST', '/admin/avis', { agent: 'M. Martin', type: 'AUTRE', ...body });
      expect(created.status).toBe(201);
      return created.body.reference as string;
    };
    await publish({ titre: 'Changement de numéro du support', texte: 'Le support e-SAV répond désormais au 01 00 00 00 00.' });
    await publish({ titre: 'Travaux sur e-SAV', texte: 'Fenêtre de travaux.\nLe service répondra 402.', type: 'TRAVAUX_ESAV', debut: '2026-12-10T22:00:00+01:00', fin: '2026-12-10T23:00:00+01:00', operateurs: ['OPA1'] });
    await publish({ titre: 'Réservé à OPB2', texte: 'Ne concerne pas OPA1.', operateurs: ['OPB2'] });
    const created = await t.admin('POST', '/admin/portail/utilisateurs', { agent: 'Support Martin', operateur: 'OPA1', identifiant: 'opa1.avis', nom: 'Agent Avis', profil: 'TOUT' });
    expect(created.status).toBe(201);

    const page = await browser.context.newPage();
    await submitSignIn(page, t.webUrl, 'opa1.avis', created.body.motDePasse as string);
    await page.waitForURL('**/accueil');
    const link = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: /^Avis/ });
    expect((await link.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Avis 2 avis non lus');

    await link.click();
    await page.waitForURL('**/avis');
    expect(await page.locator('h1').textContent()).toBe('Avis aux opérateurs');
    expect(await page.locator('#resume-avis').textContent()).toBe('2 avis, dont 2 non lus.');
    const titles = await page.locator('#avis h2').allTextContents();
    // Newest first; OPB2's notice is not there.
    expect(titles.map((s) => s.replace('Non lu', '').trim())).toEqual(['Travaux sur e-SAV', 'Changement de numéro du support']);
    expect(await page.locator('.avis-non-lu').count()).toBe(2);
    expect(await page.locator('#avis article').first().textContent()).toContain('(heure de Paris)');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Marquer comme lu : Travaux sur e-SAV' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('#resume-avis').textContent()).toBe('2 avis, dont 1 non lu.');
    expect(await page.locator('.avis-non-lu').count()).toBe(1);
    expect((await link.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Avis 1 avis non lu');

    await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await page.waitForURL('**/avis?lus=1');
    expect(await page.locator('.avis-non-lu').count()).toBe(0);
    expect((await link.textContent())?.trim()).toBe('Avis');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);
});
