// The scheduler of the periodic jobs (decision 0014) on a real PostgreSQL: two schedulers with
// their own pools, as two gateway processes would, run a cluster job exactly once per period and
// a per-process job in each; a period whose claimer dies (its connection killed mid-run, as when
// the process is killed) is run by the other; stop() waits for a running job; a failure is logged
// and recorded and the schedule goes on; runs of a job never overlap; and the embedded PGlite
// ledger keeps the same rule for its single process.
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { SettableClock, systemClock, type Clock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { pgliteDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { SqlScheduledRuns } from '../../src/adapters/postgres/scheduled-runs.js';
import { Scheduler } from '../../src/composition/scheduler.js';
import { describeWithPostgres, migratedTestDatabase, type MigratedTestDatabase } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const MINUTE = 60_000;

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  return { logger, lines };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describeDb('scheduler on PostgreSQL (two processes)', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  const pool = () => testDb.pool();

  beforeAll(async () => {
    testDb = await migratedTestDatabase(2);
    db = testDb.db;
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const ledger = (job: string) => new SqlScheduledRuns(db, 'test').runs(job);

  test('a cluster job runs exactly once per period across two processes; a per-process job runs in each', async () => {
    const clock = new SettableClock('2026-01-05T10:00:00Z');
    const ran: Array<{ process: string; period: number }> = [];
    const refreshed = { A: 0, B: 0 };
    const make = (name: 'A' | 'B') =>
      new Scheduler({ clock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(pool(), name) })
        .cluster('sweep-twice', MINUTE, async () => {
          ran.push({ process: name, period: Math.floor(clock.now().getTime() / MINUTE) });
          await sleep(30); // long enough for the other process to try while it runs
        })
        .perProcess('refresh-twice', MINUTE, async () => {
          refreshed[name] += 1;
        });
    const a = make('A');
    const b = make('B');
    for (let period = 0; period < 6; period++) {
      // Both processes try each period at the same moment, twice.
      await Promise.all([a.runDue(), b.runDue()]);
      await Promise.all([b.runDue(), a.runDue()]);
      clock.advance(MINUTE);
    }
    await Promise.all([a.stop(), b.stop()]);

    expect(ran).toHaveLength(6);
    expect(new Set(ran.map((r) => r.period)).size).toBe(6);
    const rows = await ledger('sweep-twice');
    expect(rows.map((r) => r.periodStart.getTime())).toEqual(ran.map((r) => r.period * MINUTE).sort((x, y) => x - y));
    expect(rows.map((r) => r.process).sort()).toEqual(ran.map((r) => r.process).sort());
    // The period the processes started in counts as loaded; the five after it ran in each.
    expect(refreshed).toEqual({ A: 5, B: 5 });
  });

  test('on real timers: every period of the cluster job is run once, none skipped; the per-process job runs in both', async () => {
    const PERIOD = 400;
    const executions: string[] = [];
    const refreshed = { A: 0, B: 0 };
    const make = (name: 'A' | 'B') =>
      new Scheduler({ clock: systemClock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(pool(), name), retryMs: 50 })
        .cluster('sweep-timers', PERIOD, async () => {
          executions.push(name);
          await sleep(20);
        })
        .perProcess('refresh-timers', PERIOD, async () => {
          refreshed[name] += 1;
        });
    const a = make('A');
    const b = make('B');
    a.start();
    b.start();
    await sleep(PERIOD * 7 + 100);
    await Promise.all([a.stop(), b.stop()]);

    const rows = await ledger('sweep-timers');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(executions).toHaveLength(rows.length); // no execution without its row, none twice
    const starts = rows.map((r) => r.periodStart.getTime());
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(PERIOD); // none skipped
    expect(refreshed.A).toBeGreaterThanOrEqual(5);
    expect(refreshed.B).toBeGreaterThanOrEqual(5);
  });

  test('a period whose claimer dies mid-run is run by the other process', async () => {
    const clock = new SettableClock('2026-01-05T11:00:00Z');
    const hang = deferred();
    const ranBy: string[] = [];
    const a = new Scheduler({ clock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(pool(), 'A') }).cluster('sweep-death', MINUTE, async () => {
      ranBy.push('A');
      await hang.promise;
    });
    const b = new Scheduler({ clock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(pool(), 'B'), retryMs: 0 }).cluster(
      'sweep-death',
      MINUTE,
      async () => {
        ranBy.push('B');
      },
    );
    const aRun = a.runDue();
    while (ranBy.length === 0) await sleep(10);
    await b.runDue();
    expect(ranBy).toEqual(['A']); // busy: A holds the period

    // A's process dies: PostgreSQL closes its session, its transaction (the claim) is rolled back.
    const killed = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(killed).toHaveLength(1);
    await db.query('SELECT pg_terminate_backend($1)', [killed[0]!.pid]);
    for (let i = 0; i < 100 && !ranBy.includes('B'); i++) {
      await b.runDue();
      if (!ranBy.includes('B')) await sleep(20);
    }
    expect(ranBy).toEqual(['A', 'B']);
    hang.resolve();
    await aRun;
    await Promise.all([a.stop(), b.stop()]);
    const rows = await ledger('sweep-death');
    expect(rows).toEqual([{ periodStart: new Date('2026-01-05T11:00:00Z'), process: 'B', error: null }]);
  });

  test('stop() waits for the running jobs and nothing starts after it', async () => {
    const clock = new SettableClock('2026-01-05T12:00:00Z');
    const gate = deferred();
    let finished = 0;
    let started = 0;
    const scheduler = new Scheduler({ clock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(pool(), 'A') })
      .cluster('sweep-stop', MINUTE, async () => {
        started += 1;
        await gate.promise;
        finished += 1;
      })
      .perProcess('refresh-stop', MINUTE, async () => {
        started += 1;
        await gate.promise;
        finished += 1;
      });
    clock.advance(MINUTE); // the per-process job is due too
    const running = scheduler.runDue();
    while (started < 2) await sleep(10);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    await running;
    expect(finished).toBe(2);
    expect(await ledger('sweep-stop')).toHaveLength(1); // the run was committed before stop() returned
    clock.advance(MINUTE);
    await scheduler.runDue();
    expect(started).toBe(2);
  });

  test('a failure is logged (and recorded for a cluster job); the next period runs', async () => {
    const clock = new SettableClock('2026-01-05T13:00:00Z');
    const { logger, lines } = capturingLogger();
    let clusterRuns = 0;
    let localRuns = 0;
    const scheduler = new Scheduler({ clock, logger, clusterRuns: new SqlScheduledRuns(pool(), 'A') })
      .cluster('sweep-failing', MINUTE, async () => {
        clusterRuns += 1;
        if (clusterRuns === 1) throw new Error('database unavailable');
      })
      .perProcess('refresh-failing', MINUTE, async () => {
        localRuns += 1;
        if (localRuns === 1) throw new Error('trust store unreadable');
      });
    for (let i = 0; i < 3; i++) {
      await scheduler.runDue();
      clock.advance(MINUTE);
    }
    await scheduler.stop();
    expect(clusterRuns).toBe(3);
    expect(localRuns).toBe(2);
    const rows = await ledger('sweep-failing');
    expect(rows.map((r) => r.error)).toEqual(['database unavailable', null, null]);
    const failed = lines.filter((l) => l.includes('"msg":"scheduled job failed"'));
    expect(failed.some((l) => l.includes('"job":"sweep-failing"') && l.includes('database unavailable'))).toBe(true);
    expect(failed.some((l) => l.includes('"job":"refresh-failing"') && l.includes('trust store unreadable'))).toBe(true);
  });

  test('runs of a job never overlap, even when it is slower than its period', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const scheduler = new Scheduler({ clock: systemClock, logger: capturingLogger().logger }).perProcess('slow', 10, async () => {
      runs += 1;
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(40);
      active -= 1;
    });
    scheduler.start();
    while (runs < 4) await sleep(10);
    await scheduler.stop();
    expect(maxActive).toBe(1);
    expect(active).toBe(0);
  });
});

describe('scheduler on the embedded PGlite database', () => {
  test('a cluster job runs once per period', async () => {
    const db = await pgliteDatabase();
    try {
      await migrate(db);
      const clock: SettableClock = new SettableClock('2026-01-05T10:00:00Z');
      const periods: number[] = [];
      const scheduler = new Scheduler({ clock: clock as Clock, logger: capturingLogger().logger, clusterRuns: new SqlScheduledRuns(db, 'embedded') }).cluster(
        'sweep-embedded',
        MINUTE,
        async () => {
          periods.push(clock.now().getTime());
        },
      );
      for (let i = 0; i < 3; i++) {
        await scheduler.runDue();
        await scheduler.runDue();
        clock.advance(MINUTE);
      }
      await scheduler.stop();
      expect(periods).toHaveLength(3);
      expect((await new SqlScheduledRuns(db, 'x').runs('sweep-embedded')).map((r) => r.periodStart.getTime())).toEqual(periods);
    } finally {
      await db.close();
    }
  });
});
