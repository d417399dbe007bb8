// `npm run bench:slots` (issue 16, point 4; decision 0029): the appointment slots' work at national
// scale, on a fresh PostgreSQL database holding the capacity of up to 35 000 communes (the
// patterns and slots of bench/lib/bulk.ts, as `bench:scale` loads them), `--past-days` days of past
// slots with one in `--booked-every` booked:
//
// - a gateway's start with the demo data (child process, time to ready) on the fresh database and
//   on the national one, and the demo capacity loader alone;
// - the rolling horizon: a run that finds nothing new, then the run of a new Paris day;
// - the purge of past free slots: the backlog of `--past-days` days, then one day's.
//
// `--legacy` measures the horizon as the code before decision 0029 did it (ensureSlots zone by
// zone over every zone: the old RendezVousService.extendHorizon), on `--legacy-zones` zones and
// extrapolated; it uses only what that code had, so this file runs on the earlier commit too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SettableClock } from '../src/domain/clock.js';
import { frenchPublicHolidays } from '../src/domain/holidays.js';
import { addDays, isoWeekday, parisDayOf, parisDayStart } from '../src/domain/paris-calendar.js';
import { DEFAULT_HORIZON_DAYS, slotsOfDays } from '../src/domain/rendezvous.js';
import { postgresDatabase } from '../src/adapters/postgres/db.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { MIGRATIONS_DIR } from '../src/adapters/paths.js';
import { SqlCapacityRepository } from '../src/adapters/postgres/rendezvous.js';
import { loadDemoRendezVousCapacity } from '../src/composition/demo-data.js';
import { parseFlags } from './lib/args.js';
import { CAPACITY_PATTERNS, insertCommuneSlots, loadCapacityPatterns, recordCommuneCoverage } from './lib/bulk.js';
import { createDatabase, describeMachine, gatewayChildEnv, int, machineLines, tempDir, writeJson } from './lib/env.js';
import { forkServer } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const flags = parseFlags(
  {
    communes: { default: 35_000, help: 'communes with capacity (zones)' },
    'past-days': { default: 30, help: 'days of past slots loaded before today (the purge backlog)' },
    'booked-every': { default: 20, help: 'one past slot in this many holds an appointment (kept by the purge)' },
    legacy: { default: false, help: 'measure the horizon as before decision 0029 (ensureSlots zone by zone), on --legacy-zones zones' },
    'legacy-zones': { default: 2000, help: 'zones of the legacy day run (extrapolated to --communes)' },
    start: { default: true, help: 'time gateway starts (child process with the demo data) on the fresh and the national database' },
    json: { default: 'reports/bench-slots.json', help: 'write the figures to this JSON file (empty: do not)' },
    'keep-db': { default: false, help: 'keep the database' },
    'migrate-after': {
      default: '0021',
      help: 'migrations from this name on are applied after the load, timed (what the first start of that version does on a national database; with --start the first gateway start has applied them already); empty: all before',
    },
  },
  process.argv.slice(2),
  process.env,
  'npm run bench:slots -- [flags]',
);

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

interface HorizonPort {
  extendHorizon?(days: { from: string; to: string }, now: Date): Promise<{ zones: number; ajoutes: number }>;
  purgeFreeSlots?(before: Date, now: Date): Promise<{ supprimes: number; lots: number }>;
}

