// The gateway as its own process (the compiled dist/src/processes/gateway.js), for tests that kill it.
// Children are spawned asynchronously: a test process may serve other things meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

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
