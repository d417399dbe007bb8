// Jest global teardown: removes the development PKI that the global setup issued for the tests.
import fs from 'node:fs';

export default async function globalTeardown() {
  const dir = process.env.ESAV_TEST_PKI_TEMPLATE;
  if (dir && /esav-test-pki-template-/.test(dir)) fs.rmSync(dir, { recursive: true, force: true });
}