async function main(): Promise<void> {
  const machine = await describeMachine();
  for (const line of machineLines(machine)) log(line);
  const figures: Record<string, unknown> = { flags, machine };
  const db = await createDatabase('esav_slots');
  const pool = postgresDatabase(db.url, { max: 4 });
  const dataDir = tempDir('esav-bench-slots-');
  const certsDir = tempDir('esav-bench-slots-certs-');
  try {
    // The migrations before --migrate-after first (the schema the data are loaded into), the rest after the load.
    const later = flags['migrate-after'];
    const earlier = tempDir('esav-bench-slots-migrations-');
    for (const file of fs.readdirSync(MIGRATIONS_DIR)) if (!later || file < later) fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(earlier, file));
    await migrate(pool, earlier);
    const startGateway = async (label: string) => {
      const { ms, value: child } = await timed(() =>
        forkServer(path.join(HERE, 'gateway-child.js'), {
          env: gatewayChildEnv(db.url, { certsDir, dataDir }, 'warn', { ESAV_WORKERS: '1' }),
          logFile: path.join(dataDir, 'gateway.log'),
          startTimeoutMs: 600_000,
        }),
      );
      await child.stop();
      log(`gateway start (${label}): ${seconds(ms)}`);
      return ms;
    };
    if (flags.start) {
      // The first start also makes the development PKI: the second is the fresh database's figure.
      await startGateway('fresh database, first: development PKI made');
      figures.startFresh = await startGateway('fresh database');
    }

    const now = new Date();
    const today = parisDayOf(now);
    const horizon = addDays(today, DEFAULT_HORIZON_DAYS);
    const firstPast = addDays(today, -flags['past-days']);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const load = await timed(async () => {
      await client.query('SET synchronous_commit = off');
      await client.query(`INSERT INTO operators (code, siret, raison_sociale) VALUES ('OPA1', '10000000900013', 'Opérateur A') ON CONFLICT DO NOTHING`);
      const patterns = await loadCapacityPatterns(client, flags.communes);
      const seeds = (from: string, to: string) => slotsOfDays(CAPACITY_PATTERNS.map((x) => ({ ...x, codeInsee: '00000' })), from, to, frenchPublicHolidays());
      const future = await insertCommuneSlots(client, flags.communes, seeds(today, horizon));
      await recordCommuneCoverage(client, flags.communes, today, horizon);
      const past = flags['past-days'] > 0 ? await insertCommuneSlots(client, flags.communes, seeds(firstPast, addDays(today, -1))) : 0;
      const booked = await client.query(
        `INSERT INTO rdv_rendezvous (operator_code, creneau_id, type_rdv, statut, canal, reserve_le, modifie_le)
         SELECT 'OPA1', id, type_rdv, 'RESERVE', 'INTEROP', debut - interval '2 days', debut - interval '2 days'
           FROM rdv_creneaux WHERE debut < $1 AND id % $2 = 0`,
        [parisDayStart(today), flags['booked-every']],
      );
      await client.query('VACUUM (ANALYZE)');
      return { patterns, future, past, booked: booked.rowCount ?? 0 };
    });
    figures.load = { ...load.value, seconds: load.ms / 1000 };
    log(
      `loaded ${int(flags.communes)} communes: ${int(load.value.patterns)} pattern lines, ${int(load.value.future)} future slots, ` +
        `${int(load.value.past)} past slots (${int(load.value.booked)} booked) in ${seconds(load.ms)}`,
    );

    const applied = await timed(() => migrate(pool));
    figures.migrationsAfterLoad = { names: applied.value, seconds: applied.ms / 1000 };
    log(`migrations applied on the loaded database: ${applied.value.join(', ') || 'none'} in ${seconds(applied.ms)}`);

    if (flags.start) figures.startNational = await startGateway(`${int(flags.communes)} zones`);

    const capacity = new SqlCapacityRepository(pool, frenchPublicHolidays());
    const demo = await timed(() => loadDemoRendezVousCapacity(pool, now));
    figures.demoLoader = demo.ms;
    log(`demo capacity loader: ${seconds(demo.ms)}`);

    const clock = new SettableClock(now);
    const port = capacity as unknown as HorizonPort;
    if (flags.legacy || !port.extendHorizon) {
      // As RendezVousService.extendHorizon did before decision 0029.
      // The zones with capacity, as the repository's zones() listed them for that loop.
      const zones = (
        await pool.query<{ code_insee: string }>('SELECT code_insee FROM rdv_plannings UNION SELECT code_insee FROM rdv_supplements ORDER BY 1')
      ).map((r) => r.code_insee);
      const steady = await timed(async () => {
        for (const zone of zones) await capacity.ensureSlots(zone, { from: today, to: horizon }, clock.now());
      });
      log(`horizon, nothing new, zone by zone (${int(zones.length)} zones): ${seconds(steady.ms)}`);
      clock.set(new Date(now.getTime() + 86_400_000));
      const day = parisDayOf(clock.now());
      const sample = zones.slice(0, flags['legacy-zones']);
      const roll = await timed(async () => {
        let created = 0;
        for (const zone of sample) created += await capacity.ensureSlots(zone, { from: day, to: addDays(day, DEFAULT_HORIZON_DAYS) }, clock.now());
        return created;
      });
      const perZone = roll.ms / sample.length;
      log(`horizon, a new day, zone by zone: ${int(sample.length)} zones in ${seconds(roll.ms)} (${perZone.toFixed(1)} ms a zone; ${int(roll.value)} slots) → ${seconds(perZone * zones.length)} for ${int(zones.length)} zones`);
      figures.horizon = { mode: 'legacy', steadyMs: steady.ms, sampleZones: sample.length, dayMs: roll.ms, perZoneMs: perZone, extrapolatedMs: perZone * zones.length, slots: roll.value };
    } else {
      const steady = await timed(() => port.extendHorizon!({ from: today, to: horizon }, clock.now()));
      log(`horizon, nothing new: ${seconds(steady.ms)} (${int(steady.value.zones)} zones)`);
      const rolls: Array<{ ms: number; zones: number; slots: number }> = [];
      for (let d = 1; d <= 2; d++) {
        clock.set(new Date(now.getTime() + d * 86_400_000));
        const day = parisDayOf(clock.now());
        const roll = await timed(() => port.extendHorizon!({ from: day, to: addDays(day, DEFAULT_HORIZON_DAYS) }, clock.now()));
        rolls.push({ ms: roll.ms, zones: roll.value.zones, slots: roll.value.ajoutes });
        log(`horizon, a new day (${addDays(day, DEFAULT_HORIZON_DAYS)}): ${seconds(roll.ms)} (${int(roll.value.zones)} zones, ${int(roll.value.ajoutes)} slots)`);
      }
      figures.horizon = { mode: 'batched', steadyMs: steady.ms, rolls };

      // The purge: the backlog (every past day before the last weekday), then that weekday's.
      let last = addDays(today, -1);
      while (isoWeekday(last) > 5) last = addDays(last, -1);
      const purges: Array<{ ms: number; deleted: number; batches: number }> = [];
      for (const before of [parisDayStart(last), parisDayStart(addDays(last, 1))]) {
        const run = await timed(() => port.purgeFreeSlots!(before, clock.now()));
        purges.push({ ms: run.ms, deleted: run.value.supprimes, batches: run.value.lots });
        log(`purge before ${before.toISOString()}: ${int(run.value.supprimes)} slots in ${seconds(run.ms)} (${run.value.lots} batches, ${int(run.value.supprimes / (run.ms / 1000))} slots/s)`);
      }
      const again = await timed(() => port.purgeFreeSlots!(parisDayStart(addDays(last, 1)), clock.now()));
      log(`purge again, nothing new: ${seconds(again.ms)}`);
      figures.purge = { runs: purges, nothingNewMs: again.ms };
    }
    await client.end();
  } finally {
    await pool.close();
    if (!flags['keep-db']) await db.drop();
    else log(`database kept: ${db.name}`);
  }
  if (flags.json) writeJson(flags.json, figures);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
