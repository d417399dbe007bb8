// What every benchmark run needs around the servers: a fresh PostgreSQL database, temporary
// folders, the machine's description, and number formatting.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const ADMIN_DATABASE_URL = process.env.ESAV_BENCH_DATABASE_URL ?? process.env.ESAV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  sharedBuffers: string;
  loadAverage: number[];
}

export async function describeMachine(): Promise<Machine> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
    const sharedBuffers = (await client.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
    let cpus = os.availableParallelism();
    try {
      cpus = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || cpus;
    } catch {
      // nproc missing: Node's count
    }
    return {
      cpus,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      postgres: version.split(' on ')[0] ?? version,
      sharedBuffers,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } finally {
    await client.end();
  }
}

export function machineLines(m: Machine): string[] {
  return [
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres} (shared_buffers ${m.sharedBuffers})`,
    `load average before the run: ${m.loadAverage.join(' ')}`,
  ];
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '—');
export const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** A Markdown table with aligned columns (first column left, the others right-aligned). */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The settings of a benchmark's gateway child (bench/gateway-child.ts): the PostgreSQL database,
 * free ports on the loopback, the development PKI and data folders, no periodic sweep, and no
 * nightly maintenance window — it would answer fault 402 to every request of a run between 03:00
 * and 03:15 UTC, and the benchmarks measure the request path, not the window. `extra` adds or
 * overrides.
 */
export function gatewayChildEnv(
  databaseUrl: string,
  dirs: { certsDir: string; dataDir: string },
  logLevel: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ESAV_HOST: '127.0.0.1',
    ESAV_PORT: '0',
    ESAV_ADMIN_HOST: '127.0.0.1',
    ESAV_ADMIN_PORT: '0',
    ESAV_WEB_PORT: '0',
    ESAV_DEV_CERTS_DIR: dirs.certsDir,
    ESAV_DATA_DIR: dirs.dataDir,
    ESAV_SWEEP_INTERVAL_SECONDS: '0',
    ESAV_NIGHTLY_MAINTENANCE: 'off',
    LOG_LEVEL: logLevel,
    ...extra,
  };
}
