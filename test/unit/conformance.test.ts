// Conformance kit, pure parts: the kit's scenarios and the gateway's evidence table agree; the
// typed faults of the three contracts are read; options; the reports (well-formed JUnit, escaped
// self-contained HTML, verdicts); the served-operations log batches and never blocks.
import { XmlDocument } from 'libxml2-wasm';
import { pino } from 'pino';
import { faultOf } from '../../src/conformance-kit/client.js';
import { CONFORMANCE_DOMAINS, DOMAIN_EVIDENCE, evidenceKey, missingEvidence, serviceOfPath } from '../../src/domain/conformance.js';
import { checkOptions, DEMO_DEFAULTS, UsageError, withDefaults } from '../../src/conformance-kit/options.js';
import { htmlReport, junitXml, passedDomains, verdictOf, type KitReport } from '../../src/conformance-kit/reports.js';
import { SCENARIOS } from '../../src/conformance-kit/runner.js';
import type { ScenarioResult } from '../../src/conformance-kit/scenario.js';
import { ServedOperationsLog } from '../../src/application/conformance-runs.js';
import type { ServedOperation, ServedOperationsRepository } from '../../src/application/conformance-ports.js';

describe('scenarios and evidence', () => {
  test.each(CONFORMANCE_DOMAINS)('%s: the calls the scenarios declare are exactly what the gateway requires', (domain) => {
    const declared = SCENARIOS[domain].flatMap((s) => s.calls.map(evidenceKey));
    expect(new Set(declared)).toEqual(new Set(DOMAIN_EVIDENCE[domain].map(evidenceKey)));
    for (const s of SCENARIOS[domain]) {
      expect(s.domain).toBe(domain);
      expect(s.id.startsWith(`${domain}.`)).toBe(true);
      for (const need of s.needs ?? []) expect(SCENARIOS[domain].findIndex((x) => x.id === need)).toBeLessThan(SCENARIOS[domain].indexOf(s));
    }
    // Every domain has the three kinds of negative case at least twice (schema and caller).
    expect(DOMAIN_EVIDENCE[domain].filter((e) => e.outcome === 'fault:101')).not.toHaveLength(0);
    expect(DOMAIN_EVIDENCE[domain].filter((e) => e.outcome === 'fault:201')).not.toHaveLength(0);
  });

  test('served paths map to services (any version); missing evidence is named', () => {
    expect(serviceOfPath('/ws/v1/signalisation')).toBe('signalisation');
    expect(serviceOfPath('/ws/v2/test')).toBe('test');
    expect(serviceOfPath('/ws/interop/planChargeSavFtth')).toBe('planChargeSavFtth');
    expect(serviceOfPath('/conformite/v1/campagnes')).toBeUndefined();
    const seen = new Set(DOMAIN_EVIDENCE.test.filter((e) => e.operation !== 'demanderTest').map(evidenceKey));
    expect(missingEvidence('test', seen).map((e) => `${e.operation} ${e.outcome}`)).toEqual(['demanderTest ok', 'demanderTest fault:101']);
  });
});

