// The conformance kit ("jeu de test e-SAV", issue 7) run in-process against a live gateway (real
// PostgreSQL, real mutual TLS, the development PKI files of the demo operators), and against a test
// double of our own server whose consulterEtatSignalisation answers a wrong reference; the runs
// the gateway records on its own evidence, which is what promotion to production checks.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import forge from 'node-forge';
import { XmlDocument } from 'libxml2-wasm';
import { withDefaults, type KitOptions } from '../../src/conformance-kit/options.js';
import { EXIT, runConformance, SCENARIOS, type KitRun } from '../../src/conformance-kit/runner.js';
import { SettableClock } from '../../src/domain/clock.js';
import { buildGateway, type GatewayApp } from '../../src/adapters/operators-front/app.js';
import { startConformance, type ConformanceRuntime } from '../../src/composition/conformance.js';
import { buildEndpoints } from '../../src/adapters/operators-front/endpoints.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import type { SoapOperation } from '../../src/adapters/soap/endpoint.js';
import type { ConformanceDomain } from '../../src/domain/conformance.js';
import { SqlConformanceRunRepository } from '../../src/adapters/postgres/conformance-runs.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { FAST_TESTS_ENV } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const MONDAY_10H = '2026-11-02T10:00:00+01:00';
const ALL: ConformanceDomain[] = ['signalisation', 'test', 'rendezvous', 'interop'];
const scenarioCount = (domains: ConformanceDomain[]) => domains.reduce((n, d) => n + SCENARIOS[d].length, 0);

interface Captured extends KitRun {
  stdout: string;
  stderr: string;
  dir: string;
}

