// Line tests on the embedded PGlite default (single connection): the queue runs through the same
// database adapter; a test requested before a restart is run after it (the job is on disk).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV, pollResult } from '../support/line-tests.js';

test('embedded PGlite: a test requested before a restart runs after it; request → poll → result', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-embedded-tests-'));
  const certsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-embedded-tests-pki-'));
  const env = { ...FAST_TESTS_ENV, ESAV_DATA_DIR: dataDir, ESAV_DEV_CERTS_DIR: certsDir };
  try {
    // No worker in this gateway: the request waits in the queue.
    const first = await startTestGateway({ embedded: true, env: { ...env, ESAV_TEST_WORKERS: '0' } });
    expect(first.db.kind).toBe('pglite');
    const client = await first.soapClient('OPA1', '/ws/v1/test');
    client.addSoapHeader(enteteTest('OPA1'));
    const [pending] = await client.demanderTestAsync({ identifiantPrestation: 'DSL-1000-0001', typeTest: 'ETAT_SYNCHRO' });
    const [waiting] = await client.consulterResultatTestAsync({ idDemandeTest: pending.idDemandeTest });
    expect(waiting.statut).toBe('EN_ATTENTE');
    await first.gateway.close();

    const second = await startTestGateway({ embedded: true, env });
    try {
      const again = await second.soapClient('OPA1', '/ws/v1/test');
      again.addSoapHeader(enteteTest('OPA1'));
      const result = await pollResult(again, pending.idDemandeTest);
      expect(result).toMatchObject({ statut: 'TERMINE', verdict: 'KO', localisationProbable: 'RESEAU_FOURNISSEUR' });

      const [fresh] = await again.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest: 'MESURE_OPTIQUE' });
      expect(await pollResult(again, fresh.idDemandeTest)).toMatchObject({ statut: 'TERMINE', verdict: 'OK' });
    } finally {
      await second.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(certsDir, { recursive: true, force: true });
  }
}, 60_000);
