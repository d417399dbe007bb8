// `npm run bench:scale` (issue 16, point 4, "national volumes"): the latency of deposit, consult,
// list, detail (a ticket with its history), closed history and slot search through the gateway
// over mutual TLS, as the national data set grows — by default 10 000, 1 000 000 and 5 000 000
// tickets (with 2 prestations per ticket: 10 000 000 prestations at the largest size), the
// calling operator OPA1 owning 30 % of them (bench/lib/bulk.ts). Each size gets its own fresh
// database (migrated by the gateway, then bulk-loaded with every index in place, VACUUM ANALYZE,
// CHECKPOINT) and its own gateway child process; the load time, the disk taken and the plans of
// the repositories' own SQL (custom and generic) are recorded beside the latency curve.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { historyWindowStart } from '../src/domain/signalisation.js';
import { encodeCursor } from '../src/application/paging.js';
import { parisWallTime } from '../src/domain/paris-calendar.js';
import { NO_HOLIDAYS } from '../src/domain/holidays.js';
import { postgresDatabase, type Database, type PreparedStatement } from '../src/adapters/postgres/db.js';
import { DEFAULT_HORIZON_DAYS, searchableDays } from '../src/domain/rendezvous.js';
import { SqlSignalisationRepository } from '../src/adapters/postgres/signalisations.js';
import { SqlPrestationRepository } from '../src/adapters/postgres/prestations.js';
import { SqlCapacityRepository, SqlRendezVousRepository } from '../src/adapters/postgres/rendezvous.js';
import { SqlLineTestRepository } from '../src/adapters/postgres/line-tests.js';
import { parseFlags } from './lib/args.js';
import { diskUse, loadNational, nationalPlan, type BulkLoad, type DiskUse } from './lib/bulk.js';
import { cpuSnapshot, cpuUse, type CpuSnapshot, type CpuUse } from './lib/cpu.js';
import { ADMIN_DATABASE_URL, createDatabase, describeMachine, gatewayChildEnv, int, machineLines, mib, ms, table, tempDir, writeJson } from './lib/env.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import {
  SERVICE_PATH,
  closedHistoryRequest,
  consultStateRequest,
  depositRequest,
  detailRequest,
  listRequest,
  slotSearchRequest,
  soapHeaders,
} from './lib/messages.js';
import { forkServer } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const OPERATIONS = ['consult', 'list', 'list-next', 'list-offre', 'list-etat', 'list-periode', 'list-offre-none', 'detail', 'historique', 'slots', 'deposit'] as const;
/** The list's variants (decision 0028): measured when asked for (--operations), not by default. */
const LIST_VARIANTS: readonly Operation[] = ['list-next', 'list-offre', 'list-etat', 'list-periode', 'list-offre-none'];
type Operation = (typeof OPERATIONS)[number];
const LABELS: Record<Operation, string> = {
  deposit: 'deposerSignalisation',
  consult: 'consulterEtatSignalisation',
  list: 'listerSignalisations (taille 50)',
  'list-next': 'listerSignalisations (next page, from a random visible ticket)',
  'list-offre': 'listerSignalisations (offre FTTH_ACTIVE, a quarter of the tickets)',
  'list-etat': 'listerSignalisations (etat EN_COURS)',
  'list-periode': 'listerSignalisations (periode a year ago)',
  'list-offre-none': 'listerSignalisations (offre LFO, no ticket)',
  detail: 'consulterDetailSignalisation (historique)',
  historique: 'consulterHistorique (taille 50)',
  slots: 'rechercherCreneaux (SAV, 14 days)',
};

const flags = parseFlags(
  {
    sizes: { default: '10000,1000000,5000000', help: 'national ticket counts, comma-separated (the first is the reference)' },
    operations: {
      default: OPERATIONS.filter((o) => !LIST_VARIANTS.includes(o)).join(','),
      help: `operations measured, in this order in each round (${OPERATIONS.join(', ')}; the list-* variants, not measured by default: a next page from a random visible ticket, an offre of a quarter of the tickets, an etat, a deposit period a year ago, an offre without any ticket — see docs/benchmarks.md)`,
    },
    'prestations-per-ticket': { default: 2, help: 'prestations loaded per ticket (10 M prestations for 5 M tickets)' },
    'prestations-per-commune': { default: 300, help: 'prestations per commune (communes clamped to 50 … 35 000)' },
    duration: { default: 10, help: 'measured seconds per operation and size' },
    rounds: { default: 3, help: 'rounds of measurements, sizes alternating; each figure is the median over the rounds' },
    warmup: { default: 3, help: 'warm-up seconds per operation and size' },
    connections: { default: 8, help: 'keep-alive connections (moderate, so that latency shows the database, not queueing)' },
    chunk: { default: 100_000, help: 'tickets per INSERT statement of the bulk load (prestations: twice as many)' },
    'foreign-keys': { default: 'end', help: 'row: each loaded row checks its foreign keys; end: checked once per constraint after the load (same data, faster)' },
    'clock-offset': { default: 'auto', help: "hours added to the gateway's business clock; auto: 0, or what brings 22:00 – 05:00 Paris to 10:00 (the slot search is closed 01:00 – 04:00)" },
    'max-requests': { default: 5_000_000, help: 'hard cap on the requests of one measurement' },
    'log-level': { default: 'info', help: "the gateway's LOG_LEVEL" },
    json: { default: 'reports/bench-scale.json', help: 'write the figures to this JSON file (empty: do not)' },
    'keep-db': { default: false, help: 'keep the databases instead of dropping them' },
    databases: { default: '', help: 'reuse these databases kept by an earlier run (--keep-db), one per size, smallest first, instead of loading: --sizes is then read from them; the gateways apply any newer migration at start' },
    'keep-logs': { default: false, help: "keep the servers' log file (one line per request) after a successful run" },
    'cpu-prof': { default: false, help: "CPU-profile the gateway's main thread over each measured window (reports/cpu-prof/)" },
  },
  process.argv.slice(2),
  process.env,
  'npm run bench:scale -- [flags]',
);

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Measurement extends LoadResult {
  operation: Operation;
  tickets: number;
  cpu: CpuUse;
}

