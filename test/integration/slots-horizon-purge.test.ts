// Appointment slots at national scale (issue 16, point 4; decision 0029), on real PostgreSQL with an
// injected clock: the rolling horizon of every zone generated in batches (only the days each zone
// misses, exactly what the domain plans: holidays, the provider's non-working days, a DST day, a
// Paris day that is not the UTC day, a capacity change); the purge of past free slots (batched,
// resumable, never a slot any appointment references, the appointments still readable); both as
// cluster jobs run once per period by two schedulers with their own pools, as two processes; and
// the demo loader touching only the demo communes; the same on embedded PGlite; and the gateway
// running both jobs at start.
import { Writable } from 'node:stream';
import { SettableClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { pgliteDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { SqlScheduledRuns } from '../../src/adapters/postgres/scheduled-runs.js';
import { purgeFreeSlots, SlotGenerator } from '../../src/adapters/postgres/capacity.js';
import { SqlCapacityRepository, SqlRendezVousRepository } from '../../src/adapters/postgres/rendezvous.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { RendezVousService } from '../../src/application/rendezvous.js';
import { buildRepositories } from '../../src/composition/repositories.js';
import { DEMO_COMMUNES, loadDemoRendezVousCapacity } from '../../src/composition/demo-data.js';
import { Scheduler } from '../../src/composition/scheduler.js';
import { registerSlotJobs, SLOT_HORIZON_JOB, SLOT_PURGE_JOB } from '../../src/composition/slot-jobs.js';
import { loadConfig } from '../../src/composition/config/config.js';
import { frenchPublicHolidays, type HolidayCalendar } from '../../src/domain/holidays.js';
import { addDays, parisDayOf, parisDayStart } from '../../src/domain/paris-calendar.js';
import { DEFAULT_HORIZON_DAYS, slotsOfDays, type WorkingPattern } from '../../src/domain/rendezvous.js';
import { zoneCalendar } from '../../src/domain/capacity.js';
import { describeWithPostgres, migratedTestDatabase, type MigratedTestDatabase } from '../support/postgres.js';
import { startTestGateway } from '../support/gateway.js';

const describeDb = await describeWithPostgres();
const HOUR = 3_600_000;
const calendar = frenchPublicHolidays();

/** Every day of the week, with a Sunday night window that the spring-forward gap cuts. */
const PATTERNS = (codeInsee: string): WorkingPattern[] => [
  ...[1, 2, 3, 4, 5, 6].flatMap((jour) => [
    { codeInsee, type: 'SAV' as const, jour, debut: '08:00', fin: '12:00', dureeMinutes: 120, techniciens: 2, joursFeries: false },
    { codeInsee, type: 'SAV_PLUS' as const, jour, debut: '18:00', fin: '20:00', dureeMinutes: 60, techniciens: 1, joursFeries: true },
  ]),
  { codeInsee, type: 'SAV', jour: 7, debut: '01:00', fin: '05:00', dureeMinutes: 60, techniciens: 2, joursFeries: true },
];
/** Communes of three départements: 57 (a provider's day applies there), 69 and 75. */
const ZONES = [...Array.from({ length: 12 }, (_, i) => `57${String(100 + i)}`), ...Array.from({ length: 12 }, (_, i) => `69${String(200 + i)}`), '75056'];

interface SlotKey {
  code_insee: string;
  type_rdv: string;
  debut: string;
  fin: string;
  technicien: number;
}
const keyOf = (s: SlotKey) => `${s.code_insee}|${s.type_rdv}|${s.debut}|${s.fin}|${s.technicien}`;

function logger() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) })) };
}

