// `npm run bench:scale`: consulterEtatSignalisation and listerSignalisations (first page,
// taille 50) latency with 10 thousand and with 1 million tickets of the calling operator in the
// database. Each size gets its own fresh database (bulk-loaded with generate_series, then
// VACUUM ANALYZE) and its own gateway child process; the query plans of both operations
// (EXPLAIN ANALYZE of the repository's own SQL) are printed beside the figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { historyWindowStart } from '../src/domain/signalisation.js';
import type { Database, PreparedStatement } from '../src/adapters/postgres/db.js';
import { SqlSignalisationRepository } from '../src/adapters/postgres/signalisations.js';
import { parseFlags } from './lib/args.js';
import { bulkLoadTickets } from './lib/bulk.js';
import { cpuSnapshot, cpuUse, type CpuSnapshot, type CpuUse } from './lib/cpu.js';
import { createDatabase, describeMachine, int, machineLines, mib, ms, table, tempDir, writeJson } from './lib/env.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { SERVICE_PATH, consultStateRequest, listRequest, soapHeaders } from './lib/messages.js';
import { forkServer } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const flags = parseFlags(
  {
    sizes: { default: '10000,1000000', help: 'ticket counts of the calling operator, comma-separated (the first is the reference)' },
    duration: { default: 10, help: 'measured seconds per operation and size' },
    rounds: { default: 3, help: 'rounds of measurements, sizes alternating; each figure is the median over the rounds' },
    warmup: { default: 3, help: 'warm-up seconds per operation and size' },
    connections: { default: 8, help: 'keep-alive connections (moderate, so that latency shows the database, not queueing)' },
    chunk: { default: 100_000, help: 'tickets per INSERT statement of the bulk load' },
    'max-requests': { default: 5_000_000, help: 'hard cap on the requests of one measurement' },
    'log-level': { default: 'info', help: "the gateway's LOG_LEVEL" },
    json: { default: '', help: 'also write the figures to this JSON file' },
    'keep-db': { default: false, help: 'keep the databases instead of dropping them' },
    'keep-logs': { default: false, help: "keep the servers' log file (one line per request) after a successful run" },
    'cpu-prof': { default: false, help: "CPU-profile the gateway's main thread over each measured window (reports/cpu-prof/)" },
  },
  process.argv.slice(2),
  process.env,
  'npm run bench:scale -- [flags]',
);

const log = (line: string) => process.stdout.write(`${line}\n`);

type Operation = 'consult' | 'list';

interface Measurement extends LoadResult {
  operation: Operation;
  tickets: number;
  cpu: CpuUse;
}

/** The SQL the repository sends for one call, captured instead of run. */
async function capturedSql(call: (repo: SqlSignalisationRepository) => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | undefined;
  const capture: Database = {
    kind: 'postgres',
    async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
      captured = { sql: typeof sql === 'string' ? sql : sql.text, params: [...(params ?? [])] };
      return [] as R[];
    },
    transaction: () => Promise.reject(new Error('not captured')),
    script: () => Promise.reject(new Error('not captured')),
    close: async () => undefined,
  };
  await call(new SqlSignalisationRepository(capture));
  if (!captured) throw new Error('no SQL captured');
  return captured;
}

async function explain(client: pg.Client, sql: string, params: unknown[]): Promise<{ plan: string; ms: number }> {
  // Run three times: the figures of a warm cache, as during the load.
  let last: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    last = result.rows.map((r) => r['QUERY PLAN']);
  }
  const execution = last.find((l) => l.startsWith('Execution Time'));
  return { plan: last.join('\n'), ms: Number(/([\d.]+) ms/.exec(execution ?? '')?.[1] ?? NaN) };
}

/** A small deterministic PRNG (mulberry32): the same consult sequence on every size. */
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