describe('typed faults of the three contracts', () => {
  const rejection = (detail: unknown) => ({ root: { Envelope: { Body: { Fault: { faultcode: 'soapenv:Client', faultstring: 'x', detail } } } } });
  test('erreurESAV, InfoErreurType, infoFtthError; not a fault', () => {
    expect(faultOf(rejection({ erreurESAV: { code: '101', libelle: 'non conforme', champ: 'a/b' } }))).toEqual({
      faultcode: 'soapenv:Client',
      code: 101,
      libelle: 'non conforme',
      champ: 'a/b',
    });
    expect(faultOf(rejection({ erreurESAV: { code: 321, libelle: 'nuit', reessayerApres: '3600' } }))).toMatchObject({ code: 321, reessayerApres: 3600 });
    expect(faultOf(rejection({ InfoErreurType: { codeErreur: 201, messageErreur: 'siren' } }))).toMatchObject({ code: 201, libelle: 'siren' });
    expect(faultOf(rejection({ infoFtthError: { codeRetour: '201', messageRetour: 'siren' } }))).toMatchObject({ code: 201 });
    expect(faultOf(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});

describe('options', () => {
  const base = { url: 'https://localhost:8443', operatorCode: 'OPA1', tls: { cert: 'c.pem', key: 'k.pem' } };
  test('the demo offer goes with the demo line only', () => {
    expect(withDefaults(base)).toMatchObject({ prestation: DEMO_DEFAULTS.prestation, offre: 'FTTH_PASSIF', record: true, domains: CONFORMANCE_DOMAINS });
    expect(withDefaults({ ...base, prestation: 'MA-LIGNE' }).offre).toBeUndefined();
  });
  test.each([
    [{ url: 'http://localhost:8443' }, /https:\/\/ attendu/],
    [{ url: 'https://localhost:8443/ws/v1/signalisation' }, /sans chemin/],
    [{ operatorCode: 'opa1' }, /4 caractères/],
    [{ tls: {} }, /certificat client requis/],
    [{ tls: { cert: 'c', key: 'k', pfx: 'p' } }, /pas les deux/],
    [{ domains: [] }, /au moins un domaine/],
    [{ sirenOC: '12' }, /SIREN/],
  ])('refused before anything is sent: %j', (change, message) => {
    expect(() => checkOptions(withDefaults({ ...base, ...change } as never))).toThrow(UsageError);
    expect(() => checkOptions(withDefaults({ ...base, ...change } as never))).toThrow(message);
  });
});

describe('reports', () => {
  const result = (id: string, status: ScenarioResult['status'], message: string): ScenarioResult => ({
    id,
    domain: id.split('.')[0] as never,
    title: `titre <${id}>`,
    status,
    message,
    details: ['détail & "guillemets"\u0001'],
    calls: [{ service: 'signalisation', operation: 'deposerSignalisation', outcome: 'fault:300', durationMs: 12.3, idRequete: 'abc', detail: '<b>inconnu</b>' }],
    durationMs: 42,
  });
  const report = (results: ScenarioResult[], recording: KitReport['recording'] = { state: 'desactive' }): KitReport => ({
    operatorCode: 'OPA1',
    url: 'https://localhost:8443',
    domains: ['signalisation', 'test'],
    startedAt: new Date('2026-11-02T09:00:00Z'),
    finishedAt: new Date('2026-11-02T09:01:00Z'),
    certificate: undefined,
    data: [['prestation', 'FI-<1>']],
    results,
    recording,
  });

  test('JUnit: well-formed, one suite per domain, failures and skips counted, text escaped', () => {
    const r = report([result('signalisation.depot', 'echec', 'faute 300 <inattendue> & "x"'), result('signalisation.etat', 'non-execute', 'dépend'), result('test.demande', 'reussi', 'ok')]);
    const text = junitXml(r);
    const doc = XmlDocument.fromString(text);
    try {
      expect(doc.root.name).toBe('testsuites');
      expect(doc.root.attrs.find((a) => a.name === 'failures')?.value).toBe('1');
      expect(doc.root.attrs.find((a) => a.name === 'skipped')?.value).toBe('1');
    } finally {
      doc.dispose();
    }
    expect(text).toContain('<failure message="faute 300 &lt;inattendue&gt; &amp; &quot;x&quot;" type="echec">');
    expect(text).not.toContain('\u0001');
  });

  test('HTML: self-contained and escaped', () => {
    const html = htmlReport(report([result('signalisation.depot', 'echec', '<script>alert(1)</script>')]));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<link|src=|href="http/);
  });

  test('verdict: failure beats unavailability; a domain the gateway does not validate is a failure', () => {
    expect(verdictOf(report([result('signalisation.depot', 'reussi', ''), result('test.demande', 'reussi', '')]))).toBe('reussi');
    expect(verdictOf(report([result('signalisation.depot', 'indisponible', ''), result('test.demande', 'reussi', '')]))).toBe('incomplet');
    expect(verdictOf(report([result('signalisation.depot', 'indisponible', ''), result('test.demande', 'echec', '')]))).toBe('echec');
    const ok = [result('signalisation.depot', 'reussi', ''), result('test.demande', 'reussi', '')];
    expect(passedDomains(report(ok))).toEqual(['signalisation', 'test']);
    const outcome = { idCampagne: 1, idExecution: 1, reussie: false, domaines: ['signalisation', 'test'] as never, domainesValides: ['test'] as never };
    const refused = { state: 'enregistre' as const, outcome: { ...outcome, verdicts: [{ domaine: 'signalisation' as const, valide: false, raison: 'appels non constatés' }, { domaine: 'test' as const, valide: true }] } };
    expect(verdictOf(report(ok, refused))).toBe('echec');
    expect(verdictOf(report(ok, { state: 'refuse', message: 'campagne expirée' }))).toBe('echec');
  });
});

describe('served operations log', () => {
  const served = (i: number): ServedOperation => ({
    at: new Date(),
    operatorCode: 'OPA1',
    certificateFingerprint: 'f'.repeat(64),
    path: '/ws/v1/signalisation',
    operation: 'consulterCatalogue',
    outcome: 'ok',
    requestId: String(i),
  });
  const logger = pino({ level: 'silent' });

  test('records without waiting, writes in batches on flush, drops beyond its backlog instead of growing', async () => {
    const batches: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const repository = {
      insert: async (batch: readonly ServedOperation[]) => {
        await gate;
        batches.push(batch.length);
      },
    } as unknown as ServedOperationsRepository;
    const log = new ServedOperationsLog(repository, logger, { flushIntervalMs: 60_000, maxBatch: 2, maxPending: 5 });
    for (let i = 0; i < 7; i += 1) log.record(served(i)); // returns at once; 2 dropped
    const flushed = log.flush();
    release();
    await flushed;
    expect(batches).toEqual([2, 2, 1]);
    await log.stop();
    log.record(served(8)); // after stop: ignored
    await log.flush();
    expect(batches).toEqual([2, 2, 1]);
  });

  test('a failing write is logged, never thrown', async () => {
    const repository = { insert: async () => Promise.reject(new Error('database away')) } as unknown as ServedOperationsRepository;
    const log = new ServedOperationsLog(repository, logger, { flushIntervalMs: 60_000 });
    log.record(served(1));
    await expect(log.flush()).resolves.toBeUndefined();
  });
});
