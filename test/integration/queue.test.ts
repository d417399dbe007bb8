// The durable job queue of the line tests (pg-boss on PostgreSQL, decision 0008), on a real
// database: a request and its job are committed together or not at all; two workers (two pools,
// as two processes would) never run the same job; a worker process killed (SIGKILL) in the middle
// of a test loses nothing and the test completes exactly once, on another worker; an execution
// lost on the last attempt ends the test in ECHEC with its reason.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import pino from 'pino';
import type { LineTestConfig } from '../../src/composition/config/config.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { systemClock } from '../../src/domain/clock.js';
import { startLineTestRuntime, type LineTestRuntime } from '../../src/composition/line-tests.js';
import { buildRepositories } from '../../src/composition/repositories.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import type { NetworkAdapter } from '../../src/application/network-port.js';
import { LineTestQueue } from '../../src/adapters/queue/queue.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import type { SqlExecutor } from '../../src/application/line-test-ports.js';
import type { VolumetrySink } from '../../src/application/volumetry.js';
import { postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { SqlLineTestRepository } from '../../src/adapters/postgres/line-tests.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { waitFor } from '../support/line-tests.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';
import { startWorkerProcess, stopProcess, type WorkerProcess } from '../support/gateway-process.js';
import { testCertsDir } from '../support/dev-pki.js';

const describeDb = await describeWithPostgres();
const certsDir = testCertsDir('esav-queue-pki-');
afterAll(() => fs.rmSync(certsDir, { recursive: true, force: true }));
const silent = pino({ level: 'silent' });
const catalogue = loadCatalogue(CATALOG_DIR);

const FAST: LineTestConfig = {
  workers: 3,
  maxAttempts: 3,
  timeoutSeconds: 5,
  retryDelaySeconds: 0,
  pollingIntervalMs: 500,
  maintenanceIntervalSeconds: 1,
  simulatorLatencyMs: 30,
  stopGraceMs: 2000,
};

/** Volumetry written through the executor of the result's transaction, as issue 8's sink will. */
const recordingSink: VolumetrySink = {
  async record(event, executor) {
    await executor.query('INSERT INTO test_volumetry (kind, operator_code, reference, at) VALUES ($1, $2, $3, $4)', [
      event.kind,
      event.operatorCode,
      event.reference,
      event.at,
    ]);
  },
};

/** `npm run worker` on `databaseUrl` named `name`, with fast queue settings and `env`; resolves once it says it is ready. */
function startWorker(databaseUrl: string, name: string, env: Record<string, string>): Promise<WorkerProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_OPTIONS;
  return startWorkerProcess(
    {
      ...childEnv,
      DATABASE_URL: databaseUrl,
      ESAV_WORKER_NAME: name,
      ESAV_TEST_WORKERS: '1',
      ESAV_QUEUE_POLL_MS: '500',
      ESAV_QUEUE_MAINTENANCE_SECONDS: '1',
      ESAV_TEST_RETRY_DELAY_SECONDS: '0',
      // The worker also relays push notifications with the development PKI's client pair.
      ESAV_DEV_CERTS_DIR: certsDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    30_000,
  );
}

describeDb('line-test job queue', () => {
  let testDb: TestDatabase;
  let db: Database;
  let repo: SqlLineTestRepository;
  /** Enqueues only (no worker): the gateway's side. */
  let producer: LineTestQueue;

  async function requestTest(prestationId: string, typeTest = 'ETAT_SYNCHRO'): Promise<{ id: number; reference: string; jobId: string }> {
    const jobId = randomUUID();
    const offerCode = prestationId.startsWith('DSL') ? 'DSL_COLLECTE' : 'FTTH_ACTIVE';
    const test = await repo.create(
      { operatorCode: 'OPA1', prestationId, offerCode, typeTest: typeTest as 'ETAT_SYNCHRO', requestedAt: new Date(), jobId },
      (executor, created) => producer.enqueueInTransaction(executor, { jobId, testId: created.id }),
    );
    return { id: test.id, reference: test.reference, jobId };
  }

  const testRow = async (id: number) =>
    (await db.query<{ statut: string; attempts: number; verdict: string | null; motif_echec: string | null }>(
      'SELECT statut, attempts, verdict, motif_echec FROM line_tests WHERE id = $1',
      [id],
    ))[0]!;
  const runsOf = async (id: number) =>
    db.query<{ worker: string; outcome: string | null; attempt: number }>('SELECT worker, outcome, attempt FROM line_test_runs WHERE test_id = $1 ORDER BY attempt', [id]);

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = postgresDatabase(testDb.url, { max: 5 });
    await migrate(db);
    await db.query("INSERT INTO operators (code, siret, raison_sociale) VALUES ('OPA1', '10000000900017', 'Opérateur A')");
    for (let i = 1; i <= 40; i++) {
      await db.query(
        `INSERT INTO prestations (identifiant, operator_code, offer_code, code_insee, gtr_code) VALUES ($1, 'OPA1', 'FTTH_ACTIVE', '75056', 'GTR_10HO')`,
        [`FI-Q-${String(i).padStart(4, '0')}`],
      );
    }
    await db.query("INSERT INTO prestations (identifiant, operator_code, offer_code, code_insee, gtr_code) VALUES ('DSL-Q-0001', 'OPA1', 'DSL_COLLECTE', '75056', 'GTR_STANDARD')");
    await db.query("INSERT INTO simulated_lines (prestation_id, profil) VALUES ('DSL-Q-0001', 'DEFAUT_RESEAU')");
    await db.query('CREATE TABLE test_volumetry (kind text, operator_code text, reference text, at timestamptz)');
    repo = new SqlLineTestRepository(db);
    producer = new LineTestQueue(db, FAST, silent);
    await producer.start();
  });
  afterAll(async () => {
    await producer?.stop(0);
    await db?.close();
    await testDb?.drop();
  });

  test('a request and its job are committed together, or neither', async () => {
    const jobId = randomUUID();
    await expect(
      repo.create(
        { operatorCode: 'OPA1', prestationId: 'FI-Q-0001', offerCode: 'FTTH_ACTIVE', typeTest: 'ETAT_PORT', requestedAt: new Date(), jobId },
        async (executor: SqlExecutor, created) => {
          await producer.enqueueInTransaction(executor, { jobId, testId: created.id });
          throw new Error('the transaction fails after the enqueue');
        },
      ),
    ).rejects.toThrow('the transaction fails');
    expect((await db.query('SELECT 1 FROM line_tests WHERE job_id = $1', [jobId])).length).toBe(0);
    expect(await producer.job(jobId)).toBeUndefined();

    const committed = await requestTest('FI-Q-0001');
    expect(await producer.job(committed.jobId)).toEqual({ id: committed.jobId, testId: committed.id, state: 'created', retryCount: 0 });
  });

  test('two workers sharing the queue never run the same job; each result is recorded and counted once', async () => {
    // (The job left by the previous test is run along with these: it is not counted below.)
    const requested = [];
    for (let i = 2; i <= 31; i++) requested.push(await requestTest(`FI-Q-${String(i).padStart(4, '0')}`));
    const poolA = postgresDatabase(testDb.url, { max: 4 });
    const poolB = postgresDatabase(testDb.url, { max: 4 });
    const runtimes: LineTestRuntime[] = [];
    try {
      for (const [name, pool] of [['A', poolA], ['B', poolB]] as const) {
        runtimes.push(
          await startLineTestRuntime({
            db: pool,
            repositories: buildRepositories(pool, frenchPublicHolidays(), `worker-${name}`),
            catalogue,
            clock: systemClock,
            logger: silent,
            config: FAST,
            workers: 3,
            workerName: `worker-${name}`,
            volumetry: recordingSink,
          }),
        );
      }
      const ids = requested.map((r) => r.id);
      await waitFor('all tests finished', async () => {
        const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM line_tests WHERE id = ANY($1) AND statut = 'TERMINE'", [ids]);
        return row!.n === ids.length ? true : undefined;
      });
      const runs = await db.query<{ test_id: number; n: number; results: number; workers: string[] }>(
        `SELECT test_id, count(*)::int AS n, count(*) FILTER (WHERE outcome = 'RESULTAT')::int AS results, array_agg(worker) AS workers
           FROM line_test_runs WHERE test_id = ANY($1) GROUP BY test_id`,
        [ids],
      );
      expect(runs).toHaveLength(ids.length);
      for (const run of runs) expect(run).toMatchObject({ n: 1, results: 1 });
      const byProcess = new Set(runs.map((r) => r.workers[0]!.split('/')[0]));
      expect(byProcess).toEqual(new Set(['worker-A', 'worker-B']));
      const counted = await db.query<{ reference: string; n: number }>(
        'SELECT reference, count(*)::int AS n FROM test_volumetry WHERE reference = ANY($1) GROUP BY reference',
        [requested.map((r) => r.reference)],
      );
      expect(counted).toHaveLength(ids.length);
      expect(counted.every((c) => c.n === 1)).toBe(true);
      const jobs = await Promise.all(requested.map((r) => producer.job(r.jobId)));
      expect(jobs.filter((job) => job?.state === 'completed' && job.retryCount === 0)).toHaveLength(ids.length);
    } finally {
      for (const r of runtimes) await r.stop(0);
      await poolA.close();
      await poolB.close();
    }
  });

  test('an execution lost on the last attempt ends the test in ECHEC with its reason', async () => {
    // A network element that never answers: the execution stays silent past its timeout, as if
    // its worker had died; with one attempt allowed, the dead-letter queue ends the test.
    const hanging = new Proxy({}, { get: () => () => new Promise(() => undefined) }) as NetworkAdapter;
    const config: LineTestConfig = { ...FAST, maxAttempts: 1, timeoutSeconds: 1 };
    const pool = postgresDatabase(testDb.url, { max: 4 });
    const runtime = await startLineTestRuntime({
      db: pool,
      repositories: buildRepositories(pool, frenchPublicHolidays(), 'hanging'),
      catalogue,
      clock: systemClock,
      logger: silent,
      config,
      workers: 1,
      workerName: 'hanging',
      network: hanging,
    });
    const lost = new LineTestQueue(db, config, silent);
    await lost.start();
    try {
      const jobId = randomUUID();
      const test = await repo.create(
        { operatorCode: 'OPA1', prestationId: 'FI-Q-0032', offerCode: 'FTTH_ACTIVE', typeTest: 'ETAT_SYNCHRO', requestedAt: new Date(), jobId },
        (executor, created) => lost.enqueueInTransaction(executor, { jobId, testId: created.id }),
      );
      const row = await waitFor('ECHEC', async () => {
        const r = await testRow(test.id);
        return r.statut === 'ECHEC' ? r : undefined;
      });
      expect(row.motif_echec).toBe('Test non abouti après 1 tentative : exécution interrompue (arrêt ou panne du traitement en cours de test)');
      expect(row.attempts).toBe(1);
      expect((await runsOf(test.id)).map((r) => r.outcome)).toEqual([null]);
    } finally {
      await runtime.stop(0);
      await lost.stop(0);
      await pool.close();
    }
  });

  describe('worker processes (npm run worker)', () => {
    const children: ChildProcess[] = [];
    afterAll(async () => {
      for (const c of children) await stopProcess(c, 'SIGKILL');
    });

    test('a worker killed (SIGKILL) in the middle of a test: another one completes it, exactly once', async () => {
      const first = await startWorker(testDb.url, 'child-1', { ESAV_SIMULATOR_LATENCY_MS: '3000', ESAV_TEST_TIMEOUT_SECONDS: '4' });
      children.push(first.child);
      const test = await requestTest('DSL-Q-0001', 'ETAT_PORT');
      await waitFor('the first worker running the test', async () => ((await runsOf(test.id)).length === 1 ? true : undefined), 10_000, 50);
      expect((await testRow(test.id)).statut).toBe('EN_COURS');

      await stopProcess(first.child, 'SIGKILL');
      expect(first.child.signalCode).toBe('SIGKILL');
      expect((await runsOf(test.id)).map((r) => [r.worker, r.outcome])).toEqual([['child-1/1', null]]);

      const second = await startWorker(testDb.url, 'child-2', { ESAV_SIMULATOR_LATENCY_MS: '100', ESAV_TEST_TIMEOUT_SECONDS: '4' });
      children.push(second.child);
      const done = await waitFor(
        'the test completed by the second worker',
        async () => {
          const r = await testRow(test.id);
          return r.statut === 'TERMINE' ? r : undefined;
        },
        25_000,
      );
      expect(done).toMatchObject({ statut: 'TERMINE', verdict: 'KO', attempts: 2 });
      expect((await runsOf(test.id)).map((r) => [r.worker, r.outcome])).toEqual([
        ['child-1/1', null],
        ['child-2/1', 'RESULTAT'],
      ]);
      expect(await producer.job(test.jobId)).toEqual({ id: test.jobId, testId: test.id, state: 'completed', retryCount: 1 });

      // A graceful stop (SIGTERM) ends the process cleanly.
      await stopProcess(second.child, 'SIGTERM');
      expect(second.child.exitCode).toBe(0);
    }, 60_000);
  });
});