interface Statement {
  name: string;
  sql: string;
  params: unknown[];
  prepared: boolean;
}

/** The SQL a repository sends for one call, captured instead of run (answered with no rows). */
async function captured(name: string, call: (db: Database) => Promise<unknown>, answer: (sql: string) => unknown[] = () => []): Promise<Statement[]> {
  const out: Statement[] = [];
  const capture: Database = {
    kind: 'postgres',
    async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
      const text = typeof sql === 'string' ? sql : sql.text;
      out.push({ name, sql: text, params: [...(params ?? [])], prepared: typeof sql !== 'string' });
      return answer(text) as R[];
    },
    transaction: () => Promise.reject(new Error('not captured')),
    script: () => Promise.reject(new Error('not captured')),
    close: async () => undefined,
  };
  await call(capture);
  if (out.length === 0) throw new Error(`no SQL captured for ${name}`);
  return out.map((s, i) => (out.length > 1 ? { ...s, name: `${name}#${i + 1}` } : s));
}

interface Plan {
  tickets: number;
  operation: Operation;
  statement: string;
  /** custom: planned with the values; generic: the plan a prepared statement may switch to. */
  mode: 'custom' | 'generic';
  plan: string;
  ms: number;
  /** Shared buffers the statement touched (hit + read, the top node's count): its pages. */
  buffers: number;
  /** The access paths of the plan (scan nodes with their relation or index). */
  access: string[];
}

function literal(client: pg.Client, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) return client.escapeLiteral(`{${value.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`);
  return client.escapeLiteral(String(value));
}

