// A development PKI folder for one test gateway: a copy of the one the Jest global setup issued
// (test/support/global-setup.mjs), which the gateway finds valid and reuses (ensureDevPki keeps
// usable files), instead of generating RSA keys at every start. Each test gets its own copy: a test
// may add or replace files in it. Without the template (a run without the global setup), an empty
// folder: the gateway issues a fresh PKI as on a first start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function testCertsDir(prefix = 'esav-test-pki-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const template = process.env.ESAV_TEST_PKI_TEMPLATE;
  if (template && fs.existsSync(template)) fs.cpSync(template, dir, { recursive: true });
  return dir;
}
