// The console's capacity page in a real browser (Debian's chromium through playwright-core):
// support staff sign in with their second factor, read the booked/free view, close a period, add
// a pattern line and a provider non-working day, see a refusal on its form with the values kept,
// lift the closure — each change seen at once by an operator's real SOAP slot search over mutual
// TLS, audited with the staff member as agent; axe-core finds no serious violation.
import type { Page } from 'playwright-core';
import type soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';

const describeBrowser = await describeWithChromium();
const asList = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

describeBrowser('console: capacity page in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let clock: SettableClock;
  let opa: soap.Client;
  let reference: string;

  beforeAll(async () => {
    clock = new SettableClock('2026-11-02T10:00:00+01:00'); // a Monday
    t = await startTestGateway({ clock });
    browser = await launchChromium();
    opa = await t.soapClient('OPA1');
    opa.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await opa.deposerSignalisationAsync(depositArgs());
    reference = ack.referenceSignalisation;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function search(day: string, type = 'SAV'): Promise<string[]> {
    const [answer] = await opa.rechercherCreneauxAsync({
      referenceSignalisation: reference,
      typeRendezVous: type,
      periode: { debut: `${day}T00:00:00+01:00`, fin: `${day}T23:59:00+01:00` },
    });
    return asList<{ debut: Date }>(answer?.creneau).map((s) => formatParisDateTime(s.debut).slice(11, 16));
  }


  const synthese = (page: Page) => page.locator('#synthese').textContent();

  test('view, closure, pattern line, provider day, refusal on its form, lift; the SOAP search follows; audited; accessible', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await signInConsoleInBrowser(page, t, { nextTotpStep: true });

    await page.getByRole('link', { name: 'Capacité', exact: true }).click();
    await page.waitForURL('**/console/capacite');
    expect(await page.locator('h1').textContent()).toBe('Capacité des techniciens');
    await page.getByLabel('Commune (code INSEE)').fill('75056');
    await page.getByLabel('Type de rendez-vous').selectOption('SAV');
    await page.getByLabel('Du', { exact: true }).fill('2026-11-04');
    await page.getByLabel('Au', { exact: true }).fill('2026-11-07');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/du=2026-11-04/);
    expect(await synthese(page)).toContain('capacité 36, réservés 0, libres 36, fermés 0');
    expect(await seriousViolations(page)).toEqual([]);

    // Close Wednesday morning for SAV.
    await page.locator('#c-perimetre').fill('75056');
    await page.locator('#c-type').selectOption('SAV');
    await page.locator('#c-debut').fill('2026-11-04T08:00');
    await page.locator('#c-fin').fill('2026-11-04T12:00');
    await page.locator('#c-motif').fill('Formation');
    await page.getByRole('button', { name: 'Fermer la période' }).click();
    await page.waitForURL(/fait=fermeture/);
    expect(await page.locator('#avis').textContent()).toContain('Fermeture ajoutée');
    expect(await synthese(page)).toContain('capacité 36, réservés 0, libres 30, fermés 6');
    expect(await search('2026-11-04')).toEqual(['14:00', '16:00']);

    // A refused line: the API's message on the form, the typed values kept, nothing changed.
    await page.locator('#p-jour').selectOption('6');
    await page.locator('#p-debut').fill('09:00');
    await page.locator('#p-fin').fill('10:00');
    await page.locator('#p-duree').fill('90');
    await page.locator('#p-techniciens').fill('1');
    await page.getByRole('button', { name: 'Enregistrer la plage' }).click();
    await page.locator('#erreur-plage').waitFor();
    expect(await page.locator('#erreur-plage').textContent()).toContain('dureeMinutes');
    expect(await page.locator('#p-fin').inputValue()).toBe('10:00');
    expect(await search('2026-11-07')).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // The corrected line: Saturday mornings.
    await page.locator('#p-fin').fill('11:00');
    await page.locator('#p-duree').fill('120');
    await page.getByRole('button', { name: 'Enregistrer la plage' }).click();
    await page.waitForURL(/fait=plage/);
    expect(await page.locator('#plannings').textContent()).toContain('samedi');
    expect(await search('2026-11-07')).toEqual(['09:00']);

    // A provider non-working day on Thursday.
    await page.locator('#j-jour').fill('2026-11-05');
    await page.locator('#j-libelle').fill('Fête locale');
    await page.getByRole('button', { name: 'Ajouter le jour' }).click();
    await page.waitForURL(/fait=jour/);
    expect(await page.locator('#jours').textContent()).toContain('Fête locale');
    expect(await search('2026-11-05')).toEqual([]);
    expect(await synthese(page)).toContain('capacité 25, réservés 0, libres 19, fermés 6');

    // Lift the closure.
    await page.getByRole('button', { name: /^Lever la fermeture/ }).click();
    await page.waitForURL(/fait=fermeture-levee/);
    expect(await search('2026-11-04')).toEqual(['08:00', '10:00', '14:00', '16:00']);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);

    const audit = await t.db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE action LIKE 'CAPACITE_%' OR action LIKE 'JOUR_NON_%' ORDER BY id`);
    expect(audit).toEqual([
      { actor: 'support.demo', action: 'CAPACITE_FERMETURE_AJOUTEE' },
      { actor: 'support.demo', action: 'CAPACITE_PLANNING_MODIFIE' },
      { actor: 'support.demo', action: 'JOUR_NON_TRAVAILLE_AJOUTE' },
      { actor: 'support.demo', action: 'CAPACITE_FERMETURE_SUPPRIMEE' },
    ]);
  }, 180_000);
});
