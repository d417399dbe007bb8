// Interoperability with a second SOAP toolkit: Python zeep (Debian package python3-zeep, system
// python /usr/bin/python3) loads the WSDL the gateway serves over mutual TLS and calls it
// (test/interop/zeep_client.py). Real PostgreSQL, real mTLS, fresh development PKI.
// Without zeep the suite is skipped locally, but fails under CI (which installs python3-zeep:
// apt-get update && apt-get install -y python3-zeep).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithZeep, runPython } from '../support/zeep.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'test/interop/zeep_client.py');


const describeZeep = await describeWithZeep();

describeZeep('interoperability: Python zeep consumes the served WSDL', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ embedded: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('zeep (strict) deposits, consults, retries idempotently and gets typed faults', async () => {
    const pki = t.gateway.devPki!;
    const opa1 = pki.operators.OPA1!;
    const result = await runPython(
      [
        SCRIPT,
        '--url', `https://localhost:${t.gateway.port}`,
        '--ca', pki.paths.caCert,
        '--cert', opa1.certPath,
        '--key', opa1.keyPath,
        '--operator', 'OPA1',
      ],
      60_000,
    );
    const lines = result.stdout.trim().split('\n');
    const last = lines[lines.length - 1] ?? '';
    const report = `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`zeep client failed: ${report}`);
    expect(last).toMatch(/^zeep: [1-9]\d* passed, 0 failed$/);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    // Every check of the brief ran and passed (a silently skipped check would not print its line).
    for (const check of [
      'WSDL https://localhost:',
      'deposerSignalisation: SIG reference',
      'consulterEtatSignalisation by referenceSignalisation',
      'consulterEtatSignalisation by referenceInterneOC',
      'consulterDetailSignalisation by referenceSignalisation',
      'deposerSignalisation retried with the same referenceInterneOC returns the same reference',
      'deposerSignalisation on FI-2000-0001',
      'deposerSignalisation with a bad phone number is rejected',
      'listerSignalisations with repeated etat filters and keyset paging',
      'completerSignalisation (choice of reference + comment) restituted in the detail',
      'consulterHistorique with a periode',
      'consulterCatalogue: offers, forms, nomenclatures',
    ]) {
      expect(lines.some((line) => line.startsWith(`ok   ${check}`))).toBe(true);
    }
  }, 90_000);
});