function accessPaths(plan: string[]): string[] {
  const out: string[] = [];
  for (const line of plan) {
    const m = /((?:Parallel )?(?:Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Seq Scan|Bitmap Heap Scan)(?: using \S+)? on \S+|Bitmap Index Scan on \S+)/.exec(line);
    if (m && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one statement, three times (the figures of a warm cache, as
 * during the load); a data-changing one inside a transaction rolled back. For a statement the
 * repository prepares, also the generic plan, which PostgreSQL may switch to after five runs.
 */
async function explain(client: pg.Client, s: Statement, mode: 'custom' | 'generic'): Promise<{ plan: string; ms: number; buffers: number; access: string[] }> {
  const writes = /^\s*(WITH[\s\S]*INSERT|INSERT|UPDATE|DELETE)/i.test(s.sql);
  let last: string[] = [];
  for (let i = 0; i < 3; i++) {
    await client.query('BEGIN');
    try {
      if (mode === 'custom') {
        const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
        last = result.rows.map((r) => r['QUERY PLAN']);
      } else {
        await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
        await client.query(`PREPARE bench_generic AS ${s.sql}`);
        const args = s.params.map((p) => literal(client, p)).join(', ');
        const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic${args ? `(${args})` : ''}`);
        last = result.rows.map((r) => r['QUERY PLAN']);
      }
    } finally {
      await client.query(writes || mode === 'generic' ? 'ROLLBACK' : 'COMMIT');
      // PREPARE is not undone by the rollback
      if (mode === 'generic') await client.query('DEALLOCATE ALL');
    }
  }
  const execution = last.find((l) => l.startsWith('Execution Time'));
  const top = last.find((l) => /^\s*Buffers: shared/.test(l)) ?? '';
  const buffers = Number(/hit=(\d+)/.exec(top)?.[1] ?? 0) + Number(/read=(\d+)/.exec(top)?.[1] ?? 0);
  return { plan: last.join('\n'), ms: Number(/([\d.]+) ms/.exec(execution ?? '')?.[1] ?? NaN), buffers, access: accessPaths(last) };
}

/** A small deterministic PRNG (mulberry32): the same request sequence on every size. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The business clock's offset in hours: keeps the run clear of the slot search's night closure. */
function clockOffsetHours(setting: string): number {
  if (setting !== 'auto') {
    const hours = Number(setting);
    if (!Number.isFinite(hours)) throw new Error(`--clock-offset ${setting}: auto or a number of hours`);
    return hours;
  }
  const { hour, minute } = parisWallTime(new Date());
  if (hour >= 5 && hour < 22) return 0;
  return (((10 - hour + 24) % 24) * 60 - minute) / 60;
}

const DAY_MS = 86_400_000;

/** listerSignalisations' cursor of the page after ticket `id`. */
const listCursor = (id: number) => encodeCursor('L', { id });

/** Pages (shared buffers) one call reads: found in PostgreSQL's shared buffers, or read from the OS. */
interface PageUse {
  calls: number;
  hit: number;
  read: number;
}

/**
 * What the reads of consult, detail and slot search touch, per call, on one size: `calls`
 * random tickets of the sample run through the repositories exactly as the use cases call them,
 * on one connection of their own, whose block counters (pg_stat_database, flushed on demand) are
 * read before and after. The other backends of the database are idle meanwhile.
 */
async function pageUse(url: string, visible: string[], open: string[], calls: number, now: Date): Promise<Record<'consult' | 'detail' | 'slots', PageUse>> {
  const db = postgresDatabase(url, { max: 1 });
  const signalisations = new SqlSignalisationRepository(db);
  const prestations = new SqlPrestationRepository(db);
  const rendezVous = new SqlRendezVousRepository(db);
  const lineTests = new SqlLineTestRepository(db);
  const capacity = new SqlCapacityRepository(db, NO_HOLIDAYS);
  const random = prng(99);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)]!;
  const counters = async () => {
    await db.query('SELECT pg_stat_force_next_flush()');
    const [row] = await db.query<{ hit: string; read: string }>(
      'SELECT pg_stat_clear_snapshot(), blks_hit::text AS hit, blks_read::text AS read FROM pg_stat_database WHERE datname = current_database()',
    );
    return { hit: Number(row!.hit), read: Number(row!.read) };
  };
  const measure = async (call: () => Promise<unknown>): Promise<PageUse> => {
    // a fresh connection first reads the catalogue, and each statement's first run prepares it
    for (let i = 0; i < 20; i++) await call();
    const before = await counters();
    for (let i = 0; i < calls; i++) await call();
    const after = await counters();
    // the counters' own two statements touch a page or two: negligible over hundreds of calls
    return { calls, hit: (after.hit - before.hit) / calls, read: (after.read - before.read) / calls };
  };
  try {
    const consult = await measure(() => signalisations.findState('OPA1', { referenceSignalisation: pick(visible) }));
    const detail = await measure(async () => {
      const s = await signalisations.find('OPA1', { referenceSignalisation: pick(visible) });
      if (!s) throw new Error('sampled ticket not found');
      await Promise.all([
        prestations.findForOperator(s.operatorCode, s.prestationId),
        signalisations.history(s.id),
        signalisations.comments(s.id),
        rendezVous.listForSignalisation(s.id),
        lineTests.linkedTo(s),
      ]);
    });
    const fin = new Date(now.getTime() + 14 * DAY_MS);
    const days = searchableDays(now, now, fin, DEFAULT_HORIZON_DAYS)!;
    const slots = await measure(async () => {
      const s = await signalisations.find('OPA1', { referenceSignalisation: pick(open) });
      const p = s && (await prestations.findForOperator(s.operatorCode, s.prestationId));
      if (!p?.codeInsee) throw new Error('sampled open ticket without a commune');
      await capacity.ensureSlots(p.codeInsee, days, now);
      await capacity.freeSlots({ codeInsee: p.codeInsee, type: 'SAV', debut: now, fin, now, limit: 200 });
    });
    return { consult, detail, slots };
  } finally {
    await db.close();
  }
}

/** The URL of a database of the benchmarks' server. */
function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** How many tickets the national load wrote into a kept database. */
async function loadedTickets(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM signalisations WHERE reference_interne_oc LIKE 'NAT-%'");
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const reused = flags.databases.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of reused) if (!/^esav_scale_[0-9a-f]+$/.test(name)) throw new Error(`--databases: ${name} is not a database of bench:scale`);
  const sizes = reused.length > 0 ? await Promise.all(reused.map(loadedTickets)) : flags.sizes.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (sizes.length === 0) throw new Error('--sizes: at least one positive integer');
  const operations = flags.operations.split(',').map((s) => s.trim()).filter(Boolean) as Operation[];
  for (const o of operations) if (!OPERATIONS.includes(o)) throw new Error(`--operations: unknown ${o} (${OPERATIONS.join(', ')})`);
  const foreignKeys = flags['foreign-keys'];
  if (foreignKeys !== 'row' && foreignKeys !== 'end') throw new Error(`--foreign-keys ${foreignKeys}: row or end`);
  const offsetHours = clockOffsetHours(flags['clock-offset']);
  const offsetMs = Math.round(offsetHours * 3_600_000);
  const businessNow = () => new Date(Date.now() + offsetMs);
  const machine = await describeMachine();
  log(machineLines(machine).join('\n'));
  if (offsetMs !== 0) log(`business clock of the gateways: system time ${offsetHours >= 0 ? '+' : ''}${offsetHours.toFixed(2)} h (now ${businessNow().toISOString()})`);
  const certsDir = tempDir('esav-scale-pki-');
  const dataDir = tempDir('esav-scale-data-');
  const logFile = path.join(dataDir, 'servers.log');
  log(`server logs: ${logFile}`);
  const profDir = path.resolve(HERE, '..', '..', 'reports', 'cpu-prof', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const runId = randomBytes(3).toString('hex');
  const plans: Plan[] = [];

  interface Setup {
    tickets: number;
    db: Awaited<ReturnType<typeof createDatabase>>;
    gateway: Awaited<ReturnType<typeof forkServer>>;
    client: pg.Client;
    load?: BulkLoad;
    disk?: DiskUse;
    checkpointSeconds?: number;
    /** OPA1 tickets open or closed within 90 days (consult, detail). */
    visible: string[];
    /** Their ids (list-next: the cursor of the page after one of them). */
    visibleIds: number[];
    visibleCount: number;
    /** OPA1 open tickets (slot search). */
    open: string[];
    /** OPA1 FTTH_PASSIF prestations without any ticket (deposits). */
    fresh: string[];
    deposited: number;
    ticketsAfter?: number;
    /** Seconds from the fork of the gateway to its readiness (migrations included). */
    gatewayStartSeconds: number;
    reused: boolean;
    stopped?: boolean;
    pages?: Record<'consult' | 'detail' | 'slots', PageUse>;
  }
  const setups: Setup[] = [];

  /** The requests of each operation on one size (the same PRNG sequence on every size). */
  const requests = (setup: Setup, round: number): Record<Operation, [(n: number) => LoadRequest, (s: number, b: string) => boolean]> => {
    const random = prng(42 + round);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const soap = (operation: string, body: string): LoadRequest => ({ path: SERVICE_PATH, headers: soapHeaders(operation), body });
    return {
      consult: [
        () => soap('consulterEtatSignalisation', consultStateRequest(pick(setup.visible))),
        (status, body) => status === 200 && body.includes('consulterEtatSignalisationReponse'),
      ],
      list: [
        () => soap('listerSignalisations', listRequest(50)),
        // a full first page has a next-page cursor
        (status, body) => status === 200 && body.includes('curseurSuivant'),
      ],
      'list-periode': [
        () => {
          // Deposited during 30 days a year ago, a random day apart: the tickets still open or
          // closed within 90 days among them (almost none: the answer may well be empty).
          const now = businessNow();
          const debut = new Date(now.getTime() - (365 + Math.floor(random() * 30)) * DAY_MS);
          return soap('listerSignalisations', listRequest(50, 'OPA1', { debut, fin: new Date(debut.getTime() + 30 * DAY_MS) }));
        },
        (status, body) => status === 200 && body.includes('listerSignalisationsReponse'),
      ],
      'list-next': [
        // The page after a visible ticket drawn at random: paging anywhere in the list, also past
        // the newest tickets (cursor as the gateway encodes it, src/application/paging.ts).
        () => soap('listerSignalisations', listRequest(50, 'OPA1', undefined, { curseur: listCursor(pick(setup.visibleIds)) })),
        (status, body) => status === 200 && body.includes('listerSignalisationsReponse'),
      ],
      'list-offre': [
        () => soap('listerSignalisations', listRequest(50, 'OPA1', undefined, { offre: 'FTTH_ACTIVE' })),
        (status, body) => status === 200 && body.includes('curseurSuivant'),
      ],
      'list-etat': [
        () => soap('listerSignalisations', listRequest(50, 'OPA1', undefined, { etats: ['EN_COURS'] })),
        // (fewer than a page of them at 10 000 tickets: no cursor there)
        (status, body) => status === 200 && body.includes('listerSignalisationsReponse'),
      ],
      'list-offre-none': [
        // An offre of the catalogue that the data set never uses: the answer is empty.
        () => soap('listerSignalisations', listRequest(50, 'OPA1', undefined, { offre: 'LFO' })),
        (status, body) => status === 200 && body.includes('listerSignalisationsReponse') && !body.includes('referenceSignalisation'),
      ],
      detail: [
        () => soap('consulterDetailSignalisation', detailRequest(pick(setup.visible))),
        (status, body) => status === 200 && body.includes('changementEtat'),
      ],
      historique: [
        () => {
          // The tickets closed from 89 days ago to a random day of the last 45: a full first page.
          const now = businessNow();
          const fin = new Date(now.getTime() - Math.floor(random() * 45) * DAY_MS);
          return soap('consulterHistorique', closedHistoryRequest(new Date(now.getTime() - 89 * DAY_MS), fin, 50));
        },
        (status, body) => status === 200 && body.includes('curseurSuivant'),
      ],
      slots: [
        () => {
          const now = businessNow();
          return soap('rechercherCreneaux', slotSearchRequest(pick(setup.open), 'SAV', now, new Date(now.getTime() + 14 * DAY_MS)));
        },
        (status, body) => status === 200 && body.includes('idCreneau'),
      ],
      deposit: [
        () => {
          const n = setup.deposited++;
          return soap('deposerSignalisation', depositRequest(`VOL-${runId}-${n}`, 'OPA1', setup.fresh[n % setup.fresh.length]!));
        },
        (status, body) => status === 200 && body.includes('deposerSignalisationReponse'),
      ],
    };
  };
  const rounds: Measurement[][] = [];
  try {
    // 1. One database and one gateway child per size, loaded before any measurement.
    for (const tickets of sizes) {
      const plan = nationalPlan(tickets, flags['prestations-per-ticket'], flags['prestations-per-commune'], flags.chunk, foreignKeys);
      log(`\n== ${int(tickets)} tickets, ${int(plan.prestations)} prestations, ${int(plan.communes)} communes`);
      const name = reused[setups.length];
      const db = name ? { name, url: databaseUrl(name), drop: async () => undefined } : await createDatabase('esav_scale');
      const client = new pg.Client({ connectionString: db.url });
      const forked = performance.now();
      const gateway = await forkServer(path.join(HERE, 'gateway-child.js'), {
        env: gatewayChildEnv(db.url, { certsDir, dataDir }, flags['log-level'], {
          BENCH_CLOCK_OFFSET_MS: String(offsetMs),
          ...(flags['cpu-prof'] ? { BENCH_CPU_PROFILE_DIR: profDir } : {}),
        }),
        logFile,
      });
      const gatewayStartSeconds = (performance.now() - forked) / 1000;
      log(`  gateway ready in ${gatewayStartSeconds.toFixed(1)} s (migrations included)`);
      await client.connect();
      const setup: Setup = { tickets, db, gateway, client, visible: [], visibleIds: [], visibleCount: 0, open: [], fresh: [], deposited: 0, gatewayStartSeconds, reused: Boolean(name) };
      setups.push(setup);
      const now = businessNow();
      if (name) {
        log(`  reused ${name} as it was left (its earlier deposits included)`);
        setup.disk = await diskUse(client);
      } else {
        const load = await loadNational(client, plan, now, log);
        setup.load = load;
        const t = performance.now();
        await client.query('CHECKPOINT');
        setup.checkpointSeconds = (performance.now() - t) / 1000;
        setup.disk = await diskUse(client);
        log(
          `  loaded in ${load.seconds.toFixed(1)} s + VACUUM ANALYZE ${load.vacuumSeconds.toFixed(1)} s + CHECKPOINT ${setup.checkpointSeconds.toFixed(1)} s; ` +
            `database ${mib(setup.disk.databaseBytes)}; rows ${Object.entries(load.rows).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`,
        );
      }
      const windowStart = historyWindowStart(now);
      const visible = await client.query<{ reference: string; id: string }>(
        `SELECT reference, id::text FROM signalisations WHERE operator_code = 'OPA1' AND (date_cloture IS NULL OR date_cloture >= $1)
          ORDER BY random() LIMIT 20000`,
        [windowStart],
      );
      setup.visible = visible.rows.map((r) => r.reference);
      setup.visibleIds = visible.rows.map((r) => Number(r.id));
      const count = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM signalisations WHERE operator_code = 'OPA1' AND (date_cloture IS NULL OR date_cloture >= $1)`,
        [windowStart],
      );
      setup.visibleCount = Number(count.rows[0]!.n);
      const open = await client.query<{ reference: string }>(
        `SELECT reference FROM signalisations WHERE operator_code = 'OPA1' AND date_cloture IS NULL
            AND etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS', 'GELE') ORDER BY random() LIMIT 5000`,
      );
      setup.open = open.rows.map((r) => r.reference);
      // Fresh prestations of the caller for the deposits, drawn at random over the whole table.
      const random = prng(7);
      const candidates = new Set<string>();
      for (let i = 0; candidates.size < 60_000 && i < 2_000_000; i++) {
        const p = 1 + Math.floor(random() * plan.prestations);
        if (p % 100 < 30 && Math.floor(p / 7) % 20 < 12) candidates.add(`NAT-${String(p).padStart(10, '0')}`);
      }
      const fresh = await client.query<{ id: string }>(
        `SELECT c.id FROM unnest($1::text[]) WITH ORDINALITY AS c (id, n)
          WHERE NOT EXISTS (SELECT 1 FROM signalisations s WHERE s.prestation_id = c.id)
            AND EXISTS (SELECT 1 FROM prestations p WHERE p.identifiant = c.id AND p.operator_code = 'OPA1' AND p.offer_code = 'FTTH_PASSIF')
          ORDER BY c.n LIMIT 30000`,
        [[...candidates]],
      );
      setup.fresh = fresh.rows.map((r) => r.id);
      if (setup.fresh.length === 0) {
        // a reused database whose earlier deposits took them all: prestations that have tickets then
        const any = await client.query<{ id: string }>(
          `SELECT c.id FROM unnest($1::text[]) AS c (id) WHERE EXISTS (SELECT 1 FROM prestations p WHERE p.identifiant = c.id) LIMIT 30000`,
          [[...candidates]],
        );
        setup.fresh = any.rows.map((r) => r.id);
      }
      log(
        `  OPA1: ${int(setup.visibleCount)} tickets open or closed within 90 days (${int(setup.visible.length)} sampled for consult and detail), ` +
          `${int(setup.open.length)} open sampled (slot search), ${int(setup.fresh.length)} FTTH_PASSIF prestations without a ticket (deposits)`,
      );
      if (setup.visible.length === 0 || setup.open.length === 0 || setup.fresh.length === 0) throw new Error('the data set has no ticket or prestation to ask for');
    }

    // 2. Measurements in rounds. Within a round, each operation is measured on every size back to
    //    back (the sizes' order rotating from round to round), so that a change of the machine's
    //    load weighs on every size alike; each figure is the median over the rounds. Deposits come
    //    last, so that the reads of round 1 see the loaded data set as it is.
    for (let round = 1; round <= flags.rounds; round++) {
      const measured: Measurement[] = [];
      rounds.push(measured);
      log(`\n== round ${round} of ${flags.rounds}`);
      const order = setups.map((_, i) => setups[(i + round - 1) % setups.length]!);
      for (const operation of operations) {
        for (const setup of order) {
          const { gateway, db, tickets } = setup;
          const [next, ok] = requests(setup, round)[operation];
          let before: CpuSnapshot | undefined;
          let after: CpuSnapshot | undefined;
          const profiling: Promise<unknown>[] = [];
          const result = await runLoad({
            origin: gateway.origin,
            tls: gateway.tls,
            connections: flags.connections,
            warmupMs: flags.warmup * 1000,
            durationMs: flags.duration * 1000,
            maxRequests: flags['max-requests'],
            next,
            ok,
            onWindowStart: () => {
              before = cpuSnapshot(gateway.pid, db.name);
              if (flags['cpu-prof'] && round === 1) profiling.push(gateway.profileStart(`${operation}-${tickets}`));
            },
            onWindowEnd: () => {
              after = cpuSnapshot(gateway.pid, db.name);
              if (flags['cpu-prof'] && round === 1) profiling.push(gateway.profileStop());
            },
          });
          await Promise.all(profiling);
          const cpu = cpuUse(before!, after!, result.requests);
          measured.push({ operation, tickets, cpu, ...result });
          log(
            `  ${operation} ${int(tickets)}: ${int(result.rps)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, errors ${result.errors}` +
              (result.errors ? ` ${JSON.stringify(result.errorKinds)}` : '') +
              `, gateway ${cpu.serverMsPerRequest?.toFixed(3) ?? '—'} + PG ${cpu.postgresMsPerRequest?.toFixed(3) ?? '—'} ms CPU/req` +
              `, others ${cpu.otherCores?.toFixed(2) ?? '—'} cores`,
          );
        }
      }
    }

    // 3. The plans of the repositories' own SQL on each size.
    for (const setup of setups) {
      const { client, tickets } = setup;
      const now = businessNow();
      // The gateway stopped first: its queue and scheduler would touch pages of the same database.
      await setup.gateway.stop();
      setup.stopped = true;
      setup.pages = await pageUse(setup.db.url, setup.visible, setup.open, 500, now);
      log(
        `\npages per call, ${int(tickets)} tickets (shared buffers hit + read from the OS): ` +
          Object.entries(setup.pages).map(([k, v]) => `${k} ${v.hit.toFixed(1)} + ${v.read.toFixed(1)}`).join(', '),
      );
      // The detail's plans on a ticket that has every part: comments, an appointment, a test.
      const [full] = (
        await client.query<{ reference: string }>(
          `SELECT s.reference FROM signalisations s
            WHERE s.operator_code = 'OPA1' AND s.date_cloture >= $1
              AND EXISTS (SELECT 1 FROM rdv_rendezvous r WHERE r.signalisation_id = s.id)
              AND EXISTS (SELECT 1 FROM line_tests t WHERE t.signalisation_id = s.id)
              AND EXISTS (SELECT 1 FROM signalisation_comments c WHERE c.signalisation_id = s.id)
            ORDER BY s.date_cloture DESC LIMIT 1`,
          [historyWindowStart(now)],
        )
      ).rows;
      const reference = full?.reference ?? setup.visible[0]!;
      const [row] = (
        await client.query<{ id: string; prestation_id: string; id_demande_test: string | null }>(
          'SELECT id::text, prestation_id, id_demande_test FROM signalisations WHERE reference = $1',
          [reference],
        )
      ).rows;
      const [openRow] = (
        await client.query<{ code_insee: string }>(
          'SELECT p.code_insee FROM signalisations s JOIN prestations p ON p.identifiant = s.prestation_id WHERE s.reference = $1',
          [setup.open[0]],
        )
      ).rows;
      const id = Number(row!.id);
      // The list reads its bound first (decision 0028), then the recent tickets: answered here with
      // the real bound and no ticket, so that the third statement (the older ones) is captured too.
      const [bound] = (
        await client.query<{ bound: string }>(
          `SELECT coalesce((SELECT id FROM signalisations WHERE operator_code = 'OPA1' AND deposited_at >= $1
                             ORDER BY deposited_at, id LIMIT 1), 9223372036854775807)::text AS bound`,
          [historyWindowStart(now)],
        )
      ).rows;
      const listAnswer = (sql: string) => (sql.includes('AS bound') ? [{ bound: bound!.bound }] : []);
      const statements: Record<Operation, Statement[]> = {
        consult: await captured('findState', (db) => new SqlSignalisationRepository(db).findState('OPA1', { referenceSignalisation: reference })),
        list: await captured('list', (db) => new SqlSignalisationRepository(db).list('OPA1', { etats: [], closedNotBefore: historyWindowStart(now) }, undefined, 51), listAnswer),
        'list-periode': await captured('list', (db) =>
          new SqlSignalisationRepository(db).list(
            'OPA1',
            { etats: [], closedNotBefore: historyWindowStart(now), depositedFrom: new Date(now.getTime() - 380 * DAY_MS), depositedTo: new Date(now.getTime() - 350 * DAY_MS) },
            undefined,
            51,
          ),
          listAnswer,
        ),
        'list-next': await captured('list', (db) =>
          new SqlSignalisationRepository(db).list('OPA1', { etats: [], closedNotBefore: historyWindowStart(now) }, { id: setup.visibleIds[0]! }, 51),
          listAnswer,
        ),
        'list-offre': await captured('list', (db) =>
          new SqlSignalisationRepository(db).list('OPA1', { etats: [], offerCode: 'FTTH_ACTIVE', closedNotBefore: historyWindowStart(now) }, undefined, 51),
          listAnswer,
        ),
        'list-etat': await captured('list', (db) =>
          new SqlSignalisationRepository(db).list('OPA1', { etats: ['EN_COURS'], closedNotBefore: historyWindowStart(now) }, undefined, 51),
          listAnswer,
        ),
        'list-offre-none': await captured('list', (db) =>
          new SqlSignalisationRepository(db).list('OPA1', { etats: [], offerCode: 'LFO', closedNotBefore: historyWindowStart(now) }, undefined, 51),
          listAnswer,
        ),
        detail: [
          ...(await captured('find', (db) => new SqlSignalisationRepository(db).find('OPA1', { referenceSignalisation: reference }))),
          ...(await captured('prestation', (db) => new SqlPrestationRepository(db).findForOperator('OPA1', row!.prestation_id))),
          ...(await captured('history', (db) => new SqlSignalisationRepository(db).history(id))),
          ...(await captured('comments', (db) => new SqlSignalisationRepository(db).comments(id))),
          ...(await captured('appointments', (db) => new SqlRendezVousRepository(db).listForSignalisation(id))),
          ...(await captured('tests', (db) => new SqlLineTestRepository(db).linkedTo({ id, operatorCode: 'OPA1', idDemandeTest: row!.id_demande_test }))),
        ],
        historique: await captured('listClosed', (db) =>
          new SqlSignalisationRepository(db).listClosed('OPA1', { closedFrom: new Date(now.getTime() - 89 * DAY_MS), closedTo: new Date(now.getTime() - 20 * DAY_MS) }, undefined, 51),
        ),
        slots: await captured('freeSlots', (db) =>
          new SqlCapacityRepository(db, NO_HOLIDAYS).freeSlots({
            codeInsee: openRow!.code_insee,
            type: 'SAV',
            debut: now,
            fin: new Date(now.getTime() + 14 * DAY_MS),
            now,
            limit: 200,
          }),
        ),
        deposit: await captured('depositOnce', (db) =>
          new SqlSignalisationRepository(db).depositOnce({
            operatorCode: 'OPA1',
            referenceInterneOC: `VOL-${runId}-EXPLAIN`,
            prestationId: setup.fresh[0]!,
            offerCode: 'FTTH_PASSIF',
            formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 },
            defautDeclare: 'INTERRUPTION_TOTALE',
            impact: 'TOTAL',
            contactSite: { nom: 'Mme Martin', telephone: '+33 1 23 45 67 89' },
            contactOC: { nom: 'SAV OPA', telephone: '0800 000 000' },
            champs: [],
            etat: 'EN_DEPOT',
            garantieCode: 'GTR_STANDARD',
            guaranteeClock: { consumedMs: 0, runningSince: now },
            depositedAt: now,
            firstHistory: { actor: 'OPERATEUR', motif: 'Dépôt de la signalisation' },
          }).catch(() => undefined),
        // the deposit's one statement; what follows it here (the read of a retry) is the capture's artefact
        ).then((list) => list.slice(0, 1).map((st) => ({ ...st, name: 'depositOnce' }))),
      };
      for (const operation of operations) {
        for (const s of statements[operation]) {
          for (const mode of s.prepared ? (['custom', 'generic'] as const) : (['custom'] as const)) {
            const e = await explain(client, s, mode);
            plans.push({ tickets, operation, statement: s.name, mode, ...e });
            log(`\nEXPLAIN ${operation} ${s.name} (${mode}), ${int(tickets)} tickets (${e.ms} ms):\n${e.plan.split('\n').map((l) => `    ${l}`).join('\n')}`);
          }
        }
      }
      const after = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM signalisations');
      setup.ticketsAfter = Number(after.rows[0]!.n);
    }
  } finally {
    for (const { client, gateway, db, stopped } of setups) {
      await client.end().catch(() => undefined);
      if (!stopped) await gateway.stop().catch(() => gateway.kill());
      if (!flags['keep-db'] && reused.length === 0) await db.drop();
      else log(`kept database ${db.name}`);
    }
    fs.rmSync(certsDir, { recursive: true, force: true });
  }
  if (!flags['keep-logs']) fs.rmSync(dataDir, { recursive: true, force: true });

  // Per (operation, size): the median over the rounds of each figure.
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const measurements: Measurement[] = [];
  for (const tickets of sizes) {
    for (const operation of operations) {
      const all = rounds.map((r) => r.find((m) => m.operation === operation && m.tickets === tickets)!);
      const first = all[0]!;
      const med = (f: (m: Measurement) => number | undefined) => median(all.map((m) => f(m) ?? NaN));
      measurements.push({
        ...first,
        requests: all.reduce((n, m) => n + m.requests, 0),
        errors: all.reduce((n, m) => n + m.errors, 0),
        rps: med((m) => m.rps),
        p50: med((m) => m.p50),
        p90: med((m) => m.p90),
        p99: med((m) => m.p99),
        max: Math.max(...all.map((m) => m.max)),
        cpu: {
          ...first.cpu,
          serverMsPerRequest: med((m) => m.cpu.serverMsPerRequest),
          postgresMsPerRequest: med((m) => m.cpu.postgresMsPerRequest),
          otherCores: med((m) => m.cpu.otherCores),
        },
      });
    }
  }

  const loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  log('');
  log('== data sets');
  log(
    table(
      ['tickets', 'prestations', 'communes', 'history rows', 'comments', 'slots', 'appointments', 'load s', 'VACUUM ANALYZE s', 'CHECKPOINT s', 'database'],
      setups.map((s) =>
        s.load
          ? [
              int(s.tickets),
              int(s.load.rows.prestations!),
              int(s.load.plan.communes),
              int(s.load.rows.history!),
              int(s.load.rows.comments!),
              int(s.load.rows.slots!),
              int(s.load.rows.appointments!),
              s.load.seconds.toFixed(0),
              s.load.vacuumSeconds.toFixed(0),
              s.checkpointSeconds!.toFixed(0),
              mib(s.disk!.databaseBytes),
            ]
          : [int(s.tickets), 'reused', '', '', '', '', '', '', '', '', mib(s.disk!.databaseBytes)],
      ),
    ),
  );
  for (const s of setups) {
    log('');
    if (s.load) log(`load phases, ${int(s.tickets)} tickets: ${s.load.phases.map((p) => `${p.name} ${p.seconds.toFixed(1)} s (${int(p.rows)} ${p.name.startsWith('foreign keys') ? 'constraints' : 'rows'})`).join('; ')}`);
    log(`biggest tables, ${int(s.tickets)} tickets: ${s.disk!.tables.slice(0, 6).map((t) => `${t.name} ${mib(t.tableBytes)} + indexes ${mib(t.indexBytes)}`).join('; ')}`);
    log(`biggest indexes, ${int(s.tickets)} tickets: ${s.disk!.indexes.slice(0, 8).map((i) => `${i.name} ${mib(i.bytes)}`).join('; ')}`);
  }
  log('');
  log(
    `connections ${flags.connections}, warm-up ${flags.warmup} s, measured ${flags.duration} s per operation, ${flags.rounds} round(s), ` +
      `each figure the median over the rounds (errors: the sum); load average after: ${loadAfter.join(' ')}`,
  );
  log('');
  const sqlMs = (operation: Operation, tickets: number) =>
    plans.filter((p) => p.operation === operation && p.tickets === tickets && p.mode === 'custom').reduce((sum, p) => sum + (Number.isFinite(p.ms) ? p.ms : 0), 0);
  log(
    table(
      ['operation', 'tickets', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'server ms/req', 'PG ms/req', 'SQL exec ms', 'others (cores)'],
      measurements.map((m) => [
        LABELS[m.operation],
        int(m.tickets),
        int(m.rps),
        ms(m.p50),
        ms(m.p90),
        ms(m.p99),
        int(m.errors),
        m.cpu.serverMsPerRequest?.toFixed(3) ?? '—',
        m.cpu.postgresMsPerRequest?.toFixed(3) ?? '—',
        sqlMs(m.operation, m.tickets).toFixed(3),
        m.cpu.otherCores?.toFixed(2) ?? '—',
      ]),
    ),
  );
  // The curve: each operation's latency per size, as a ratio to the first (reference) size.
  const reference = sizes[0]!;
  const curve: Array<{ operation: Operation; tickets: number; p50: number; p99: number; p50Ratio: number; p99Ratio: number; verdict: string }> = [];
  for (const operation of operations) {
    const base = measurements.find((m) => m.operation === operation && m.tickets === reference)!;
    for (const tickets of sizes) {
      const m = measurements.find((x) => x.operation === operation && x.tickets === tickets)!;
      const p50Ratio = m.p50 / base.p50;
      const p99Ratio = m.p99 / base.p99;
      curve.push({ operation, tickets, p50: m.p50, p99: m.p99, p50Ratio, p99Ratio, verdict: tickets === reference ? 'reference' : p50Ratio <= 1.5 && p99Ratio <= 1.5 ? 'PASS' : 'MISS' });
    }
  }
  log('');
  log(
    table(
      ['curve (target: ratio ≤ 1.5)', ...sizes.map((s) => `${int(s)} p50 / p99 ms`), ...sizes.slice(1).map((s) => `ratio ${int(s)} p50 / p99`), 'verdict'],
      operations.map((operation) => {
        const points = curve.filter((c) => c.operation === operation);
        const worst = points.some((c) => c.verdict === 'MISS') ? 'MISS' : 'PASS';
        return [
          LABELS[operation],
          ...points.map((c) => `${ms(c.p50)} / ${ms(c.p99)}`),
          ...points.slice(1).map((c) => `${c.p50Ratio.toFixed(2)} / ${c.p99Ratio.toFixed(2)}`),
          sizes.length > 1 ? worst : '—',
        ];
      }),
    ),
  );
  log('');
  log(
    table(
      ['plan (custom / generic)', ...sizes.map((s) => `${int(s)}: exec ms / buffers`), 'access paths (largest size)'],
      [...new Set(plans.map((p) => `${p.operation}|${p.statement}|${p.mode}`))].map((key) => {
        const [operation, statement, mode] = key.split('|') as [Operation, string, Plan['mode']];
        const of = (tickets: number) => plans.find((p) => p.operation === operation && p.statement === statement && p.mode === mode && p.tickets === tickets);
        return [
          `${operation} ${statement} (${mode})`,
          ...sizes.map((s) => {
            const p = of(s);
            return p ? `${p.ms} / ${p.buffers}` : '—';
          }),
          of(sizes[sizes.length - 1]!)?.access.join(', ') ?? '—',
        ];
      }),
    ),
  );
  log('');
  log(
    table(
      ['pages per call (shared buffers hit + read from the OS)', ...sizes.map((s) => int(s))],
      (['consult', 'detail', 'slots'] as const).map((k) => [
        LABELS[k],
        ...setups.map((s) => (s.pages ? `${s.pages[k].hit.toFixed(1)} + ${s.pages[k].read.toFixed(1)}` : '—')),
      ]),
    ),
  );
  log('');
  log(`deposits: ${setups.map((s) => `${int(s.deposited)} at ${int(s.tickets)} (${int(s.ticketsAfter ?? 0)} tickets after the run)`).join('; ')}`);
  if (flags['cpu-prof']) log(`\nCPU profiles: ${profDir} (summary: node dist/bench/profile-summary.js ${path.relative(process.cwd(), profDir)})`);
  if (flags.json) {
    writeJson(flags.json, {
      date: new Date().toISOString(),
      command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
      flags,
      machine,
      clockOffsetHours: offsetHours,
      loadAverageAfter: loadAfter,
      dataSets: setups.map((s) => ({
        tickets: s.tickets,
        database: s.reused ? s.db.name : undefined,
        gatewayStartSeconds: s.gatewayStartSeconds,
        load: s.load,
        checkpointSeconds: s.checkpointSeconds,
        disk: s.disk,
        visibleOpa1: s.visibleCount,
        deposited: s.deposited,
        ticketsAfter: s.ticketsAfter,
        pagesPerCall: s.pages,
      })),
      curve,
      measurements,
      rounds,
      plans,
    });
    log(`figures written to ${flags.json}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
