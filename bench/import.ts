// `npm run bench:import`: the prestations bulk import (issue 14, decision 0017) of a generated
// 1 000 000-line CSV through the admin API of a real gateway child process, on PostgreSQL and on
// the embedded PGlite: duration, lines per second and the peak resident set size of the importing
// process. Compared in the same run with (a) the 100 000-line import (same path: lines/s and peak
// memory should not depend on the size) and (b) a plain COPY of the same file into a table of
// text columns by psql (no check, no upsert: the floor). Each import gets a fresh gateway process
// (its peak RSS is its own) and a fresh database.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseFlags } from './lib/args.js';
import { createDatabase, describeMachine, int, machineLines, mib, table, tempDir, writeJson } from './lib/env.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const flags = parseFlags(
  {
    lines: { default: 1_000_000, help: 'lines of the big file' },
    'baseline-lines': { default: 100_000, help: 'lines of the reference import (same path)' },
    'pglite-lines': { default: 1_000_000, help: 'lines imported on PGlite (0: no PGlite run)' },
    reimport: { default: true, help: 'import the big file a second time on PostgreSQL (every line unchanged)' },
    json: { default: '', help: 'also write the figures to this JSON file' },
  },
  process.argv.slice(2),
  process.env,
  'npm run bench:import -- [flags]',
);
const log = (line: string) => process.stdout.write(`${line}\n`);

const HEADER = 'identifiant;operateur;offre;codeInsee;extremites;informations;garantie;dateActivation;dateResiliation';
const OFFERS: Array<[string, string[]]> = [
  ['FTTH_PASSIF', ['GTR_STANDARD', 'GTR_10HO', 'GTR_4HO']],
  ['FTTH_ACTIVE', ['GTR_STANDARD', 'GTR_10HO', 'GTR_4HO']],
  ['CUIVRE_DEGROUPAGE', ['GTR_STANDARD', 'GTR_10HO']],
];

/** Writes `count` lines (98 % good, 2 % refused: unknown offer, bad INSEE code) to `file`, deterministically. */
async function writeFile(file: string, count: number): Promise<number> {
  let seed = 14;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  function* lines() {
    yield `${HEADER}\n`;
    let batch = '';
    for (let i = 0; i < count; i++) {
      const [offer, guarantees] = OFFERS[Math.floor(random() * OFFERS.length)]!;
      const r = random();
      const offre = r < 0.01 ? 'OFFRE_INCONNUE' : offer;
      const insee = r >= 0.01 && r < 0.02 ? '7505' : `${['75', '69', '13', '2A'][i % 4]}${String(i % 1000).padStart(3, '0')}`;
      batch += `BENCH-${String(i).padStart(8, '0')};${i % 2 ? 'OPA1' : 'OPB2'};${offre};${insee};PTO:PTO-${i}|PM:PM-${i % 997};PBO=PBO-${i}|ROUTE_OPTIQUE=PM42/CAB3/T${i % 9};${guarantees[i % guarantees.length]};2025-01-15;\n`;
      if (batch.length > 1 << 20) {
        yield batch;
        batch = '';
      }
    }
    yield batch;
  }
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    Readable.from(lines()).pipe(out).on('finish', resolve).on('error', reject);
  });
  return fs.statSync(file).size;
}

interface Child {
  process: ChildProcess;
  adminUrl: string;
  adminToken: string;
  idleRssBytes: number;
  memory(): Promise<{ peakRssBytes: number; rssBytes: number }>;
  stop(): Promise<void>;
}

