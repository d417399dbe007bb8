// The second SOAP toolkit on consulterAvis (SignalisationService v2 only, decision 0022): Python zeep
// (strict) loads the v2 WSDL as the gateway serves it, binds the header and lists the caller's
// notices over mutual TLS (test/interop/zeep_notices.py); the v1 WSDL has no such operation.
// Skipped locally without python3-zeep; fails under CI, which installs it.
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SettableClock } from '../../src/domain/clock.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { withdrawAutomaticNotices } from '../support/notices.js';
import { writeRegistry } from '../support/versions.js';
import { describeWithZeep, runPython } from '../support/zeep.js';

const SCRIPT = path.join(PROJECT_ROOT, 'test', 'interop', 'zeep_notices.py');
const describeZeep = await describeWithZeep();

describeZeep('interoperability: zeep on consulterAvis (SignalisationService v2)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock('2026-11-25T10:00:00+01:00'), env: { ESAV_VERSIONS_FILE: writeRegistry() } });
    await withdrawAutomaticNotices(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('zeep (strict) lists the notices concerning the caller, and not the others', async () => {
    const publish = async (body: Record<string, unknown>) => {
      const created = await t.admin('POST', '/admin/avis', { agent: 'M. Martin', type: 'AUTRE', texte: 'Texte de l’avis, accentué.', ...body });
      expect(created.status).toBe(201);
      return created.body.reference as string;
    };
    const toAll = await publish({ titre: 'À tous les opérateurs' });
    await publish({ titre: 'Pour OPA1 seulement', operateurs: ['OPA1'] });
    const toOpb2 = await publish({ titre: 'Pour OPB2', operateurs: ['OPB2'], type: 'TRAVAUX_ESAV', debut: '2026-12-10T22:00:00+01:00', fin: '2026-12-10T23:00:00+01:00' });

    const pki = t.gateway.devPki!;
    const opb2 = pki.operators.OPB2!;
    const result = await runPython(
      [SCRIPT, '--url', `https://localhost:${t.gateway.port}`, '--ca', pki.paths.caCert, '--cert', opb2.certPath, '--key', opb2.keyPath, '--operator', 'OPB2', '--expected', [toOpb2, toAll].join(',')],
      60_000,
    );
    const report = `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`zeep client failed: ${report}`);
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    for (const check of ['v2 WSDL loaded (strict)', 'consulterAvis: the notices concerning the caller', 'consulterAvis publiesDepuis', 'v1 WSDL unchanged']) {
      expect(lines.some((l) => l.startsWith(`ok   ${check}`))).toBe(true);
    }
  }, 90_000);
});
