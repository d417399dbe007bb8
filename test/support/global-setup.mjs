// Jest global setup: compiles src/ to dist/ once for the tests that spawn the compiled gateway,
// worker, admin command line or conformance kit (no test builds on its own). A type error fails
// the run here, with the compiler's output. The build is incremental (tsconfig.build.json), so it
// costs little after `npm run build` (as in .ci/run) or a previous run.
//
// It also issues one development PKI (CA, server, push client, the demo operators) that the tests
// copy instead of issuing their own at every gateway start (test/support/dev-pki.ts): about a
// second of RSA key generation per start, some eighty starts per run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export default async function globalSetup() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${result.stdout}${result.stderr}`);

  const { ensureDevPki } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'adapters', 'pki', 'dev-pki.js')).href);
  const { DEMO_OPERATOR_CODES } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'composition', 'demo-data.js')).href);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-test-pki-template-'));
  ensureDevPki({ dir, operatorCodes: DEMO_OPERATOR_CODES, now: new Date() });
  // Read by test/support/dev-pki.ts in the test workers (started after this setup).
  process.env.ESAV_TEST_PKI_TEMPLATE = dir;
}