async function main(): Promise<void> {
  const sizes = flags.sizes.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (sizes.length === 0) throw new Error('--sizes: at least one positive integer');
  const machine = await describeMachine();
  log(machineLines(machine).join('\n'));
  const certsDir = tempDir('esav-scale-pki-');
  const dataDir = tempDir('esav-scale-data-');
  const logFile = path.join(dataDir, 'servers.log');
  log(`server logs: ${logFile}`);
  const profDir = path.resolve(HERE, '..', '..', 'reports', 'cpu-prof', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const measurements: Measurement[] = [];
  const plans: Record<string, { tickets: number; operation: Operation; plan: string; ms: number }> = {};
  const loads: Record<number, unknown> = {};

  interface Setup {
    tickets: number;
    db: Awaited<ReturnType<typeof createDatabase>>;
    gateway: Awaited<ReturnType<typeof forkServer>>;
    client: pg.Client;
    references: string[];
    windowStart: Date;
  }
  const setups: Setup[] = [];
  const rounds: Measurement[][] = [];
  try {
    // 1. One database and one gateway child per size, loaded before any measurement.
    for (const tickets of sizes) {
      log(`\n== ${int(tickets)} tickets for OPA1`);
      const db = await createDatabase('esav_scale');
      const client = new pg.Client({ connectionString: db.url });
      const gateway = await forkServer(path.join(HERE, 'gateway-child.js'), {
        env: {
          DATABASE_URL: db.url,
          ESAV_HOST: '127.0.0.1',
          ESAV_PORT: '0',
          ESAV_ADMIN_HOST: '127.0.0.1',
          ESAV_ADMIN_PORT: '0',
          ESAV_WEB_PORT: '0',
          ESAV_DEV_CERTS_DIR: certsDir,
          ESAV_DATA_DIR: dataDir,
          ESAV_SWEEP_INTERVAL_SECONDS: '0',
          LOG_LEVEL: flags['log-level'],
          ...(flags['cpu-prof'] ? { BENCH_CPU_PROFILE_DIR: profDir } : {}),
        },
        logFile,
      });
      await client.connect();
      const setup: Setup = { tickets, db, gateway, client, references: [], windowStart: new Date() };
      setups.push(setup);
      const now = new Date();
      const load = await bulkLoadTickets(client, tickets, now, flags.chunk, log);
      loads[tickets] = load;
      log(
        `  bulk load ${load.seconds.toFixed(1)} s + VACUUM ANALYZE ${load.vacuumSeconds.toFixed(1)} s; signalisations with indexes ${mib(load.tableBytes)}, ${int(load.historyRows)} history rows`,
      );
      setup.windowStart = historyWindowStart(now);
      const sample = await client.query<{ reference: string }>(
        `SELECT reference FROM signalisations WHERE operator_code = 'OPA1' AND (date_cloture IS NULL OR date_cloture >= $1)
          ORDER BY random() LIMIT 20000`,
        [setup.windowStart],
      );
      setup.references = sample.rows.map((r) => r.reference);
      const visible = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM signalisations WHERE operator_code = 'OPA1' AND (date_cloture IS NULL OR date_cloture >= $1)`,
        [setup.windowStart],
      );
      log(`  ${int(Number(visible.rows[0]!.n))} tickets open or closed within 90 days (consulted at random among them; ${int(setup.references.length)} sampled)`);
    }

    // 2. Measurements in rounds, the sizes alternating, so that a change of the machine's load
    //    during the run weighs on every size alike; the median round is reported.
    for (let round = 1; round <= flags.rounds; round++) {
      const measured: Measurement[] = [];
      rounds.push(measured);
      log(`\n== round ${round} of ${flags.rounds}`);
      for (const setup of setups) {
        const { gateway, db, references, tickets } = setup;
        const random = prng(42 + round);
        const operations: Array<[Operation, (n: number) => { path: string; headers: Record<string, string>; body: string }, (s: number, b: string) => boolean]> = [
          [
            'consult',
            () => ({ path: SERVICE_PATH, headers: soapHeaders('consulterEtatSignalisation'), body: consultStateRequest(references[Math.floor(random() * references.length)]!) }),
            (status, body) => status === 200 && body.includes('consulterEtatSignalisationReponse'),
          ],
          [
            'list',
            () => ({ path: SERVICE_PATH, headers: soapHeaders('listerSignalisations'), body: listRequest(50) }),
            // a full first page has a next-page cursor
            (status, body) => status === 200 && body.includes('curseurSuivant'),
          ],
        ];
        for (const [operation, next, ok] of operations) {
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
            `  ${int(tickets)} ${operation}: ${int(result.rps)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, errors ${result.errors}` +
              (result.errors ? ` ${JSON.stringify(result.errorKinds)}` : '') +
              `, others ${cpu.otherCores?.toFixed(2) ?? '—'} cores`,
          );
        }
      }
    }

    // 3. The plans of the repository's own SQL on each size.
    for (const { client, references, tickets, windowStart } of setups) {
      const consultSql = await capturedSql((repo) => repo.findState('OPA1', { referenceSignalisation: references[0]! }));
      const listSql = await capturedSql((repo) => repo.list('OPA1', { etats: [], closedNotBefore: windowStart }, undefined, 51));
      for (const [operation, q] of [['consult', consultSql], ['list', listSql]] as const) {
        const e = await explain(client, q.sql, q.params);
        plans[`${operation}@${tickets}`] = { tickets, operation, ...e };
        log(`\nEXPLAIN ${operation}, ${int(tickets)} tickets (${e.ms} ms):\n${e.plan.split('\n').map((l) => `    ${l}`).join('\n')}`);
      }
    }
  } finally {
    for (const { client, gateway, db } of setups) {
      await client.end().catch(() => undefined);
      await gateway.stop().catch(() => gateway.kill());
      if (!flags['keep-db']) await db.drop();
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
  for (const tickets of sizes) {
    for (const operation of ['consult', 'list'] as const) {
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
  log(`connections ${flags.connections}, warm-up ${flags.warmup} s, measured ${flags.duration} s per operation, ${flags.rounds} round(s), each figure the median over the rounds (errors: the sum); load average after: ${loadAfter.join(' ')}`);
  log('');
  log(
    table(
      ['operation', 'tickets', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'server ms/req', 'PG ms/req', 'SQL exec ms', 'others (cores)'],
      measurements.map((m) => [
        m.operation === 'consult' ? 'consulterEtatSignalisation' : 'listerSignalisations (taille 50)',
        int(m.tickets),
        int(m.rps),
        ms(m.p50),
        ms(m.p90),
        ms(m.p99),
        int(m.errors),
        m.cpu.serverMsPerRequest?.toFixed(3) ?? '—',
        m.cpu.postgresMsPerRequest?.toFixed(3) ?? '—',
        String(plans[`${m.operation}@${m.tickets}`]?.ms ?? '—'),
        m.cpu.otherCores?.toFixed(2) ?? '—',
      ]),
    ),
  );
  const reference = sizes[0]!;
  const rows: string[][] = [];
  for (const tickets of sizes.slice(1)) {
    for (const operation of ['consult', 'list'] as const) {
      const base = measurements.find((m) => m.operation === operation && m.tickets === reference);
      const big = measurements.find((m) => m.operation === operation && m.tickets === tickets);
      if (!base || !big) continue;
      const p50 = big.p50 / base.p50;
      const p99 = big.p99 / base.p99;
      rows.push([
        `${operation} ${int(tickets)} / ${int(reference)}`,
        p50.toFixed(2),
        p99.toFixed(2),
        p50 <= 1.5 && p99 <= 1.5 ? 'PASS' : 'MISS',
      ]);
    }
  }
  if (rows.length > 0) {
    log('');
    log(table(['latency ratio (target ≤ 1.5)', 'p50', 'p99', 'verdict'], rows));
  }
  if (flags['cpu-prof']) log(`\nCPU profiles: ${profDir} (summary: node dist/bench/profile-summary.js ${path.relative(process.cwd(), profDir)})`);
  if (flags.json) {
    writeJson(flags.json, {
      date: new Date().toISOString(),
      command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
      flags,
      machine,
      loadAverageAfter: loadAfter,
      loads,
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