describeDb('appointment slots at national scale: horizon job, purge, demo loader', () => {
  let testDb: MigratedTestDatabase;
  let db: Database;
  const pool = () => testDb.pool();

  beforeAll(async () => {
    testDb = await migratedTestDatabase(4);
    db = testDb.db;
    await db.query(`INSERT INTO operators (code, siret, raison_sociale) VALUES ('OPA1', '10000000900013', 'Opérateur A') ON CONFLICT DO NOTHING`);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const service = (on: Database, clock: SettableClock, cal: HolidayCalendar = calendar) =>
    new RendezVousService({ ...pick(buildRepositories(on, cal, 'test')), catalogue: loadCatalogue(CATALOG_DIR), calendar: cal, clock });
  const pick = (r: ReturnType<typeof buildRepositories>) => ({ capacity: r.capacity, rendezVous: r.rendezVous, prestations: r.prestations, signalisations: r.signalisations });

  const slotsOf = async (zones: readonly string[], from: Date, to: Date) =>
    db.query<SlotKey & { id: string }>(
      `SELECT id, code_insee, type_rdv, to_char(debut AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS debut, to_char(fin AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS fin, technicien
         FROM rdv_creneaux WHERE code_insee = ANY($1::text[]) AND debut >= $2 AND debut < $3 ORDER BY id`,
      [zones, from, to],
    );
  /** What the domain plans for these zones and days (the oracle), as slot keys. */
  const planned = (zones: readonly string[], from: string, to: string, days: Array<{ jour: string; perimetre: string | null }> = []) =>
    zones.flatMap((z) =>
      slotsOfDays(PATTERNS(z), from, to, zoneCalendar(calendar, days, z)).map((s) =>
        keyOf({ code_insee: z, type_rdv: s.type, debut: s.debut.toISOString().slice(0, 16), fin: s.fin.toISOString().slice(0, 16), technicien: s.technicien }),
      ),
    );
  const coverage = async () =>
    new Map(
      (await db.query<{ code_insee: string; du: string; au: string }>(`SELECT code_insee, to_char(genere_du, 'YYYY-MM-DD') AS du, to_char(genere_au, 'YYYY-MM-DD') AS au FROM rdv_zones`)).map(
        (r) => [r.code_insee, `${r.du}..${r.au}`],
      ),
    );

  test('the horizon job generates, zone batch by zone batch, only the days each zone misses, exactly as planned (holidays, provider days, DST, Paris days)', async () => {
    const capacity = new SqlCapacityRepository(db, calendar);
    for (const z of ZONES) await capacity.upsertPatterns(PATTERNS(z));
    // 28 March 2027, the spring-forward Sunday, comes into the horizon on 28 February (Paris).
    const clock = new SettableClock('2027-02-27T12:00:00+01:00');
    const rdv = service(db, clock);

    const first = await rdv.extendHorizon();
    expect(first.zones).toBe(ZONES.length);
    const cov = await coverage();
    for (const z of ZONES) expect(cov.get(z)).toBe('2027-02-27..2027-03-27');
    // Slots that would have started before now (08:00, 10:00 today) are not generated.
    const all = await slotsOf(ZONES, parisDayStart('2027-02-27'), parisDayStart('2027-03-28'));
    expect(new Set(all.map(keyOf))).toEqual(new Set(planned(ZONES, '2027-02-27', '2027-03-27').filter((k) => k.split('|')[2]! > '2027-02-27T11:00')));
    expect(first.ajoutes).toBe(all.length);
    // Nothing new: one query, no zone touched.
    expect(await rdv.extendHorizon()).toEqual({ zones: 0, ajoutes: 0 });

    // A provider's non-working day in département 57 on the new day; a closure of 69 that day.
    await db.query(`INSERT INTO rdv_jours_non_travailles (jour, perimetre, libelle, cree_le, cree_par) VALUES ('2027-03-28', '57', 'Jour local', now(), 'test')`);
    await db.query(
      `INSERT INTO rdv_fermetures (perimetre, type_rdv, debut, fin, motif, cree_le, cree_par) VALUES ('69', NULL, '2027-03-28T00:00:00+01:00', '2027-03-29T00:00:00+02:00', 'Tempête', now(), 'test')`,
    );
    const before = new Set((await slotsOf(ZONES, parisDayStart('2027-02-27'), parisDayStart('2027-03-29'))).map((s) => s.id));
    // 00:30 in Paris on 28 February is still 27 February in UTC: the Paris day counts.
    clock.set('2027-02-27T23:30:00Z');
    const next = await rdv.extendHorizon();
    expect(next.zones).toBe(ZONES.length);
    const after = await slotsOf(ZONES, parisDayStart('2027-02-27'), parisDayStart('2027-03-29'));
    // Only the new day was written: every earlier slot kept its row, the new ones are that day's.
    const added = after.filter((s) => !before.has(s.id));
    expect(after.filter((s) => before.has(s.id))).toHaveLength(before.size);
    expect(next.ajoutes).toBe(added.length);
    const newDay = planned(ZONES, '2027-03-28', '2027-03-28', [{ jour: '2027-03-28', perimetre: '57' }]);
    expect(new Set(added.map(keyOf))).toEqual(new Set(newDay));
    // The DST night: 01:00 and 03:00 CET/CEST windows exist, the 02:00 one does not; 57 works only
    // with its holiday lines (the SAV Sunday line works on holidays).
    const sunday = added.filter((s) => s.code_insee === '69200' && s.type_rdv === 'SAV').map((s) => `${s.debut}/${s.technicien}`);
    expect(sunday).toEqual(expect.arrayContaining(['2027-03-28T00:00/1', '2027-03-28T01:00/2', '2027-03-28T01:00/1']));
    expect(added.some((s) => s.code_insee.startsWith('57'))).toBe(true);
    for (const z of ZONES) expect((await coverage()).get(z)).toBe('2027-02-27..2027-03-28');
    // The closure hides the new day of 69 from the search, not from the generation.
    const free75 = await capacity.freeSlots({ codeInsee: '75056', type: 'SAV', debut: parisDayStart('2027-03-28'), fin: parisDayStart('2027-03-29'), now: clock.now(), limit: 50 });
    expect(free75.length).toBeGreaterThan(0);
    const free69 = await capacity.freeSlots({ codeInsee: '69200', type: 'SAV', debut: parisDayStart('2027-03-28'), fin: parisDayStart('2027-03-29'), now: clock.now(), limit: 50 });
    expect(free69).toHaveLength(0);

    // A capacity change forgets the zone's coverage: the next run reconciles that zone only, whole.
    const changed = PATTERNS('69201').map((p) => (p.type === 'SAV' && p.jour <= 6 ? { ...p, techniciens: 3 } : p));
    await capacity.upsertPatterns(changed);
    const third = await rdv.extendHorizon();
    expect(third.zones).toBe(1);
    const zone = await slotsOf(['69201'], clock.now(), parisDayStart('2027-03-29'));
    const expected = slotsOfDays(changed, '2027-02-28', '2027-03-28', calendar).filter((s) => s.debut > clock.now());
    expect(zone).toHaveLength(expected.length);

    // Batches of any size give the same result as one (two zones per transaction here).
    clock.set('2027-03-01T09:00:00+01:00');
    const batched = await new SlotGenerator(calendar).ensureHorizon(db, { from: '2027-03-01', to: addDays('2027-03-01', DEFAULT_HORIZON_DAYS) }, clock.now(), { batchZones: 2 });
    expect(batched.zones).toBe(ZONES.length);
    const day = await slotsOf(ZONES, parisDayStart('2027-03-29'), parisDayStart('2027-03-30'));
    // 29 March 2027 is Easter Monday: only the lines that work on holidays.
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((s) => s.type_rdv === 'SAV_PLUS')).toBe(true);
    expect(day.map(keyOf).sort()).toEqual(
      planned(ZONES.filter((z) => z !== '69201'), '2027-03-29', '2027-03-29')
        .concat(slotsOfDays(changed, '2027-03-29', '2027-03-29', calendar).map((s) => keyOf({ code_insee: '69201', type_rdv: s.type, debut: s.debut.toISOString().slice(0, 16), fin: s.fin.toISOString().slice(0, 16), technicien: s.technicien })))
        .sort(),
    );
    // An aborted run stops before its first batch.
    clock.set('2027-03-02T09:00:00+01:00');
    const aborted = new AbortController();
    aborted.abort();
    expect(await rdv.extendHorizon(aborted.signal)).toEqual({ zones: 0, ajoutes: 0 });
    expect((await rdv.extendHorizon()).zones).toBe(ZONES.length);
  }, 120_000);

  test('the purge deletes past free slots in batches, keeps every slot an appointment references (booked, cancelled, moved to), and resumes where it stopped', async () => {
    const zone = '13055';
    const capacity = new SqlCapacityRepository(db, calendar);
    const appointments = new SqlRendezVousRepository(db);
    await capacity.upsertPatterns(PATTERNS(zone));
    const clock = new SettableClock('2027-01-11T07:00:00+01:00');
    await capacity.ensureSlots(zone, { from: '2027-01-11', to: '2027-01-20' }, clock.now());
    const free = (from: string) => capacity.freeSlots({ codeInsee: zone, type: 'SAV', debut: parisDayStart(from), fin: parisDayStart('2027-01-21'), now: clock.now(), limit: 200 });
    const [a, b, c, d] = await free('2027-01-11');
    const at = clock.now();
    const booked = await appointments.book({ operatorCode: 'OPA1', creneau: a!, at, canal: 'INTEROP' });
    const cancelled = await appointments.book({ operatorCode: 'OPA1', creneau: b!, at, canal: 'INTEROP' });
    await appointments.cancel('OPA1', cancelled.reference, at, () => true);
    const moved = await appointments.book({ operatorCode: 'OPA1', creneau: c!, at, canal: 'INTEROP' });
    await appointments.move('OPA1', moved.reference, d!, at, () => true);
    const [late] = await free('2027-01-18');
    const lateBooking = await appointments.book({ operatorCode: 'OPA1', creneau: late!, at, canal: 'INTEROP' });

    // 96 days later with a retention of 90: the free slots of 11 – 15 January go, 16 January on stays.
    clock.set('2027-04-16T03:00:00+02:00');
    const cutoff = parisDayStart('2027-01-16');
    const count = async (where: string, params: unknown[] = []) =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM rdv_creneaux c WHERE c.code_insee = '${zone}' AND ${where}`, params))[0]!.n);
    const unreferenced = 'NOT EXISTS (SELECT 1 FROM rdv_rendezvous r WHERE r.creneau_id = c.id)';
    const toDelete = await count(`c.debut < $1 AND ${unreferenced}`, [cutoff]);
    const kept = await count(`c.debut >= $1`, [cutoff]);
    expect(toDelete).toBeGreaterThan(10);

    const rdv = service(db, clock);
    await expect(rdv.purgePastFreeSlots(0)).rejects.toThrow(RangeError);
    // A run stopped before it starts deletes nothing.
    const stop = new AbortController();
    stop.abort();
    expect((await rdv.purgePastFreeSlots(90, stop.signal)).supprimes).toBe(0);
    // A first run with an older cutoff (as a run a few days ago), in batches of 4 slots.
    const earlier = parisDayStart('2027-01-13');
    const first = await purgeFreeSlots(db, earlier, clock.now(), { batchSlots: 4 });
    expect(first.lots).toBeGreaterThan(1);
    expect(first.supprimes).toBe(toDelete - (await count(`c.debut >= $1 AND c.debut < $2 AND ${unreferenced}`, [earlier, cutoff])));
    expect((await db.query<{ purge_avant: Date }>('SELECT purge_avant FROM rdv_purge_creneaux'))[0]!.purge_avant).toEqual(earlier);

    // The mark is trusted: a free slot before it (none can appear: slots are generated in the
    // future) would not be looked at again. It shows the next run starts at the mark.
    await db.query(`INSERT INTO rdv_creneaux (code_insee, type_rdv, debut, fin, technicien) VALUES ($1, 'SAV', '2027-01-11T05:00:00Z', '2027-01-11T06:00:00Z', 9)`, [zone]);
    const result = await rdv.purgePastFreeSlots(90);
    expect(result.avant).toEqual(cutoff);
    expect(result.supprimes).toBe(toDelete - first.supprimes);
    expect(await count(`c.debut < $1 AND ${unreferenced}`, [cutoff])).toBe(1);
    expect(await count(`c.debut >= $1`, [cutoff])).toBe(kept);
    // Every appointment is still readable with its slot (the cancelled one included).
    for (const [ref, slot] of [[booked.reference, a!], [cancelled.reference, b!], [moved.reference, d!], [lateBooking.reference, late!]] as const) {
      const found = await appointments.find('OPA1', ref);
      expect(found?.creneau).toMatchObject({ id: slot.id, debut: slot.debut, fin: slot.fin });
    }
    expect(await count('c.id = $1', [c!.id])).toBe(0); // the slot moved away from went
    // Nothing more until the cutoff moves: one batch, nothing deleted.
    expect(await rdv.purgePastFreeSlots(90)).toMatchObject({ supprimes: 0, lots: 1 });
  }, 60_000);

  test('two processes: each period the horizon job and the purge run once in all (ledger), the slots they make and delete counted once', async () => {
    const zone = '33063';
    const capacity = new SqlCapacityRepository(db, calendar);
    await capacity.upsertPatterns(PATTERNS(zone));
    const business = new SettableClock('2027-05-03T10:00:00+02:00');
    await capacity.ensureSlots(zone, { from: '2027-05-03', to: '2027-05-09' }, business.now());
    const schedulerClock = new SettableClock('2027-05-03T08:00:00Z');
    const runs: Record<string, number> = {};
    // One log for both processes, in the order the lines were written.
    const log = logger();
    const schedulers = (['A', 'B'] as const).map((name) => {
      const p = pool();
      const rdv = service(p, business);
      const counted = {
        extendHorizon: async (signal?: AbortSignal) => ((runs[`horizon${name}`] = (runs[`horizon${name}`] ?? 0) + 1), rdv.extendHorizon(signal)),
        purgePastFreeSlots: async (days: number, signal?: AbortSignal) => ((runs[`purge${name}`] = (runs[`purge${name}`] ?? 0) + 1), rdv.purgePastFreeSlots(days, signal)),
      };
      const scheduler = new Scheduler({ clock: schedulerClock, logger: log.logger, clusterRuns: new SqlScheduledRuns(p, name), retryMs: 10 });
      registerSlotJobs(scheduler, counted, { retentionDays: 30, logger: log.logger });
      return scheduler;
    });
    const runBoth = async () => {
      await Promise.all(schedulers.map((s) => s.runDue()));
      // The one that found the job busy tries again (10 ms later): the period is already run.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await Promise.all(schedulers.map((s) => s.runDue()));
    };
    const ledger = async (job: string) =>
      (await db.query<{ period_start: Date }>('SELECT period_start FROM scheduled_runs WHERE job = $1 ORDER BY period_start', [job])).map((r) => r.period_start.toISOString());

    await runBoth();
    expect((runs.horizonA ?? 0) + (runs.horizonB ?? 0)).toBe(1);
    expect((runs.purgeA ?? 0) + (runs.purgeB ?? 0)).toBe(1);
    expect(await ledger(SLOT_HORIZON_JOB)).toEqual(['2027-05-03T08:00:00.000Z']);
    expect(await ledger(SLOT_PURGE_JOB)).toEqual(['2027-05-03T08:00:00.000Z']);
    const horizonLines = () => log.lines.filter((l) => l.includes('appointment slots horizon extended'));
    const purgeLines = () => log.lines.filter((l) => l.includes('past free appointment slots purged'));
    expect(horizonLines()).toHaveLength(1);
    const purgedBefore = purgeLines().length;

    // 35 days later, an hour later on the scheduler's clock: the early May slots are past the
    // retention of 30 days; one process purges them, once.
    business.set('2027-06-07T10:00:00+02:00');
    schedulerClock.set('2027-05-03T09:00:00Z');
    const due = Number(
      (
        await db.query<{ n: string }>(
          // from where the previous run stopped (the slot planted before the mark above stays)
          `SELECT count(*) AS n FROM rdv_creneaux c WHERE c.debut < $1 AND c.debut >= (SELECT purge_avant FROM rdv_purge_creneaux)
              AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous r WHERE r.creneau_id = c.id)`,
          [parisDayStart(addDays(parisDayOf(business.now()), -30))],
        )
      )[0]!.n,
    );
    expect(due).toBeGreaterThan(0);
    await runBoth();
    expect((runs.purgeA ?? 0) + (runs.purgeB ?? 0)).toBe(2);
    expect(await ledger(SLOT_PURGE_JOB)).toEqual(['2027-05-03T08:00:00.000Z', '2027-05-03T09:00:00.000Z']);
    expect(purgeLines()).toHaveLength(purgedBefore + 1);
    expect(JSON.parse(purgeLines().at(-1)!)).toMatchObject({ deleted: due, before: parisDayStart('2027-05-08').toISOString() });
    await Promise.all(schedulers.map((s) => s.stop()));
  }, 60_000);

  test('the demo loader touches only the demo communes (complete, idempotent), whatever capacity the database holds', async () => {
    const capacity = new SqlCapacityRepository(db, calendar);
    // Other zones with capacity and no generated days (e.g. a national capacity being rolled out).
    const others = Array.from({ length: 40 }, (_, i) => `44${String(100 + i)}`);
    for (const z of others) await capacity.upsertPatterns(PATTERNS(z));
    const now = new Date('2027-02-01T09:00:00+01:00');
    await loadDemoRendezVousCapacity(db, now);
    const cov = await coverage();
    for (const z of DEMO_COMMUNES) expect(cov.get(z)).toBe(`2027-02-01..${addDays('2027-02-01', DEFAULT_HORIZON_DAYS)}`);
    for (const z of others) expect(cov.has(z)).toBe(false);
    expect(await slotsOf(others, new Date(0), new Date('2100-01-01'))).toHaveLength(0);
    const demo = await slotsOf(DEMO_COMMUNES, parisDayStart('2027-02-01'), parisDayStart('2027-03-02'));
    expect(demo.length).toBeGreaterThan(100);
    // A restart: the same slots, the same rows.
    await loadDemoRendezVousCapacity(db, now);
    expect((await slotsOf(DEMO_COMMUNES, parisDayStart('2027-02-01'), parisDayStart('2027-03-02'))).map((s) => s.id)).toEqual(demo.map((s) => s.id));
  }, 60_000);
});

describe('ESAV_RDV_SLOT_RETENTION_DAYS', () => {
  test('90 days by default; 0 keeps every slot (no purge job); out of range or not an integer stops the start', () => {
    expect(loadConfig({}).slotRetentionDays).toBe(90);
    expect(loadConfig({ ESAV_RDV_SLOT_RETENTION_DAYS: '0' }).slotRetentionDays).toBe(0);
    expect(loadConfig({ ESAV_RDV_SLOT_RETENTION_DAYS: '400' }).slotRetentionDays).toBe(400);
    expect(() => loadConfig({ ESAV_RDV_SLOT_RETENTION_DAYS: '-1' })).toThrow(/ESAV_RDV_SLOT_RETENTION_DAYS/);
    expect(() => loadConfig({ ESAV_RDV_SLOT_RETENTION_DAYS: '1.5' })).toThrow(/ESAV_RDV_SLOT_RETENTION_DAYS/);
    expect(() => loadConfig({ ESAV_RDV_SLOT_RETENTION_DAYS: '3651' })).toThrow(/ESAV_RDV_SLOT_RETENTION_DAYS/);
  });

  test('the gateway registers both jobs as cluster jobs, the purge only with a retention', () => {
    const registered = (retentionDays: number) => {
      const scheduler = new Scheduler({ clock: new SettableClock('2027-01-01T00:00:00Z'), logger: logger().logger, clusterRuns: { runOnce: async () => 'ran' } });
      registerSlotJobs(scheduler, { extendHorizon: async () => ({ zones: 0, ajoutes: 0 }), purgePastFreeSlots: async () => ({ supprimes: 0, lots: 0, avant: new Date() }) }, { retentionDays, logger: logger().logger });
      return scheduler.registered;
    };
    expect(registered(90)).toEqual([
      { name: SLOT_HORIZON_JOB, scope: 'cluster', everyMs: HOUR },
      { name: SLOT_PURGE_JOB, scope: 'cluster', everyMs: HOUR },
    ]);
    expect(registered(0)).toEqual([{ name: SLOT_HORIZON_JOB, scope: 'cluster', everyMs: HOUR }]);
  });
});

describe('the scheduler stops a job that works in steps', () => {
  test('stop() aborts the signal handed to a running job and waits for it to return', async () => {
    const scheduler = new Scheduler({ clock: new SettableClock('2027-01-01T00:00:00Z'), logger: logger().logger, clusterRuns: { runOnce: async (_job, _period, work) => (await work(), 'ran') } });
    const steps: number[] = [];
    let stopped = false;
    scheduler.cluster('steps', HOUR, async (signal) => {
      for (let step = 1; !signal.aborted; step++) {
        steps.push(step);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      stopped = true;
    });
    const running = scheduler.runDue();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    await scheduler.stop();
    expect(stopped).toBe(true);
    const done = steps.length;
    await running;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(steps.length).toBe(done);
    expect(done).toBeGreaterThan(1);
  });
});

test('embedded PGlite: the horizon job and the purge work on the single-connection database too', async () => {
  const db = await pgliteDatabase();
  try {
    await migrate(db);
    await db.query(`INSERT INTO operators (code, siret, raison_sociale) VALUES ('OPA1', '10000000900013', 'Opérateur A')`);
    const capacity = new SqlCapacityRepository(db, calendar);
    for (const z of ['75056', '69123']) await capacity.upsertPatterns(PATTERNS(z));
    const clock = new SettableClock('2027-01-11T07:00:00+01:00');
    const days = (now: Date) => ({ from: parisDayOf(now), to: addDays(parisDayOf(now), DEFAULT_HORIZON_DAYS) });
    expect((await capacity.extendHorizon(days(clock.now()), clock.now())).zones).toBe(2);
    const [slot] = await capacity.freeSlots({ codeInsee: '75056', type: 'SAV', debut: clock.now(), fin: parisDayStart('2027-01-20'), now: clock.now(), limit: 1 });
    const booked = await new SqlRendezVousRepository(db).book({ operatorCode: 'OPA1', creneau: slot!, at: clock.now(), canal: 'INTEROP' });
    clock.set('2027-01-12T07:00:00+01:00');
    expect(await capacity.extendHorizon(days(clock.now()), clock.now())).toMatchObject({ zones: 2 });
    clock.set('2027-03-01T07:00:00+01:00');
    const purged = await purgeFreeSlots(db, parisDayStart('2027-02-01'), clock.now(), { batchSlots: 50 });
    expect(purged.supprimes).toBeGreaterThan(50);
    const left = await db.query<{ id: string }>(`SELECT id FROM rdv_creneaux WHERE debut < $1`, [parisDayStart('2027-02-01')]);
    expect(left.map((r) => Number(r.id))).toEqual([slot!.id]);
    expect((await new SqlRendezVousRepository(db).find('OPA1', booked.reference))?.creneau.id).toBe(slot!.id);
  } finally {
    await db.close();
  }
}, 60_000);

describeDb('the gateway', () => {
  test('registers both slot jobs and runs them at start (demo data, ledger rows, no failure)', async () => {
    const t = await startTestGateway();
    try {
      expect(t.gateway.scheduler.registered).toEqual(
        expect.arrayContaining([
          { name: SLOT_HORIZON_JOB, scope: 'cluster', everyMs: HOUR },
          { name: SLOT_PURGE_JOB, scope: 'cluster', everyMs: HOUR },
        ]),
      );
      let rows: Array<{ job: string; error: string | null }> = [];
      for (let i = 0; i < 100 && rows.length < 2; i++) {
        rows = await t.db.query(`SELECT job, error FROM scheduled_runs WHERE job IN ($1, $2) AND finished_at IS NOT NULL ORDER BY job`, [SLOT_HORIZON_JOB, SLOT_PURGE_JOB]);
        if (rows.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(rows).toEqual([
        { job: SLOT_HORIZON_JOB, error: null },
        { job: SLOT_PURGE_JOB, error: null },
      ]);
      expect(t.logs.filter((l) => l.includes('scheduled job failed'))).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);
});
