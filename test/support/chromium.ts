// A real browser for the portal's end-to-end tests: Debian's chromium (`apt-get install chromium`)
// driven by playwright-core through executablePath — never a browser download. A fresh profile
// each launch, no network chatter of its own. Without chromium the browser suites are skipped
// locally but fail under CI (.ci/run installs it), like python3-zeep for the SOAP suites.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { OtpAuthTotp } from '../../src/adapters/web-portal/secrets.js';
import type { TestGateway } from './gateway.js';
import { IN_CI, describeWithPostgres } from './postgres.js';
import { readDemoAccounts } from './web-portal.js';

export const CHROMIUM = process.env.ESAV_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh --user-data-dir; the portal's development certificate is accepted. */
export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-chromium-'));
  // launchPersistentContext is how playwright takes a --user-data-dir of ours (a fresh one).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreHTTPSErrors: true,
    locale: 'fr-FR',
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `describe` when PostgreSQL and chromium are there (always under CI), `describe.skip` otherwise. */
export async function describeWithChromium(): Promise<jest.Describe> {
  const describeDb = await describeWithPostgres();
  if (fs.existsSync(CHROMIUM)) return describeDb;
  const reason = `${CHROMIUM} not found`;
  if (IN_CI) throw new Error(`${reason}: CI must install chromium (apt-get update && apt-get install -y chromium)`);
  console.warn(`${reason}: browser tests skipped (apt-get install -y chromium)`);
  return describe.skip;
}

/** Fills and sends the portal's sign-in form; the page is then wherever the portal answered. */
export async function submitSignIn(page: Page, webUrl: string, identifier: string, password: string): Promise<void> {
  await page.goto(`${webUrl}/connexion`);
  await page.getByLabel('Identifiant').fill(identifier);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Signs in and waits for the accueil page. */
export async function signInInBrowser(page: Page, webUrl: string, identifier: string, password: string): Promise<void> {
  await submitSignIn(page, webUrl, identifier, password);
  await page.waitForURL('**/accueil');
}

export interface ConsoleSignInOptions {
  /** The support account signing in (default: the demo `support.demo` with its password from the demo accounts file). */
  identifier?: string;
  password?: string;
  /** Advance the gateway's clock by 31 s (one TOTP step) before computing the code. */
  nextTotpStep?: boolean;
  /** Called on the TOTP enrolment page, before the code is typed (e.g. an accessibility check). */
  onTotpPage?: (page: Page) => Promise<void>;
}

/**
 * Signs a support account in to the console: password, then the second factor enrolled at this
 * first sign-in (the code computed with otpauth from the secret the page shows, at the gateway's
 * clock); waits for the console page.
 */
export async function signInConsoleInBrowser(page: Page, t: TestGateway, options: ConsoleSignInOptions = {}): Promise<void> {
  const identifier = options.identifier ?? 'support.demo';
  const password = options.password ?? readDemoAccounts(t.gateway.demoAccountsFile!).get(identifier)!;
  await submitSignIn(page, t.webUrl, identifier, password);
  await page.waitForURL('**/connexion/totp');
  await options.onTotpPage?.(page);
  const secret = (await page.locator('#cle-totp').textContent())!.trim();
  if (options.nextTotpStep) t.clock.advance(31_000);
  await page.getByLabel('Code à 6 chiffres').fill(OtpAuthTotp.codeAt(secret, t.clock.now()));
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.waitForURL('**/console');
}
