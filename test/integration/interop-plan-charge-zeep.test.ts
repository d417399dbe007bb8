// Interoperability of the Interop'Fibre planChargeSavFtth contract with a second SOAP toolkit:
// Python zeep (Debian package python3-zeep, system python /usr/bin/python3) loads the WSDL the
// gateway serves at /ws/interop/planChargeSavFtth?wsdl over mutual TLS (and the XSD it imports),
// then searches, books, consults and reports (test/interop/zeep_plan_charge.py); a second zeep
// client generated from the published WSDL (../shared/interop/, test/support/published-wsdl.ts) does
// the same; without that file it is skipped locally, and fails under CI. Real PostgreSQL, real mTLS, fresh development PKI, a business clock on a Monday morning.
// Without zeep the suite is skipped locally, but fails under CI (which installs python3-zeep:
// apt-get update && apt-get install -y python3-zeep).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { publishedWsdl } from '../support/published-wsdl.js';
import { describeWithZeep, runPython } from '../support/zeep.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'test/interop/zeep_plan_charge.py');
const PUBLISHED_WSDL = publishedWsdl('planChargeSavFtth.wsdl');


const describeZeep = await describeWithZeep();

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
    const published = PUBLISHED_WSDL !== undefined;
    const result = await runPython(
      [
        SCRIPT,
        '--url', `https://localhost:${t.gateway.port}`,
        '--ca', pki.paths.caCert,
        '--cert', opa1.certPath,
        '--key', opa1.keyPath,
        '--siren-oc', '100000009',
        '--siren-oi', t.config.providerSiren,
        '--from', '2026-11-03',
        ...(PUBLISHED_WSDL ? ['--published', PUBLISHED_WSDL] : []),
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
