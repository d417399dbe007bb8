// Interoperability of the Interop'Fibre planChargeSavFtth contract with a second SOAP toolkit:
// Python zeep (Debian package python3-zeep, system python /usr/bin/python3) loads the WSDL the
// gateway serves at /ws/interop/planChargeSavFtth?wsdl over mutual TLS (and the XSD it imports),
// then searches, books, consults and reports (test/interop/zeep_plan_charge.py); a second zeep
// client generated from the published WSDL in ../shared/interop/ does the same when that file is
// there. Real PostgreSQL, real mTLS, fresh development PKI, a business clock on a Monday morning.
// Without zeep the suite is skipped locally, but fails under CI (which installs python3-zeep:
// apt-get update && apt-get install -y python3-zeep).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres, IN_CI } from '../support/postgres.js';

const PYTHON = '/usr/bin/python3';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'test/interop/zeep_plan_charge.py');
const PUBLISHED_WSDL = path.resolve(ROOT, '../shared/interop/planChargeSavFtth.wsdl');

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously: the gateway serves from this very process, so no spawnSync. */
function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
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
  const probe = await run(PYTHON, ['-c', 'import zeep'], 20_000);
  if (probe.code === 0) return true;
  const reason = `${PYTHON} -c 'import zeep' failed (${probe.stderr.trim().split('\n').pop() ?? `exit ${probe.code}`})`;
  if (IN_CI) throw new Error(`${reason}: CI must install python3-zeep (apt-get update && apt-get install -y python3-zeep)`);
  console.warn(`${reason}: zeep interoperability test skipped (apt-get update && apt-get install -y python3-zeep)`);
  return false;
}

const describeDb = await describeWithPostgres();
const describeZeep = (await zeepAvailable()) ? describeDb : describe.skip;

describeZeep('interoperability: Python zeep consumes the planChargeSavFtth WSDL', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // Daytime on a Monday: the slot search is closed from 01:00 to 04:00 Europe/Paris.
    t = await startTestGateway({ clock: new SettableClock('2026-11-02T10:00:00+01:00') });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('zeep (strict) searches, books, consults, reports and gets typed InfoErreurType faults', async () => {
    const pki = t.gateway.devPki!;
    const opa1 = pki.operators.OPA1!;
    const published = fs.existsSync(PUBLISHED_WSDL);
    const result = await run(
      PYTHON,
      [
        SCRIPT,
        '--url', `https://localhost:${t.gateway.port}`,
        '--ca', pki.paths.caCert,
        '--cert', opa1.certPath,
        '--key', opa1.keyPath,
        '--siren-oc', '100000009',
        '--siren-oi', t.config.providerSiren,
        '--from', '2026-11-03',
        ...(published ? ['--published', PUBLISHED_WSDL] : []),
      ],
      60_000,
    );
    const lines = result.stdout.trim().split('\n');
    const report = `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`zeep client failed: ${report}`);
    expect(lines.at(-1)).toMatch(/^zeep: [1-9]\d* passed, 0 failed$/);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    const checks = [
      'WSDL https://localhost:',
      'project WSDL: rechercheCreneauxLibres',
      'project WSDL: reservationCreneau',
      'project WSDL: consultationRdv',
      'project WSDL: booking the same slot again raises Fault InfoErreurType 320',
      'reportRDV (empty response) moves the appointment',
      'consultationRdv of an unknown appointment raises Fault InfoErreurType 320',
      ...(published
        ? ['published WSDL ', 'published WSDL: rechercheCreneauxLibres', 'published WSDL: reservationCreneau', 'published WSDL: consultationRdv']
        : []),
    ];
    // Every check ran and passed (a silently skipped check would not print its line).
    for (const check of checks) expect(lines.some((line) => line.startsWith(`ok   ${check}`))).toBe(true);
  }, 90_000);
});
