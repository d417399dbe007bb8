// The support console in a real browser (Debian's chromium through playwright-core), issue 14:
// sign in as the demo support account with its second factor (enrolled here, the code computed
// with otpauth from the secret the page shows), filter the tickets and move one's state, issue a
// certificate from an uploaded CSR, download it and use it from a node-soap client over mutual TLS,
// revoke it in the console and see the SOAP call refused, see the volumetry charts (SVG with
// accessible names and their data tables); axe finds no serious violation on each page visited,
// and nothing is blocked by the strict CSP.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import soap from 'soap';
import type { Page } from 'playwright-core';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithChromium, launchChromium, signInConsoleInBrowser, type Browser } from '../support/chromium.js';
import { seriousViolations } from '../support/axe.js';
import { makeCsr } from '../support/operator-pki.js';

const describeBrowser = await describeWithChromium();

describeBrowser('support console in chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway();
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-console-'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function accessible(page: Page): Promise<void> {
    expect([new URL(page.url()).pathname, await seriousViolations(page)]).toEqual([new URL(page.url()).pathname, []]);
  }

  /** A node-soap client of SignalisationService v1 with the given client certificate. */
  async function soapClientWith(key: string, cert: string): Promise<soap.Client> {
    const tls = { key: Buffer.from(key), cert: Buffer.from(cert), ca: Buffer.from(t.webCa) };
    const wsdlAgent = new https.Agent({ ...tls });
    const client = await soap.createClientAsync(`https://localhost:${t.gateway.port}/ws/v1/signalisation?wsdl`, { wsdl_options: { httpsAgent: wsdlAgent } });
    wsdlAgent.destroy();
    client.setSecurity(new soap.ClientSSLSecurity(tls.key, tls.cert, tls.ca));
    client.addSoapHeader(enteteRequete('OPA1'));
    return client;
  }

  test('sign in with TOTP, tickets, certificate from a CSR used over mTLS then revoked, charts', async () => {
    // A ticket of OPA1, deposited over SOAP with the demo certificate.
    const demoClient = await t.soapClient('OPA1');
    demoClient.addSoapHeader(enteteRequete('OPA1'));
    const [ack] = await demoClient.deposerSignalisationAsync(depositArgs({ commentaire: 'Coupure totale' }));
    const reference = ack.referenceSignalisation as string;

    const page = await browser.context.newPage();
    page.on('console', (message) => {
      // A refused action answers 4xx on purpose (the refused transition below): not a problem.
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));

    // Password, then the second factor: enrolled at this first sign-in.
    await signInConsoleInBrowser(page, t, { onTotpPage: accessible });
    expect(await page.locator('h1').textContent()).toBe('Console du support');
    expect(await page.getByRole('navigation', { name: 'Navigation de la console' }).isVisible()).toBe(true);
    await accessible(page);

    // Tickets: filter on OPA1 and EN_DEPOT, open the ticket, move it to EN_QUALIFICATION, comment.
    await page.getByRole('link', { name: 'Signalisations' }).click();
    await page.waitForURL('**/console/signalisations');
    await page.getByLabel('Opérateur').selectOption('OPA1');
    await page.getByLabel('États').selectOption(['EN_DEPOT']);
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL('**/console/signalisations?**');
    await accessible(page);
    await page.getByRole('link', { name: reference }).click();
    await page.waitForURL(`**/console/signalisations/${reference}`);
    await accessible(page);
    await page.getByLabel('Nouvel état').selectOption('EN_QUALIFICATION');
    await page.getByRole('button', { name: 'Changer l’état' }).click();
    await page.locator('#confirmation').waitFor();
    expect(await page.locator('#etat-courant').textContent()).toContain('EN_QUALIFICATION');
    // A transition the rules refuse: the admin API's message, nothing changed.
    await page.getByLabel('Nouvel état').selectOption('VALIDE');
    await page.getByRole('button', { name: 'Changer l’état' }).click();
    await page.locator('#erreur-generale, #transition-etat-erreur').first().waitFor();
    expect(await page.locator('#etat-courant').textContent()).toContain('EN_QUALIFICATION');
    await accessible(page);

    // Certificates: issue from the operator's CSR, uploaded as a file.
    const { csrPem, keyPem } = makeCsr('opa1-console.example');
    fs.writeFileSync(path.join(dir, 'demande.csr'), csrPem);
    await page.getByRole('link', { name: 'Certificats' }).click();
    await page.waitForURL('**/console/certificats');
    await accessible(page);
    await page.locator('#emission-operateur').selectOption('OPA1');
    await page.locator('#emission-profil').selectOption('TOUT');
    await page.locator('#emission-csr-fichier').setInputFiles(path.join(dir, 'demande.csr'));
    await page.getByRole('button', { name: 'Émettre' }).click();
    await page.locator('#confirmation').waitFor();
    await accessible(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#telecharger-certificat').click()]);
    const certFile = path.join(dir, 'certificat.pem');
    await download.saveAs(certFile);
    const certPem = fs.readFileSync(certFile, 'utf8');
    expect(certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);

    // The certificate works from a SOAP client over mutual TLS.
    const client = await soapClientWith(keyPem, certPem);
    const [state] = await client.consulterEtatSignalisationAsync({ referenceSignalisation: reference });
    expect(state.etat).toBe('EN_QUALIFICATION');

    // Revoke it in the console: the SOAP call is refused from then on.
    await page.getByRole('link', { name: 'Fiche du certificat' }).click();
    await page.locator('#etat-certificat').waitFor();
    await accessible(page);
    await page.getByLabel('Motif de la révocation').fill('Clé compromise (test)');
    await page.getByRole('button', { name: 'Révoquer le certificat' }).click();
    await page.locator('#confirmation').waitFor();
    expect(await page.locator('#etat-certificat').textContent()).toBe('REVOQUE');
    await accessible(page);
    const again = await soapClientWith(keyPem, certPem).then(
      (c) => c.consulterEtatSignalisationAsync({ referenceSignalisation: reference }).then(() => 'accepted', () => 'refused'),
      () => 'refused',
    );
    expect(again).toBe('refused');
    // newest first: the revocation, the issue, and the ticket moved at the start, all under the staff member
    const audit = await t.admin('GET', '/admin/audit?operateur=OPA1');
    expect((audit.body.evenements as { action: string; agent: string }[]).filter((e) => e.agent === 'support.demo').map((e) => e.action)).toEqual(['CERTIFICAT_REVOQUE', 'CERTIFICAT_EMIS', 'SIGNALISATION_ETAT_MODIFIE']);

    // Volumetry: charts with accessible names, and their data tables.
    await page.getByRole('link', { name: 'Volumétrie' }).click();
    await page.waitForURL('**/console/volumetrie');
    expect(await page.getByRole('img', { name: 'Requêtes par jour et par opérateur' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Requêtes par opérateur et par type' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Pic de requêtes par minute, par opérateur' }).count()).toBe(1);
    expect(await page.locator('#graphique-jours rect title').count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: /Requêtes par jour et par opérateur/ }).locator('tbody tr').count()).toBe(7);
    expect(await page.locator('#tableau-types tbody').textContent()).toContain('OPA1');
    await accessible(page);

    await page.getByRole('link', { name: 'Exploitation' }).click();
    await page.waitForURL('**/console/exploitation');
    expect(await page.locator('#taux-erreur').textContent()).toMatch(/requête\(s\)/);
    await accessible(page);
    for (const [link, url] of [
      ['Autorités', '**/console/autorites'],
      ['Opérateurs', '**/console/operateurs'],
      ['Travaux', '**/console/travaux'],
      ['Journal d’audit', '**/console/audit'],
      ['Comptes du support', '**/console/support'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Navigation de la console' }).getByRole('link', { name: link, exact: true }).click();
      await page.waitForURL(url);
      await accessible(page);
    }
    await page.goto(`${t.webUrl}/console/operateurs/OPA1`);
    await accessible(page);

    expect(problems).toEqual([]);
  }, 180_000);
});
