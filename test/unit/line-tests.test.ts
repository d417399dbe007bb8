// Pure rules of e-SAV Test: which tests an offer opens (330), the prior-test rule at its boundary
// (305), readings → verdicts, the simulator's determinism, the life cycle of planned works, the
// job queue library kept behind its adapter and the configuration checks.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/composition/config/config.js';
import type { Offer } from '../../src/domain/catalogue.js';
import { SettableClock } from '../../src/domain/clock.js';
import { EsavFault } from '../../src/domain/faults.js';
import {
  assertPriorTest,
  assertTestAvailable,
  availableTests,
  interpretLineState,
  interpretOptical,
  interpretPort,
  interpretPortReset,
  interpretSession,
  type PriorTestCandidate,
} from '../../src/domain/line-tests.js';
import { planClosure, planUpdate, TravauxRefused, visibleSince } from '../../src/domain/travaux.js';
import { failureMotif, LineTestWorker } from '../../src/application/line-test-execution.js';
import { lineHash, NetworkSimulator, type SimulatedProfile } from '../../src/adapters/network/simulator.js';
import type { ClaimResult, LineTestRepository } from '../../src/application/line-test-ports.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { CATALOG_DIR, PROJECT_ROOT } from '../../src/adapters/paths.js';

const H = 3_600_000;
const catalogue = loadCatalogue(CATALOG_DIR);
const offer = (code: string): Offer => catalogue.offers.get(code)!;

function faultOf(run: () => void): EsavFault {
  try {
    run();
  } catch (error) {
    if (error instanceof EsavFault) return error;
    throw error;
  }
  throw new Error('expected a fault');
}

