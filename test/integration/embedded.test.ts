// The embedded default (no DATABASE_URL): PGlite under the data folder, development PKI and demo
// data generated on first start, both reused on the next start.
import { depositArgs, enteteRequete, startTestGateway } from '../support/gateway.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('embedded PGlite default: deposit, restart on the same data, state still there', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-embedded-'));
  const certsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-embedded-pki-'));
  const env = { ESAV_DATA_DIR: dataDir, ESAV_DEV_CERTS_DIR: certsDir };
  try {
    const first = await startTestGateway({ embedded: true, env });
    expect(first.db.kind).toBe('pglite');
    const client = await first.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const args = depositArgs();
    const [ack] = await client.deposerSignalisationAsync(args);
    const caBefore = fs.readFileSync(path.join(certsDir, 'ca.crt'), 'utf8');
    await first.gateway.close();

    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);
    const second = await startTestGateway({ embedded: true, env });
    try {
      expect(fs.readFileSync(path.join(certsDir, 'ca.crt'), 'utf8')).toBe(caBefore); // PKI reused
      const again = await second.soapClient('OPA1');
      again.addSoapHeader(enteteRequete('OPA1'));
      const [state] = await again.consulterEtatSignalisationAsync({ referenceInterneOC: args.referenceInterneOC });
      expect(state.referenceSignalisation).toBe(ack.referenceSignalisation);
      expect(state.etat).toBe('EN_DEPOT');
    } finally {
      await second.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(certsDir, { recursive: true, force: true });
  }
}, 90_000); // two starts of the embedded PGlite (migrations, demo data): slow on a loaded machine
