// The second SOAP toolkit of the interoperability tests: Python zeep (Debian's python3-zeep, for
// the system python). Scripts run asynchronously — the gateway answers from the test's own process,
// so no spawnSync. Without zeep the suites are skipped locally, but fail under CI (which installs it).
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { describeWithPostgres, IN_CI } from './postgres.js';

export const PYTHON = '/usr/bin/python3';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the system python with `args`, killed after `timeoutMs`. */
export function runPython(args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${String(error)}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function zeepAvailable(): Promise<boolean> {
  const probe = await runPython(['-c', 'import zeep'], 20_000);
  if (probe.code === 0) return true;
  const reason = `${PYTHON} -c 'import zeep' failed (${probe.stderr.trim().split('\n').pop() ?? `exit ${probe.code}`})`;
  if (IN_CI) throw new Error(`${reason}: CI must install python3-zeep (apt-get update && apt-get install -y python3-zeep)`);
  console.warn(`${reason}: zeep interoperability test skipped (apt-get update && apt-get install -y python3-zeep)`);
  return false;
}

/** `describe` when PostgreSQL and zeep are there (always under CI), `describe.skip` otherwise. */
export async function describeWithZeep(): Promise<jest.Describe> {
  const describeDb = await describeWithPostgres();
  return (await zeepAvailable()) ? describeDb : describe.skip;
}
