// Prestations import on a gateway without the demo data (issue 14): an operator onboarded through
// the admin API, a profile created through the admin API, a
// certificate issued from its CSR, its prestations imported by the compiled command line
// (spawned, progress bar on stderr, report, exit codes), then a real SOAP deposit over mutual TLS
// on an imported prestation; a prestation not yet activated is refused as an unknown one (300).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import soap from 'soap';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { addDays, parisDayOf } from '../../src/domain/paris-calendar.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { soapFault } from '../support/faults.js';
import { makeCsr } from '../support/operator-pki.js';
import { describeWithPostgres } from '../support/postgres.js';
import { generateImportFile, HEADER } from '../support/prestation-files.js';
import { runProcess, shellEnv } from '../support/spawn.js';

const describeDb = await describeWithPostgres();
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'admin-cli', 'cli.js');
const AGENT = 'Bruno Petit (support N1)';

describeDb('prestations import with demo data off: command line, then a SOAP deposit on an imported prestation', () => {
  let t: TestGateway;
  let dir: string;
  const cli = (...args: string[]) =>
    runProcess(process.execPath, [CLI, '--url', t.adminUrl, '--token', t.adminToken, ...args], shellEnv(['ESAV_ADMIN_URL', 'ESAV_ADMIN_TOKEN', 'ESAV_DATA_DIR', 'ESAV_AGENT']), 120_000);

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: dist/ is built by the jest global setup`);
    t = await startTestGateway({ env: { ESAV_DEMO_DATA: 'off', ESAV_IMPORT_PROGRESS_LINES: '500' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-prestations-cli-'));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('onboard, profile, certificate, import by the CLI, deposit over mTLS', async () => {
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM prestations'))[0]!.n).toBe(0);
    const onboarded = await t.admin('POST', '/admin/operateurs', {
      agent: AGENT,
      codeOperateur: 'OPX1',
      referenceContrat: 'CG2026-OPX1-ESAV',
      numeroAffaire: 'AFF-OPX1',
      raisonSociale: 'Opérateur X',
      siret: '40483304800022',
      representant: 'Jeanne Dupont',
      telephone: '01 23 45 67 89',
      email: 'contact@opx1.example',
      adresse: ['1 rue de la Fibre', '75002 Paris'],
      acces: 'INTEGRE',
    });
    expect(onboarded.status).toBe(201);
    // The profile through the admin API (profiles administration, another part of issue 14).
    const profile = await t.admin('POST', '/admin/profils', { agent: AGENT, nom: 'IMPORT_TOUT', libelle: 'Toutes les opérations', operations: ['*'] });
    expect(profile.status).toBe(201);
    const { csrPem, keyPem } = makeCsr('OPX1 poste 1');
    const issued = await t.admin('POST', '/admin/certificats/emission', { agent: AGENT, operateur: 'OPX1', profil: 'IMPORT_TOUT', csr: csrPem });
    expect(issued.status).toBe(201);

    // The inventory: two prestations of OPX1 (by SIRET and by code), one activated tomorrow, one
    // refused line; then 20 000 generated lines of an unknown operator… for the progress bar.
    const tomorrow = addDays(parisDayOf(t.clock.now()), 1);
    const lines = [
      HEADER,
      'FI-X-0001;40483304800022;FTTH_PASSIF;75056;PTO:PTO-X1|PM:PM-X;PBO=PBO-X1;GTR_4HO;2025-01-01;',
      `FI-X-0002;OPX1;FTTH_PASSIF;69123;PTO:PTO-X2;;GTR_STANDARD;${tomorrow};`,
      'FI-X-0003;OPX1;FTTH_PASSIF;7505;;;GTR_STANDARD;;',
    ];
    const small = path.join(dir, 'inventaire.csv');
    fs.writeFileSync(small, `${lines.join('\n')}\n`);

    const dry = await cli('prestations', 'importer', small, '--simulation', '--agent', AGENT);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('simulation (rien n’est écrit)');
    expect(dry.stdout).toMatch(/prestations seraient créées 2/);
    expect(dry.stdout).toMatch(/4\s+FI-X-0003\s+codeInsee\s+code INSEE invalide « 7505 »/);
    expect(dry.stderr).toContain('1 ligne(s) refusée(s) (les autres sont vérifiées)');
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM prestations'))[0]!.n).toBe(0);

    const done = await cli('prestations', 'importer', small, '--agent', AGENT, '--json');
    expect(done.code).toBe(1);
    const report = JSON.parse(done.stdout);
    expect(report.import).toMatchObject({ etat: 'DONE', lignesLues: 3, lignesAcceptees: 2, lignesRefusees: 1, creees: 2 });
    expect(report.rejets).toEqual([{ ligne: 4, identifiant: 'FI-X-0003', champ: 'codeInsee', motif: 'code INSEE invalide « 7505 » (5 caractères, 2A/2B pour la Corse)' }]);
    // The progress bar went to stderr, its last line at 100 %.
    expect(done.stderr).toMatch(/\[#{30}\] 100 %/);

    const clean = path.join(dir, 'propre.csv');
    fs.writeFileSync(clean, `${lines.slice(0, 3).join('\n')}\n`);
    const again = await cli('prestations', 'importer', clean, '--agent', AGENT);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/inchangées 2/);

    // A bigger file (the progress is drawn while it is sent), refused above its threshold: exit 1.
    const big = path.join(dir, 'gros.csv');
    fs.writeFileSync(big, generateImportFile(20_000, 7).csv);
    const refused = await cli('prestations', 'importer', big, '--max-rejets', '0', '--agent', AGENT);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('fichier refusé : rien n’est importé');
    expect(refused.stderr).toMatch(/fichier refusé : .*au-delà du seuil de 0/);
    expect(refused.stderr.match(/\] +[0-9]+ %/g)!.length).toBeGreaterThanOrEqual(2);
    const id = /import ([0-9a-f-]{36})/.exec(refused.stdout)![1]!;
    const shown = await cli('prestations', 'import', id);
    expect(shown.stdout).toContain('lignes lues 20');
    const page = await cli('prestations', 'rejets', id, '--limite', '2');
    expect(page.stdout).toMatch(/^LIGNE\s+IDENTIFIANT\s+CHAMP\s+MOTIF\n2\s+.*\n3\s+.*\n\(suite/);
    expect(page.stdout).toContain('(suite : --apres 3)');
    expect((await cli('prestations', 'voir', 'FI-X-0001')).stdout).toContain('PTO:PTO-X1 | PM:PM-X');

    // A real deposit over mutual TLS with the issued certificate, on the imported prestation.
    const tls = { key: Buffer.from(keyPem), cert: Buffer.from(issued.body.certificat.pem as string), ca: Buffer.from(t.gateway.devPki!.ca.certPem) };
    const https = await import('node:https');
    const wsdlAgent = new https.Agent(tls);
    const client = await soap.createClientAsync(`https://localhost:${t.gateway.port}/ws/v1/signalisation?wsdl`, { wsdl_options: { httpsAgent: wsdlAgent } });
    wsdlAgent.destroy();
    client.setSecurity(new soap.ClientSSLSecurity(tls.key, tls.cert, tls.ca));
    client.addSoapHeader(enteteRequete('OPX1'));
    const [ack] = await client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-X-0001', contactOC: { nom: 'Supervision X', telephone: '0100000000' } }));
    expect(ack.referenceSignalisation).toMatch(/^SIG-/);
    // Not activated yet: the answer of an unknown prestation.
    const early = await soapFault(client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-X-0002' })));
    expect(early).toMatchObject({ code: 300, champ: 'identifiantPrestation' });
    // Terminated by the CLI: refused from that day, the ticket stays.
    const today = parisDayOf(t.clock.now());
    const terminated = await cli('prestations', 'resilier', 'FI-X-0001', '--date', today, '--agent', AGENT);
    expect(terminated).toMatchObject({ code: 0 });
    expect(terminated.stdout).toContain(`résiliée au ${today} : FI-X-0001 (1 signalisation(s) conservée(s))`);
    expect((await soapFault(client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-X-0001' })))).code).toBe(300);
  }, 240_000);
});
