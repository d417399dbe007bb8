// npm run docs:screenshots — screenshots of the portal's main pages for the README
// (docs/screenshots/*.png, 1280×800). Starts the gateway on the embedded database (PGlite, in a
// temporary folder, demo data and demo accounts), drives Debian's chromium through playwright-core
// (`executablePath`, no browser download; ESAV_CHROMIUM names another binary), signs in as the
// demo OPA1 agent and takes one PNG per page. Not part of `npm test` (it is slow); run it after a
// visible change of the pages and commit the PNGs (each must stay under 200 KB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { loadConfig } from '../../src/composition/config/config.js';
import { startGateway } from '../../src/composition/gateway.js';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';

const OUT_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');
const MAX_BYTES = 200 * 1024;
const CHROMIUM = process.env.ESAV_CHROMIUM ?? '/usr/bin/chromium';

/** The pages shot, signed in unless said otherwise; a page that does not exist (yet) is skipped. */
const PAGES: ReadonlyArray<{ file: string; url: string; signedOut?: boolean }> = [
  { file: 'connexion', url: '/connexion', signedOut: true },
  { file: 'accueil', url: '/accueil' },
  { file: 'signalisations', url: '/signalisations' },
  { file: 'signalisation-nouvelle', url: '/signalisations/nouvelle?offre=CUIVRE_DEGROUPAGE' },
  { file: 'tests', url: '/tests' },
  { file: 'travaux', url: '/travaux' },
  { file: 'documentation', url: '/documentation' },
  { file: 'documentation-offre', url: '/documentation/offres/FTTH_PASSIF' },
  { file: 'documentation-maquette', url: '/documentation/offres/FTTH_PASSIF/formulaires/FTTH_PASSIF/2' },
  { file: 'documentation-reference', url: '/documentation/reference' },
  { file: 'compte', url: '/compte' },
];

/** The support console's pages, shot signed in as the demo support account (second factor enrolled on the way). */
const CONSOLE_PAGES: ReadonlyArray<{ file: string; url: string }> = [
  { file: 'console-tableau-de-bord', url: '/console' },
  { file: 'console-signalisations', url: '/console/signalisations' },
  { file: 'console-certificats', url: '/console/certificats' },
  { file: 'console-volumetrie', url: '/console/volumetrie' },
  { file: 'console-exploitation', url: '/console/exploitation' },
];

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set ESAV_CHROMIUM)`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-screenshots-'));
  const config = loadConfig({
    ...process.env,
    ESAV_HOST: '127.0.0.1',
    ESAV_PORT: '0',
    ESAV_ADMIN_HOST: '127.0.0.1',
    ESAV_ADMIN_PORT: '0',
    ESAV_WEB_HOST: '127.0.0.1',
    ESAV_WEB_PORT: '0',
    ESAV_DATA_DIR: path.join(work, 'data'),
    ESAV_DEV_CERTS_DIR: path.join(work, 'certs'),
    ESAV_NIGHTLY_MAINTENANCE: 'off',
    ESAV_SWEEP_INTERVAL_SECONDS: '0',
    DATABASE_URL: '',
  });
  const gateway = await startGateway(config, { logger: createLogger('warn') });
  const profile = path.join(work, 'chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true,
    locale: 'fr-FR',
    viewport: { width: 1280, height: 800 },
  });
  try {
    const base = gateway.webUrl;
    const password = fs
      .readFileSync(gateway.demoAccountsFile!, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('opa1.agent '))!
      .split(' ')[1]!;
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const page = await context.newPage();
    const shoot = async (file: string, url: string) => {
      const answer = await page.goto(`${base}${url}`);
      if (!answer || answer.status() === 404) {
        console.log(`skipped ${url} (${answer?.status() ?? 'no answer'})`);
        return;
      }
      const target = path.join(OUT_DIR, `${file}.png`);
      await page.screenshot({ path: target, fullPage: false });
      const size = fs.statSync(target).size;
      console.log(`docs/screenshots/${file}.png ${Math.round(size / 1024)} KB`);
      if (size > MAX_BYTES) throw new Error(`${target} is ${size} bytes (more than ${MAX_BYTES})`);
    };
    for (const { file, url } of PAGES.filter((p) => p.signedOut)) await shoot(file, url);
    await page.goto(`${base}/connexion`);
    await page.getByLabel('Identifiant').fill('opa1.agent');
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/accueil');
    for (const { file, url } of PAGES.filter((p) => !p.signedOut)) await shoot(file, url);
    // The support console: sign out, sign in as the demo support account with its second factor.
    const demoPassword = (identifier: string) =>
      fs
        .readFileSync(gateway.demoAccountsFile!, 'utf8')
        .split('\n')
        .find((line) => line.startsWith(`${identifier} `))
        ?.split(' ')[1];
    const supportPassword = demoPassword('support.demo');
    if (supportPassword) {
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL('**/connexion**');
      await page.getByLabel('Identifiant').fill('support.demo');
      await page.getByLabel('Mot de passe').fill(supportPassword);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL('**/connexion/totp');
      const secret = (await page.locator('#cle-totp').textContent())!.trim();
      await page.getByLabel('Code à 6 chiffres').fill(OtpAuthTotp.codeAt(secret, new Date()));
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForURL('**/console');
      for (const { file, url } of CONSOLE_PAGES) await shoot(file, url);
    }
  } finally {
    await context.close();
    await gateway.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