async function startChild(databaseUrl: string | undefined, dir: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ESAV_HOST: '127.0.0.1',
    ESAV_PORT: '0',
    ESAV_ADMIN_PORT: '0',
    ESAV_WEB_PORT: '0',
    ESAV_DATA_DIR: path.join(dir, 'data'),
    ESAV_DEV_CERTS_DIR: path.join(dir, 'certs'),
    ESAV_SWEEP_INTERVAL_SECONDS: '0',
    ESAV_NIGHTLY_MAINTENANCE: 'off',
    ESAV_TEST_WORKERS: '0',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = fork(path.join(HERE, 'import-child.js'), [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await new Promise<{ adminUrl: string; adminToken: string; rssBytes: number }>((resolve, reject) => {
    child.once('message', (m: any) => resolve(m));
    child.once('exit', (code) => reject(new Error(`gateway child exited (${code})`)));
  });
  return {
    process: child,
    adminUrl: ready.adminUrl,
    adminToken: ready.adminToken,
    idleRssBytes: ready.rssBytes,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (m: any) => resolve(m));
        child.send({ type: 'memory' });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

interface Measure {
  what: string;
  lines: number;
  seconds: number;
  linesPerSecond: number;
  idleRssMiB?: number;
  peakRssMiB?: number;
  report?: Record<string, unknown>;
}

async function importFile(child: Child, file: string): Promise<{ seconds: number; report: Record<string, unknown> }> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${child.adminUrl}/admin/prestations/imports?agent=bench`, {
    method: 'POST',
    headers: { authorization: `Bearer ${child.adminToken}`, 'content-type': 'text/csv' },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const report = (await response.json()) as Record<string, unknown>;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (response.status !== 200 || report.etat !== 'DONE') throw new Error(`import failed: ${response.status} ${JSON.stringify(report)}`);
  return { seconds, report };
}

const summary = (r: Record<string, unknown>) => ({
  lignesLues: r.lignesLues,
  lignesAcceptees: r.lignesAcceptees,
  lignesRefusees: r.lignesRefusees,
  creees: r.creees,
  modifiees: r.modifiees,
  inchangees: r.inchangees,
});

async function measureImport(what: string, lines: number, file: string, databaseUrl: string | undefined, dir: string, again = false): Promise<Measure[]> {
  const child = await startChild(databaseUrl, dir);
  const results: Measure[] = [];
  try {
    const first = await importFile(child, file);
    const memory = await child.memory();
    results.push({
      what,
      lines,
      seconds: first.seconds,
      linesPerSecond: lines / first.seconds,
      idleRssMiB: child.idleRssBytes / 2 ** 20,
      peakRssMiB: memory.peakRssBytes / 2 ** 20,
      report: summary(first.report),
    });
    log(`  ${what}: ${first.seconds.toFixed(1)} s, ${int(lines / first.seconds)} lines/s, peak RSS ${mib(memory.peakRssBytes)} (idle ${mib(child.idleRssBytes)}) ${JSON.stringify(summary(first.report))}`);
    if (again) {
      const second = await importFile(child, file);
      const after = await child.memory();
      results.push({ what: `${what}, again (unchanged)`, lines, seconds: second.seconds, linesPerSecond: lines / second.seconds, peakRssMiB: after.peakRssBytes / 2 ** 20, report: summary(second.report) });
      log(`  ${what} again: ${second.seconds.toFixed(1)} s, ${int(lines / second.seconds)} lines/s, peak RSS ${mib(after.peakRssBytes)} ${JSON.stringify(summary(second.report))}`);
    }
  } finally {
    await child.stop();
  }
  return results;
}

const machine = await describeMachine();
for (const line of machineLines(machine)) log(line);
const dir = tempDir('esav-bench-import-');
const bigFile = path.join(dir, `prestations-${flags.lines}.csv`);
const smallFile = path.join(dir, `prestations-${flags['baseline-lines']}.csv`);
const bigBytes = await writeFile(bigFile, flags.lines);
await writeFile(smallFile, flags['baseline-lines']);
log(`files: ${int(flags.lines)} lines (${mib(bigBytes)}), ${int(flags['baseline-lines'])} lines`);

const measures: Measure[] = [];
const databases: Array<{ drop(): Promise<void> }> = [];
try {
  log('PostgreSQL:');
  const small = await createDatabase('esav_bench_import');
  databases.push(small);
  measures.push(...(await measureImport(`PostgreSQL, ${int(flags['baseline-lines'])} lines`, flags['baseline-lines'], smallFile, small.url, path.join(dir, 'pg-small'))));
  const big = await createDatabase('esav_bench_import');
  databases.push(big);
  measures.push(...(await measureImport(`PostgreSQL, ${int(flags.lines)} lines`, flags.lines, bigFile, big.url, path.join(dir, 'pg-big'), flags.reimport)));

  // The floor: the same file into a table of text columns, by psql's \copy (no check, no upsert).
  await run('psql', [big.url, '-q', '-c', 'CREATE TABLE copy_baseline (a text, b text, c text, d text, e text, f text, g text, h text, i text)']);
  const started = process.hrtime.bigint();
  await run('psql', [big.url, '-q', '-c', `\\copy copy_baseline FROM '${bigFile}' WITH (FORMAT csv, DELIMITER ';', HEADER true)`]);
  const copySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  measures.push({ what: `psql \\copy of the same file (baseline)`, lines: flags.lines, seconds: copySeconds, linesPerSecond: flags.lines / copySeconds });
  log(`  COPY baseline: ${copySeconds.toFixed(1)} s`);

  if (flags['pglite-lines'] > 0) {
    log('PGlite:');
    const pgliteFile = flags['pglite-lines'] === flags.lines ? bigFile : path.join(dir, 'pglite.csv');
    if (pgliteFile !== bigFile) await writeFile(pgliteFile, flags['pglite-lines']);
    measures.push(...(await measureImport(`PGlite, ${int(flags['pglite-lines'])} lines`, flags['pglite-lines'], pgliteFile, undefined, path.join(dir, 'pglite'))));
  }
} finally {
  for (const db of databases) await db.drop().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}

const pgBig = measures.find((m) => m.what === `PostgreSQL, ${int(flags.lines)} lines`)!;
const pgSmall = measures.find((m) => m.what === `PostgreSQL, ${int(flags['baseline-lines'])} lines`)!;
const copy = measures.find((m) => m.what.startsWith('psql'))!;
log('');
log(
  table(
    ['run', 'lines', 'seconds', 'lines/s', 'idle RSS', 'peak RSS'],
    measures.map((m) => [
      m.what,
      int(m.lines),
      m.seconds.toFixed(1),
      int(m.linesPerSecond),
      m.idleRssMiB !== undefined ? `${m.idleRssMiB.toFixed(0)} MiB` : '—',
      m.peakRssMiB !== undefined ? `${m.peakRssMiB.toFixed(0)} MiB` : '—',
    ]),
  ),
);
const ratios = {
  importVsCopy: pgBig.seconds / copy.seconds,
  linesPerSecondBigVsSmall: pgBig.linesPerSecond / pgSmall.linesPerSecond,
  peakRssBigVsSmall: pgBig.peakRssMiB! / pgSmall.peakRssMiB!,
};
log('');
log(`import / COPY duration: ${ratios.importVsCopy.toFixed(1)} ×`);
log(`lines/s, ${int(flags.lines)} vs ${int(flags['baseline-lines'])} lines: ${ratios.linesPerSecondBigVsSmall.toFixed(2)}`);
log(`peak RSS, ${int(flags.lines)} vs ${int(flags['baseline-lines'])} lines: ${ratios.peakRssBigVsSmall.toFixed(2)}`);
if (flags.json) writeJson(flags.json, { machine, flags, fileBytes: bigBytes, measures, ratios });