describe('tests open per offer (330)', () => {
  test('only the activated offers of the catalogue have tests', () => {
    expect(availableTests(offer('FTTH_ACTIVE'))).toEqual(['ETAT_SYNCHRO', 'MESURE_OPTIQUE', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT']);
    expect(availableTests(offer('DSL_COLLECTE'))).toEqual(['ETAT_SYNCHRO', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT']);
    expect(availableTests(offer('CE2O'))).toEqual(['ETAT_PORT', 'MESURE_OPTIQUE', 'REINITIALISATION_PORT']);
    for (const passive of ['FTTH_PASSIF', 'CUIVRE_DEGROUPAGE', 'LFO']) {
      expect(availableTests(offer(passive))).toEqual([]);
      expect(faultOf(() => assertTestAvailable(offer(passive))).code).toBe(330);
    }
    // An offer not activated has no test even if a list were written.
    expect(availableTests({ ...offer('FTTH_ACTIVE'), offreActivee: false })).toEqual([]);
    expect(faultOf(() => assertTestAvailable(offer('DSL_COLLECTE'), 'MESURE_OPTIQUE'))).toMatchObject({ code: 330, champ: 'typeTest' });
  });
});

describe('prior test (305)', () => {
  const dsl = offer('DSL_COLLECTE');
  const done = new Date('2026-03-02T10:00:00+01:00');
  const ko: PriorTestCandidate = { reference: 'TST-1', prestationId: 'L1', statut: 'TERMINE', verdict: 'KO', completedAt: done };
  const check = (test: PriorTestCandidate | undefined, now: Date, id: string | undefined = 'TST-1') => () => assertPriorTest(dsl, 'L1', id, test, now);

  test('the catalogue requires it for DSL_COLLECTE, 48 hours', () => {
    expect(dsl.tests).toMatchObject({ testPrealableRequis: true, validiteTestPrealableHeures: 48 });
  });

  test('a KO result is valid strictly less than N hours: 1 ms before is accepted, N hours exactly is refused', () => {
    expect(check(ko, new Date(done.getTime() + 48 * H - 1))).not.toThrow();
    expect(faultOf(check(ko, new Date(done.getTime() + 48 * H)))).toMatchObject({ code: 305, champ: 'idDemandeTest' });
    expect(check(ko, done)).not.toThrow();
  });

  test('missing, unknown, another line, not finished, not KO → 305', () => {
    const now = new Date(done.getTime() + H);
    expect(faultOf(() => assertPriorTest(dsl, 'L1', undefined, undefined, now)).libelle).toContain('absent');
    expect(faultOf(check(undefined, now)).code).toBe(305);
    expect(faultOf(check({ ...ko, prestationId: 'L2' }, now)).code).toBe(305);
    expect(faultOf(check({ ...ko, statut: 'EN_COURS', verdict: null, completedAt: null }, now)).libelle).toContain('EN_COURS');
    expect(faultOf(check({ ...ko, verdict: 'OK' }, now)).libelle).toContain('verdict OK');
    expect(faultOf(check({ ...ko, verdict: 'INDETERMINE' }, now)).code).toBe(305);
  });

  test('an offer without the requirement needs nothing', () => {
    expect(() => assertPriorTest(offer('FTTH_ACTIVE'), 'L1', undefined, undefined, done)).not.toThrow();
  });
});

describe('readings → verdict and probable location', () => {
  test('line state', () => {
    expect(interpretLineState({ synchronise: true, margeBruitDb: 9, alarmesReseau: [] }).verdict).toBe('OK');
    expect(interpretLineState({ synchronise: false, alarmesReseau: [] })).toMatchObject({ verdict: 'KO', localisation: 'INSTALLATION_CLIENT' });
    expect(interpretLineState({ synchronise: false, alarmesReseau: ['LOS'] })).toMatchObject({ verdict: 'KO', localisation: 'RESEAU_FOURNISSEUR' });
    expect(interpretLineState({ synchronise: true, margeBruitDb: 3, alarmesReseau: [] })).toMatchObject({ verdict: 'INDETERMINE' });
  });
  test('optical', () => {
    expect(interpretOptical({ puissanceRecueOntDbm: -18, puissanceRecueOltDbm: -20, alarmesReseau: [] }).verdict).toBe('OK');
    expect(interpretOptical({ puissanceRecueOntDbm: null, puissanceRecueOltDbm: null, alarmesReseau: [] }).localisation).toBe('INSTALLATION_CLIENT');
    expect(interpretOptical({ puissanceRecueOntDbm: null, puissanceRecueOltDbm: null, alarmesReseau: ['LOS'] }).localisation).toBe('RESEAU_FOURNISSEUR');
    expect(interpretOptical({ puissanceRecueOntDbm: -29.5, puissanceRecueOltDbm: -30, alarmesReseau: [] })).toMatchObject({ verdict: 'KO', localisation: 'INDETERMINEE' });
  });
  test('port, session, reset', () => {
    expect(interpretPort({ etatAdministratif: 'DOWN', etatOperationnel: 'DOWN', erreursCrc: 0, alarmesReseau: [] }).localisation).toBe('RESEAU_FOURNISSEUR');
    expect(interpretPort({ etatAdministratif: 'UP', etatOperationnel: 'DOWN', erreursCrc: 0, alarmesReseau: [] }).localisation).toBe('INSTALLATION_CLIENT');
    expect(interpretPort({ etatAdministratif: 'UP', etatOperationnel: 'UP', erreursCrc: 5000, alarmesReseau: [] }).verdict).toBe('INDETERMINE');
    expect(interpretSession({ sessionActive: true, alarmesReseau: [] }).verdict).toBe('OK');
    expect(interpretSession({ sessionActive: false, alarmesReseau: ['X'] }).localisation).toBe('RESEAU_FOURNISSEUR');
    expect(interpretPortReset({ reinitialise: true, synchroniseApres: true, alarmesReseau: [] }).verdict).toBe('OK');
    expect(interpretPortReset({ reinitialise: false, synchroniseApres: false, alarmesReseau: [] }).localisation).toBe('RESEAU_FOURNISSEUR');
  });
});

describe('network simulator', () => {
  const line = (prestationId: string, technologie = 'FTTH') => ({ prestationId, offerCode: 'X', technologie, extremites: [], informations: [] });
  const simulator = (profiles: Record<string, SimulatedProfile>, incidents: Record<string, string[]> = {}) =>
    new NetworkSimulator({
      clock: new SettableClock('2026-03-02T10:00:00Z'),
      latencyMs: 0,
      state: { profile: async (id) => profiles[id], openIncidents: async (id) => incidents[id] ?? [] },
    });

  test('deterministic: the same line always measures the same', async () => {
    const sim = simulator({});
    expect(await sim.measureOptical(line('FI-1'))).toEqual(await sim.measureOptical(line('FI-1')));
    expect(await sim.readLineState(line('DSL-1', 'CUIVRE'))).toEqual(await sim.readLineState(line('DSL-1', 'CUIVRE')));
    expect(lineHash('FI-1')).toBe(lineHash('FI-1'));
    expect(lineHash('FI-1')).not.toBe(lineHash('FI-2'));
  });

  test('profiles and incidents decide the behaviour; an unreachable element throws', async () => {
    const sim = simulator({ A: 'DEFAUT_CLIENT', B: 'DEFAUT_RESEAU', C: 'INJOIGNABLE', D: 'DEGRADE' }, { E: ['DERCO-1'] });
    expect(interpretLineState(await sim.readLineState(line('A'))).localisation).toBe('INSTALLATION_CLIENT');
    expect(interpretLineState(await sim.readLineState(line('B'))).localisation).toBe('RESEAU_FOURNISSEUR');
    await expect(sim.readLineState(line('C'))).rejects.toThrow('injoignable');
    expect(interpretPort(await sim.readPortState(line('D'))).verdict).toBe('INDETERMINE');
    const incident = await sim.readSessionState(line('E'));
    expect(incident.alarmesReseau).toEqual(['INCIDENT DERCO-1']);
    expect(interpretLineState(await sim.readLineState(line('F'))).verdict).toBe('OK');
  });

  test('the configured latency delays every answer', async () => {
    const sim = new NetworkSimulator({ clock: new SettableClock('2026-03-02T10:00:00Z'), latencyMs: 50, state: { profile: async () => undefined, openIncidents: async () => [] } });
    const start = Date.now();
    await sim.readPortState(line('X'));
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
  });
});

describe('worker decisions', () => {
  const logger = pino({ level: 'silent' });
  const repo = (claim: ClaimResult, calls: string[]): LineTestRepository =>
    ({
      claim: async () => claim,
      fail: async (_id: number, motif: (a: number, e: string | null) => string) => {
        calls.push(`fail:${motif(3, 'injoignable')}`);
        return true;
      },
    }) as unknown as LineTestRepository;
  const worker = (r: LineTestRepository) =>
    new LineTestWorker({ tests: r, network: {} as never, catalogue, clock: new SettableClock('2026-03-02T10:00:00Z'), volumetry: { record: async () => undefined }, maxAttempts: 3, logger });

  test('a job delivered again for a finished test does nothing; used-up attempts end in ECHEC', async () => {
    const calls: string[] = [];
    expect(await worker(repo({ kind: 'done' }, calls)).run({ id: 'j', testId: 1, lastAttempt: false }, 'w')).toBe('completed');
    expect(calls).toEqual([]);
    expect(await worker(repo({ kind: 'exhausted', attempts: 3, lastError: 'injoignable' }, calls)).run({ id: 'j', testId: 1, lastAttempt: false }, 'w')).toBe('completed');
    expect(calls).toEqual(['fail:Test non abouti après 3 tentatives : injoignable']);
  });

  test('the ECHEC reason', () => {
    expect(failureMotif(1, null)).toBe('Test non abouti après 1 tentative : exécution interrompue (arrêt ou panne du traitement en cours de test)');
  });
});

describe('planned works life cycle', () => {
  const start = new Date('2026-03-10T22:00:00+01:00');
  const end = new Date('2026-03-11T06:00:00+01:00');
  const current = { etat: 'NOUVEAU' as const, dateDebut: start, dateFin: end };

  test('new dates → REPLANIFICATION, other changes → MAJ, nothing → refused', () => {
    expect(planUpdate(current, { dateDebut: new Date(start.getTime() + H), otherFieldsChanged: false })).toBe('REPLANIFICATION');
    expect(planUpdate(current, { dateFin: null, otherFieldsChanged: true })).toBe('REPLANIFICATION');
    expect(planUpdate(current, { dateDebut: start, otherFieldsChanged: true })).toBe('MAJ');
    expect(() => planUpdate(current, { otherFieldsChanged: false })).toThrow(TravauxRefused);
    expect(() => planUpdate(current, { dateFin: start, otherFieldsChanged: false })).toThrow('fin');
  });

  test('closed or cancelled works change no more; visible 8 days after', () => {
    expect(planClosure(current, 'CLOTURE')).toBe('CLOTURE');
    expect(() => planClosure({ etat: 'ANNULE' }, 'CLOTURE')).toThrow(TravauxRefused);
    expect(() => planUpdate({ ...current, etat: 'CLOTURE' }, { otherFieldsChanged: true })).toThrow(TravauxRefused);
    expect(visibleSince(new Date('2026-03-10T00:00:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
});

describe('the job queue library behind its adapter', () => {
  // pg-boss is reached only through its documented API, from src/adapters/queue/queue.ts: nothing
  // reads or writes its tables, parses its SQL or imports its files (its next major is then a
  // version bump in one file, decision 0008).
  const root = PROJECT_ROOT;
  const sources = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return sources(relative);
      return /\.(ts|js|mjs|sql)$/.test(entry.name) ? [relative] : [];
    });
  const files = ['src', 'test', 'bench'].flatMap(sources).filter((f) => !f.endsWith(path.join('unit', 'line-tests.test.ts')));
  // Code, not comments: a SQL text naming one of pg-boss's tables.
  const code = (file: string) =>
    fs
      .readFileSync(path.join(root, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|--)/.test(line))
      .join('\n');

  test('no SQL of ours names its tables', () => {
    expect(files.length).toBeGreaterThan(50);
    const offending = files.filter((f) => /\bpgboss\.\w+|\$\{QUEUE_SCHEMA\}\./.test(code(f)));
    expect(offending).toEqual([]);
  });

  test('only the queue adapter imports it, and only its package entry point', () => {
    const importers = files.filter((f) => /from\s+'pg-boss(\/[^']*)?'|import\(\s*'pg-boss/.test(code(f)));
    expect(importers.length).toBeGreaterThan(0);
    // The line tests' queue, the notices' e-mails and the push relay: each its own module of the adapter.
    expect(importers.filter((f) => !f.startsWith(path.join('src', 'adapters', 'queue') + path.sep))).toEqual([]);
    for (const importer of importers) expect(code(importer)).not.toMatch(/'pg-boss\//);
  });
});

describe('configuration', () => {
  test('defaults and checks of the line-test settings', () => {
    expect(loadConfig({}).lineTests).toEqual({
      workers: 2,
      maxAttempts: 3,
      timeoutSeconds: 120,
      retryDelaySeconds: 10,
      pollingIntervalMs: 1000,
      maintenanceIntervalSeconds: 30,
      simulatorLatencyMs: 1500,
      stopGraceMs: 10_000,
    });
    expect(() => loadConfig({ ESAV_QUEUE_POLL_MS: '100' })).toThrow(ConfigError);
    expect(() => loadConfig({ ESAV_TEST_MAX_ATTEMPTS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ESAV_SIMULATOR_LATENCY_MS: '5000', ESAV_TEST_TIMEOUT_SECONDS: '5' })).toThrow(/below ESAV_TEST_TIMEOUT_SECONDS/);
  });
});
