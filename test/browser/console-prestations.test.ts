// The console's Prestations page (/console/prestations, issue 14) in a real browser (Debian's
// chromium through playwright-core): the demo support account signs in with its second factor,
// is refused an import without a file, sees a file refused as a whole (its reason), runs a dry run of a generated 30 000-line file (nothing
// changes), then the real import: the progress panel (a polite live region polled with htmx)
// shows the import's state while the file is streamed, then the exact report and the refused
// lines (line, identifier, field, reason); looks a prestation up and terminates it. axe-core finds
// no serious or critical violation, nothing is blocked by the strict CSP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, parisDayOf } from '../../src/domain/paris-calendar.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { generateImportFile } from '../support/prestation-files.js';

const describeBrowser = await describeWithChromium();
const LINES = 30_000;

describeBrowser('console: prestations import in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway({ env: { ESAV_IMPORT_PROGRESS_LINES: '500' } });
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-console-prestations-'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function accessible(page: Page): Promise<void> {
    expect([new URL(page.url()).pathname, await seriousViolations(page)]).toEqual([new URL(page.url()).pathname, []]);
  }
  const prestationCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM prestations'))[0]!.n;

  test('refusal without a file, dry run, import with progress, exact report and refused lines, termination', async () => {
    const generated = generateImportFile(LINES, 21);
    const refused = generated.rejects.length;
    expect(refused).toBeGreaterThan(0);
    const file = path.join(dir, 'inventaire.csv');
    fs.writeFileSync(file, generated.csv);

    const page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    // Every state the progress panel shows (data-etat of its content), across the htmx swaps.
    const seen: string[] = [];
    await page.exposeBinding('noteEtat', (_source, etat: string) => {
      seen.push(etat);
    });

    await signInConsoleInBrowser(page, t);

    await page.getByRole('link', { name: 'Prestations' }).click();
    await page.waitForURL('**/console/prestations');
    expect(await page.locator('h1').textContent()).toBe('Prestations');
    await accessible(page);

    // No file: refused beside the field, nothing imported.
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.locator('#import-fichier-erreur').waitFor();
    expect(await page.locator('#import-fichier-erreur').textContent()).toContain('Choisissez le fichier à importer.');
    await accessible(page);

    // A file refused as a whole (unknown column in its header), large enough that most of the
    // upload is still on its way when the import refuses it: the report says why, nothing changes.
    const before = await prestationCount();
    const badHeader = path.join(dir, 'entete-inconnue.csv');
    fs.writeFileSync(badHeader, generated.csv.replace(/^identifiant/, 'identifient'));
    await page.locator('#import-fichier').setInputFiles(badHeader);
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.waitForURL('**/console/prestations/imports/**');
    expect(await page.locator('#bilan-etat').textContent()).toContain('fichier refusé : rien n’est importé');
    expect(await page.locator('main').textContent()).toContain('colonne(s) inconnue(s) « identifient »');
    expect(await prestationCount()).toBe(before);
    await accessible(page);
    await page.getByRole('link', { name: 'Retour aux prestations' }).click();
    await page.waitForURL('**/console/prestations');

    // Dry run: the report of what would be done, nothing written.
    await page.getByLabel('Simulation : tout vérifier et donner le bilan sans rien écrire').check();
    await page.locator('#import-fichier').setInputFiles(file);
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.waitForURL('**/console/prestations/imports/**');
    expect(await page.locator('#bilan-etat').textContent()).toContain('simulation terminée (rien n’est écrit)');
    expect(await page.locator('#bilan-lues').textContent()).toBe(LINES.toLocaleString('fr-FR'));
    expect(await page.locator('#bilan-refusees').textContent()).toBe(refused.toLocaleString('fr-FR'));
    expect(await prestationCount()).toBe(before);
    await accessible(page);

    // The import: the progress panel is watched while the file is streamed and imported.
    await page.getByRole('link', { name: 'Retour aux prestations' }).click();
    await page.waitForURL('**/console/prestations');
    await page.evaluate(`(() => {
      const panel = document.getElementById('progression');
      new MutationObserver(() => {
        const etat = panel.querySelector('[data-etat]')?.getAttribute('data-etat');
        if (etat) window.noteEtat(etat);
      }).observe(panel, { childList: true, subtree: true });
    })()`);
    expect(await page.locator('#progression').getAttribute('aria-live')).toBe('polite');
    await page.locator('#import-fichier').setInputFiles(file);
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.waitForURL('**/console/prestations/imports/**');
    // The panel showed the import's progress at least once before the report (its states only
    // move forward: waiting for the file, running, then the final one).
    expect(seen.length).toBeGreaterThan(0);
    const order = ['ATTENTE', 'RUNNING', 'DONE'];
    expect(seen.every((etat) => order.includes(etat))).toBe(true);
    expect(seen.map((etat) => order.indexOf(etat))).toEqual([...seen.map((etat) => order.indexOf(etat))].sort((a, b) => a - b));

    // The exact report and the refused lines, 50 a page.
    expect(await page.locator('#bilan-etat').textContent()).toContain('importé');
    expect(await page.locator('#bilan-lues').textContent()).toBe(LINES.toLocaleString('fr-FR'));
    expect(await page.locator('#bilan-acceptees').textContent()).toBe((LINES - refused).toLocaleString('fr-FR'));
    expect(await page.locator('#bilan-refusees').textContent()).toBe(refused.toLocaleString('fr-FR'));
    expect(await page.locator('#bilan-creees').textContent()).toBe((LINES - refused).toLocaleString('fr-FR'));
    expect(await prestationCount()).toBe(before + LINES - refused);
    const rows = await page.locator('#rejets tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')));
    expect(rows).toEqual(generated.rejects.slice(0, 50).map((r) => [String(r.ligne), r.identifiant ?? '—', r.champ ?? '—', r.motif]));
    await accessible(page);
    if (refused > 50) {
      await page.getByRole('link', { name: 'Lignes refusées suivantes' }).click();
      await page.waitForURL('**/imports/**?apres=*');
      expect(await page.locator('#rejets tbody tr').first().locator('th').textContent()).toBe(String(generated.rejects[50]!.ligne));
    }

    // The recent imports list both; look an imported prestation up and terminate it.
    await page.goto(`${t.webUrl}/console/prestations`);
    expect(await page.locator('#imports-recents tbody tr').count()).toBeGreaterThanOrEqual(2);
    const [identifiant] = [...generated.accepted.keys()];
    await page.getByLabel('Identifiant de la prestation').fill(identifiant!);
    await page.getByRole('button', { name: 'Consulter' }).click();
    await page.locator('#prestation-detail').waitFor();
    expect(await page.locator('#prestation-resiliation').textContent()).toBe('—');
    await accessible(page);
    const day = addDays(parisDayOf(t.clock.now()), 30);
    await page.getByLabel('Premier jour hors service').fill(day);
    await page.getByRole('button', { name: 'Résilier' }).click();
    await page.waitForURL('**/console/prestations?identifiant=*');
    expect(await page.locator('#notice').textContent()).toBe(`Prestation ${identifiant} résiliée au ${day}.`);
    expect(await page.locator('#prestation-resiliation').textContent()).toBe(day);
    await accessible(page);
    const audit = await t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'PRESTATION_RESILIEE' ORDER BY id DESC LIMIT 1");
    expect(audit[0]?.actor).toBe('support.demo');

    expect(problems).toEqual([]);
  }, 240_000);
});
