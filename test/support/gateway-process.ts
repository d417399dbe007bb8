// The gateway and the worker as their own processes (the compiled dist/src/processes/*.js), for tests
// that kill them, and the HTTP calls such tests make to them.
// Children are spawned asynchronously: a test process may serve other things meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { rawPost, type ClientTls } from './gateway.js';
import { DEPOSIT_ENVELOPE } from './operations.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { testCertsDir } from './dev-pki.js';
import { freePort } from './throwaway-postgres.js';

/** dist/ is compiled once by the jest global setup (test/support/global-setup.mjs). */
export async function buildDist(): Promise<void> {
  const main = path.join(PROJECT_ROOT, 'dist', 'src', 'processes', 'gateway.js');
  if (!fs.existsSync(main)) throw new Error(`${main} missing: dist/ is built by the jest global setup`);
}

export interface GatewayProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node dist/src/processes/gateway.js` with `env` and waits for its "ready" banner. */
export async function startGatewayProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<GatewayProcess> {
  await buildDist();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'processes', 'gateway.js')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      // No nightly 402 window, and v1 live whatever the real date (test/fixtures/versions.yaml).
      ESAV_NIGHTLY_MAINTENANCE: 'off',
      ESAV_VERSIONS_FILE: path.join(PROJECT_ROOT, 'test', 'fixtures', 'versions.yaml'),
      // The web portal on a free port (8445 may be taken by another run).
      ESAV_WEB_PORT: '0',
      // One process unless a test asks for the workers of node:cluster (decision 0024).
      ESAV_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('e-SAV gateway ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before being ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Stops `child` with `signal` (SIGTERM by default) and resolves once it has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export interface WorkerProcess {
  child: ChildProcess;
  /** The ready line: what the worker runs (line tests, e-mails, push deliveries). */
  banner: string;
  output(): string;
}

/** Starts `node dist/src/processes/worker.js` (`npm run worker`) with exactly `env`; resolves with its ready line. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<WorkerProcess> {
  const main = path.join(PROJECT_ROOT, 'dist', 'src', 'processes', 'worker.js');
  if (!fs.existsSync(main)) throw new Error(`${main} missing: dist/ is built by the jest global setup`);
  const child = spawn(process.execPath, [main], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const banner = /e-SAV test worker ready[^\n]*/.exec(output)?.[0];
      if (banner) {
        clearTimeout(timer);
        resolve({ child, banner, output: () => output });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before being ready:\n${output}`));
    });
  });
}

/** The admin API of a gateway process over HTTP with its bearer token: status and JSON body. */
export function httpAdmin(adminUrl: string, token: string) {
  return async (method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${adminUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  };
}

/** Deposits the demo ticket of DEPOSIT_ENVELOPE over mutual TLS; resolves with its referenceSignalisation. */
export async function depositOver(url: string, tls: ClientTls, referenceInterneOC: string): Promise<string> {
  const answer = await rawPost(`${url}/ws/v1/signalisation`, tls, DEPOSIT_ENVELOPE(referenceInterneOC));
  const reference = /<referenceSignalisation>([^<]+)</.exec(answer.body)?.[1];
  if (answer.status !== 200 || !reference) throw new Error(`deposit refused: ${answer.status} ${answer.body}`);
  return reference;
}

/** What a test of gateway processes shares: its database, PKI, data folder, ports and settings. */
export interface ProcessBed {
  database: TestDatabase;
  /** The settings of a gateway (and of a worker) on this bed: ports, token, PKI, data folder, database. */
  env: Record<string, string>;
  url: string;
  adminUrl: string;
  /** OPA1's client certificate and the development CA. */
  tls: ClientTls;
  caPem: string;
  admin(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Deposits the demo ticket over mutual TLS; resolves with its referenceSignalisation. */
  deposit(referenceInterneOC: string): Promise<string>;
  /** Drops the database and removes the folders. */
  cleanup(): Promise<void>;
}

/** A throwaway database, a copy of the test PKI, a data folder, free ports and `extra` settings. */
export async function processBed(name: string, token: string, extra: Record<string, string> = {}): Promise<ProcessBed> {
  const database = await createTestDatabase();
  const certs = testCertsDir(`esav-${name}-pki-`);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), `esav-${name}-data-`));
  const [port, adminPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const tls: ClientTls = {
    key: fs.readFileSync(path.join(certs, 'operators', 'OPA1.key')),
    cert: fs.readFileSync(path.join(certs, 'operators', 'OPA1.crt')),
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
  };
  return {
    database,
    env: {
      DATABASE_URL: database.url,
      ESAV_HOST: '127.0.0.1',
      ESAV_PORT: String(port),
      ESAV_ADMIN_HOST: '127.0.0.1',
      ESAV_ADMIN_PORT: String(adminPort),
      ESAV_ADMIN_TOKEN: token,
      ESAV_SWEEP_INTERVAL_SECONDS: '0',
      ESAV_DEV_CERTS_DIR: certs,
      ESAV_DATA_DIR: data,
      ...extra,
    },
    url,
    adminUrl,
    tls,
    caPem: fs.readFileSync(path.join(certs, 'ca.crt'), 'utf8'),
    admin: httpAdmin(adminUrl, token),
    deposit: (referenceInterneOC) => depositOver(url, tls, referenceInterneOC),
    async cleanup() {
      await database.drop();
      for (const d of [certs, data]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
