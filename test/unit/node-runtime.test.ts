// node-forge picks its big-number code when it is loaded. Up to 1.4.3 it took a browser path
// (26-bit digits, am1) whenever a global `navigator` existed — which Node has from 21 on — and one
// RSA-2048 signature inside jest took ~0.9 s instead of ~30 ms: the suite ran at half speed on
// Node 24 (forge issue #1081, fixed in 1.4.4; issue 12, defect 6). Checked in a child process, with
// and without a `navigator` global, so that it is tested whatever the Node that runs the suite.
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';

function forgeDigitBits(prelude: string): string {
  const script = `${prelude}; process.stdout.write(String(require('node-forge').jsbn.BigInteger.prototype.DB))`;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(`node -e failed: ${child.stderr}`);
  return child.stdout;
}

describe('node-forge on Node.js', () => {
  test('takes its Node big-number path (28-bit digits) when a global navigator exists, as on Node ≥ 21', () => {
    expect(forgeDigitBits("Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Node.js' }, configurable: true })")).toBe('28');
  });

  test('and on the Node that runs the suite', () => {
    expect(forgeDigitBits('')).toBe('28');
  });
});
