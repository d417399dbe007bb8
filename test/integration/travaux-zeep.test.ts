// A second, strict SOAP toolkit on the Interop'Fibre infoTravauxFTTH contract: Python zeep loads the
// project's WSDL as the gateway serves it, binds the header from it and calls the service over
// mutual TLS (test/interop/zeep_info_travaux.py); it also shows that zeep refuses the published
// WSDL (../shared/interop/, when present), whose header reference has no namespace.
// Skipped locally without python3-zeep; fails under CI, which installs it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { FAST_TESTS_ENV } from '../support/line-tests.js';
import { describeWithPostgres, IN_CI } from '../support/postgres.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(PROJECT_ROOT, 'test', 'interop', 'zeep_info_travaux.py');
const PUBLISHED = path.resolve(PROJECT_ROOT, '..', 'shared', 'interop', 'infoTravauxFTTH.wsdl');

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${String(error)}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function zeepAvailable(): Promise<boolean> {
  const probe = await run(['-c', 'import zeep'], 20_000);
  if (probe.code === 0) return true;
  if (IN_CI) throw new Error(`${PYTHON} -c 'import zeep' failed: CI must install python3-zeep`);
  console.warn('python3-zeep missing: infoTravauxFTTH zeep test skipped (apt-get install -y python3-zeep)');
  return false;
}

const describeDb = await describeWithPostgres();
const describeZeep = (await zeepAvailable()) ? describeDb : describe.skip;

describeZeep("interoperability: zeep on Interop'Fibre infoTravauxFTTH", () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: FAST_TESTS_ENV });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('zeep (strict) binds the qualified header from our WSDL and calls the service; it refuses the published WSDL', async () => {
    const pki = t.gateway.devPki!;
    const opa1 = pki.operators.OPA1!;
    const result = await run(
      [
        SCRIPT,
        '--url', `https://localhost:${t.gateway.port}`,
        '--ca', pki.paths.caCert,
        '--cert', opa1.certPath,
        '--key', opa1.keyPath,
        '--supplier', t.config.providerSiren,
        '--service-provider', '100000009',
        '--published', PUBLISHED,
      ],
      60_000,
    );
    const report = `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`zeep client failed: ${report}`);
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    for (const check of ['WSDL loaded (strict)', 'getInfoTravauxFTTH: the FTTH works', 'getInfoTravauxFTTH: criterion type DERCO', "getInfoTravauxFTTH: another operator's SIREN"]) {
      expect(lines.some((l) => l.startsWith(`ok   ${check}`))).toBe(true);
    }
  }, 90_000);
});