describeDb('conformance kit (in-process, live gateway)', () => {
  let t: TestGateway;
  let runs: SqlConformanceRunRepository;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-conformance-'));

  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock(MONDAY_10H), env: FAST_TESTS_ENV });
    runs = new SqlConformanceRunRepository(t.db);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => t.clock.set(MONDAY_10H));

  /** The kit with OPA1's development PKI files, as an operator would run it. */
  function opa1(overrides: Partial<KitOptions> = {}, url = t.url): KitOptions {
    const pki = t.gateway.devPki!;
    return withDefaults({
      url,
      operatorCode: 'OPA1',
      tls: { cert: pki.operators.OPA1!.certPath, key: pki.operators.OPA1!.keyPath, ca: pki.paths.caCert },
      reportsDir: fs.mkdtempSync(path.join(tmp, 'run-')),
      testPollMs: 100,
      testWaitMs: 20_000,
      ...overrides,
    });
  }

  async function kit(options: KitOptions): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const run = await runConformance(options, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { ...run, stdout: out.join('\n'), stderr: err.join('\n'), dir: options.reportsDir };
  }

  const passed = async (operator: string) => [...(await runs.passedDomains(operator))].sort();

  function junitOf(run: Captured) {
    const text = fs.readFileSync(path.join(run.dir, 'junit.xml'), 'utf8');
    const doc = XmlDocument.fromString(text); // well-formed
    try {
      const root = doc.root;
      const attr = (name: string) => root.attrs.find((a) => a.name === name)?.value;
      return { text, tests: Number(attr('tests')), failures: Number(attr('failures')), skipped: Number(attr('skipped')) };
    } finally {
      doc.dispose();
    }
  }

  describe('against a test double whose consulterEtatSignalisation answers a wrong reference', () => {
    let double: GatewayApp;
    let doubleUrl: string;
    let evidence: ConformanceRuntime;

    beforeAll(async () => {
      const sink = new Writable({ write: (_c, _e, done) => done() });
      const logger = createLogger('warn', sink);
      // The gateway's own use cases, behind endpoints of the double's own (the one tampered with).
      const endpoints = buildEndpoints({ useCases: t.gateway.useCases, providerSiren: t.config.providerSiren });
      const signalisation = endpoints.find((e) => e.path === '/ws/v1/signalisation')!;
      const real = signalisation.operations.get('consulterEtatSignalisation') as SoapOperation<unknown, Record<string, unknown>>;
      (signalisation.operations as Map<string, SoapOperation<any, any>>).set('consulterEtatSignalisation', {
        ...real,
        execute: async (context, input) => ({ ...(await real.execute(context, input)), referenceSignalisation: 'SIG-9999999999' }),
      });
      const pki = t.gateway.devPki!;
      evidence = startConformance({ db: t.db, logger, platform: 'integration' });
      double = await buildGateway({
        findIdentity: (fingerprint) => t.gateway.repositories.operators.findIdentity(fingerprint),
        clock: t.clock,
        logger,
        tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPems: [pki.ca.certPem] },
        endpoints,
        platform: 'integration',
        observer: evidence.observe(undefined),
        routes: [evidence.routes],
      });
      await double.listen({ host: '127.0.0.1', port: 0 });
      doubleUrl = `https://127.0.0.1:${(double.server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await double?.close();
      await evidence?.stop();
    });

    test('the run fails, naming the scenario, in the summary, the JUnit and the HTML report; nothing unlocks promotion', async () => {
      const run = await kit(opa1({ domains: ['signalisation'] }, doubleUrl));
      expect(run.exitCode).toBe(EXIT.FAILED);
      expect(run.verdict).toBe('echec');

      // One progress line per scenario; the broken one names the scenario and what was wrong.
      const lines = run.stdout.split('\n').filter((l) => /^\[/.test(l));
      expect(lines).toHaveLength(scenarioCount(['signalisation']));
      const failed = lines.find((l) => l.includes('signalisation.etat'))!;
      expect(failed).toMatch(/^\[ ÉCHEC\]/);
      expect(failed).toMatch(/referenceSignalisation : SIG-\d{10} attendu, SIG-9999999999 reçu/);
      expect(lines.filter((l) => l.startsWith('[ ÉCHEC]'))).toHaveLength(1);
      expect(run.stdout).toContain('Scénarios en échec\n  signalisation.etat');
      expect(run.stdout).toMatch(/Résultat : ÉCHEC \(1 scénario\(s\) en échec : signalisation\.etat\)/);

      const junit = junitOf(run);
      expect(junit).toMatchObject({ tests: scenarioCount(['signalisation']), failures: 1 });
      expect(junit.text).toMatch(/<testcase classname="esav\.signalisation" name="signalisation\.etat — [^"]+" time="[\d.]+">\s*<failure message="[^"]*SIG-9999999999 reçu"/);
      // The gateway recorded the run, without the failed domain.
      expect(junit.text).toContain('<testsuite name="enregistrement" tests="1" failures="0"');

      const html = fs.readFileSync(path.join(run.dir, 'rapport.html'), 'utf8');
      expect(html).toMatch(/<tr id="signalisation\.etat">.*<span class="badge echec">échec<\/span>.*SIG-9999999999 reçu/);
      expect(html).toContain('<div class="badge verdict echec">ÉCHEC</div>');

      const recorded = run.report!.recording;
      expect(recorded).toMatchObject({ state: 'enregistre', outcome: { reussie: false, domainesValides: [] } });
      const [last] = await runs.list('OPA1', 1);
      expect(last).toMatchObject({ passed: false, domains: ['signalisation'], passedDomains: [] });
      expect(last!.reportJunit).toContain('SIG-9999999999');
      expect(await passed('OPA1')).toEqual([]);
      // The promotion to production (support staff) is refused: no passing run.
      const promotion = await t.admin('POST', '/admin/operateurs/OPA1/promotion', { agent: 'support-test', domaines: ['signalisation'] });
      expect(promotion.status).toBe(409);
      expect(promotion.body.erreur).toMatch(/signalisation/);
    });
  });

  test('OPA1, every domain with the default demo data: passes, reports written, the recorded run unlocks promotion', async () => {
    const run = await kit(opa1());
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(EXIT.PASSED);
    const lines = run.stdout.split('\n').filter((l) => /^\[/.test(l));
    expect(lines).toHaveLength(scenarioCount(ALL));
    expect(lines.every((l) => l.startsWith('[  OK  ]'))).toBe(true);
    for (const id of ['signalisation.depot', 'test.resultat', 'rendezvous.annulation', 'interop.consultation', 'signalisation.negatif-operateur']) {
      expect(run.stdout).toContain(id);
    }
    expect(run.stdout).toMatch(/Enregistrement : exécution n° \d+ enregistrée \(campagne \d+\) — domaines validés par la passerelle : signalisation, test, rendezvous, interop/);
    expect(run.stdout).toContain('Résultat : RÉUSSI');

    expect(junitOf(run)).toMatchObject({ tests: scenarioCount(ALL), failures: 0, skipped: 0 });
    const html = fs.readFileSync(path.join(run.dir, 'rapport.html'), 'utf8');
    expect(html).toContain('<div class="badge verdict reussi">RÉUSSI</div>');
    // Self-contained: inline style, no script, no external resource.
    expect(html).not.toMatch(/<script|<link|src=|href="http/i);

    expect(await passed('OPA1')).toEqual(['interop', 'rendezvous', 'signalisation', 'test']);
    const [last] = await runs.list('OPA1', 1);
    expect(last).toMatchObject({ passed: true, platform: 'integration', passedDomains: ALL });
    expect(last!.certificateFingerprint).toBe(run.report!.certificate!.fingerprint256);
    expect(last!.reportHtml).toContain('RÉUSSI');

    // Support staff see it through the admin API: the domains promotion checks, the kept reports.
    const view = await t.admin('GET', '/admin/conformite/operateurs/OPA1');
    expect(view.status).toBe(200);
    expect(view.body.domainesValides).toEqual(['interop', 'rendezvous', 'signalisation', 'test']);
    expect(view.body.executions.map((e: any) => e.reussie)).toEqual([true, false]);
    const detail = await t.admin('GET', `/admin/conformite/executions/${last!.id}`);
    expect(detail.body.preuves.verdicts.every((v: any) => v.valide)).toBe(true);
    expect(detail.body.preuves.servis).toContainEqual(expect.objectContaining({ operation: 'deposerSignalisation', resultat: 'fault:300' }));
    const report = await t.admin('GET', `/admin/conformite/executions/${last!.id}/rapport?format=junit`);
    expect(report.body.contenu).toContain('<testsuites');
  }, 60_000);

  test('OPB2 (FTTH_PASSIF only) with a PKCS#12 and its own data: three domains pass, test is not unlocked', async () => {
    const pki = t.gateway.devPki!;
    const operator = pki.operators.OPB2!;
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(operator.keyPem), [forge.pki.certificateFromPem(operator.certPem)], 'mot de passe', {
      algorithm: 'aes256',
    });
    const pfx = path.join(tmp, 'OPB2.p12');
    fs.writeFileSync(pfx, Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'));

    const wrong = await kit(opa1({ operatorCode: 'OPB2', tls: { pfx, passphrase: 'autre', ca: pki.paths.caCert } }));
    expect(wrong.exitCode).toBe(EXIT.USAGE);
    expect(wrong.stderr).toMatch(/certificat client inutilisable.*mot de passe PKCS#12/);

    const run = await kit(
      opa1({
        operatorCode: 'OPB2',
        tls: { pfx, passphrase: 'mot de passe', ca: pki.paths.caCert },
        domains: ['signalisation', 'rendezvous', 'interop'],
        prestation: 'FI-2000-0001',
        offre: 'FTTH_PASSIF',
        sirenOC: '200000008',
      }),
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(EXIT.PASSED);
    expect(run.stdout).toMatch(/interop\.recherche\s+\d+ créneau\(x\) dans la commune 69123/);
    expect(await passed('OPB2')).toEqual(['interop', 'rendezvous', 'signalisation']);
  }, 60_000);

  test('the gateway cannot be fooled: a submission claiming a domain without the calls served is not validated', async () => {
    const pki = t.gateway.devPki!;
    const agent = new https.Agent({ cert: pki.operators.OPB2!.certPem, key: pki.operators.OPB2!.keyPem, ca: pki.ca.certPem });
    const post = (urlPath: string, body: unknown) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = https.request(`${t.url}${urlPath}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    try {
      // Another operator's code than the certificate's: refused.
      expect((await post('/conformite/v1/campagnes', { codeOperateur: 'OPA1', domaines: ['test'] })).status).toBe(403);

      const opened = await post('/conformite/v1/campagnes', { codeOperateur: 'OPB2', domaines: ['test'] });
      expect(opened.status).toBe(201);
      const claim = { domainesReussis: ['test'], resultats: [], rapportJunit: '<testsuites/>', rapportHtml: '<html>faux</html>' };
      const outcome = await post(`/conformite/v1/campagnes/${opened.body.idCampagne}/resultat`, claim);
      expect(outcome.status).toBe(200);
      expect(outcome.body).toMatchObject({ reussie: false, domainesValides: [] });
      expect(outcome.body.verdicts[0].raison).toMatch(/appels non constatés par la passerelle pendant la campagne : listerTestsDisponibles \(test\) réussi, demanderTest/);
      expect(await passed('OPB2')).toEqual(['interop', 'rendezvous', 'signalisation']);

      // A campaign is closed once.
      expect((await post(`/conformite/v1/campagnes/${opened.body.idCampagne}/resultat`, claim)).status).toBe(409);
    } finally {
      agent.destroy();
    }
    // Another operator's campaign is unknown to the caller.
    const [opa1Run] = await runs.list('OPA1', 1);
    const campaign = (await t.admin('GET', `/admin/conformite/executions/${opa1Run!.id}`)).body.idCampagne;
    const agentOpb = new https.Agent({ cert: pki.operators.OPB2!.certPem, key: pki.operators.OPB2!.keyPem, ca: pki.ca.certPem });
    const stolen = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${t.url}/conformite/v1/campagnes/${campaign}/resultat`, { method: 'POST', agent: agentOpb, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ domainesReussis: [], resultats: [], rapportJunit: '', rapportHtml: '' }));
    });
    agentOpb.destroy();
    expect(stolen).toBe(404);
  });

  test('at night (02:00 Paris) slot searches are reported "indisponible de nuit", not as failures (exit 4)', async () => {
    t.clock.set('2026-11-03T02:00:00+01:00');
    const run = await kit(opa1({ domains: ['rendezvous', 'interop'], record: false }));
    expect(run.exitCode).toBe(EXIT.INCOMPLETE);
    expect(run.verdict).toBe('incomplet');
    expect(run.stdout).toMatch(/\[INDISP\] rendezvous\.recherche\s+indisponible de nuit : la recherche de créneaux est fermée de 01:00 à 04:00/);
    expect(run.stdout).toMatch(/\[INDISP\] rendezvous\.reservation\s+indisponible : dépend de rendezvous\.recherche/);
    expect(run.stdout).toMatch(/\[  OK  \] interop\.travaux/);
    expect(run.stdout).not.toContain('[ ÉCHEC]');
    expect(run.stdout).toContain('Enregistrement : non demandé');
    expect(run.stdout).toContain('Résultat : INCOMPLET');
    expect(junitOf(run)).toMatchObject({ failures: 0, skipped: 8 });
  });

  test('an operator’s own data: a line that is not its own fails the deposit with fault 300, clearly', async () => {
    const run = await kit(opa1({ domains: ['signalisation'], prestation: 'FI-2000-0001', offre: 'FTTH_PASSIF', record: false }));
    expect(run.exitCode).toBe(EXIT.FAILED);
    expect(run.stdout).toMatch(/\[ ÉCHEC\] signalisation\.depot\s+deposerSignalisation : faute 300 inattendue — .* — la prestation est-elle une ligne de test de cet opérateur/);
    expect(run.stdout).toMatch(/\[  --  \] signalisation\.etat\s+non exécuté : dépend de signalisation\.depot/);
  });

  test('the recorded runs unlock promotion to production for the domains they cover, not the others', async () => {
    const refused = await t.admin('POST', '/admin/operateurs/OPB2/promotion', { agent: 'support-test', domaines: ['signalisation', 'test'] });
    expect(refused.status).toBe(409);
    expect(refused.body.erreur).toMatch(/aucune recette réussie .* pour : test/);
    const promoted = await t.admin('POST', '/admin/operateurs/OPA1/promotion', { agent: 'support-test', domaines: ['signalisation', 'test'] });
    expect(promoted.status).toBe(200);
    expect(promoted.body.domainesProduction).toEqual(['signalisation', 'test']);
  });
});
