// The rule of test/support/published-wsdl.ts (issue 12, defect 5): the tests comparing our
// Interop'Fibre contract with the published WSDLs must not pass without comparing anything under CI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { INTEROP_DIR, publishedWsdl } from '../support/published-wsdl.js';

describe('published Interop\'Fibre WSDLs: a prerequisite under CI', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-published-wsdl-'));
  const missingDir = path.join(tmp, 'no-such-folder');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('with CI set, a missing folder throws, naming the file', () => {
    expect(() => publishedWsdl('planChargeSavFtth.wsdl', { dir: missingDir, ci: true })).toThrow(
      `published Interop'Fibre WSDL ${path.join(missingDir, 'planChargeSavFtth.wsdl')} not found: CI must have the reference copies`,
    );
  });

  test('without CI, a missing file is skipped with a warning', () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      expect(publishedWsdl('infoTravauxFTTH.wsdl', { dir: missingDir, ci: false })).toBeUndefined();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toContain('skipped');
  });

  test('a present file is returned, CI or not', () => {
    fs.writeFileSync(path.join(tmp, 'infoTravauxFTTH.wsdl'), '<definitions/>');
    for (const ci of [true, false]) expect(publishedWsdl('infoTravauxFTTH.wsdl', { dir: tmp, ci })).toBe(path.join(tmp, 'infoTravauxFTTH.wsdl'));
  });

  test('the CI variable decides by default', () => {
    const saved = process.env.CI;
    try {
      process.env.CI = 'true';
      expect(() => publishedWsdl('x.wsdl', { dir: missingDir })).toThrow(/CI must have/);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });

  test('the default folder is ../shared/interop next to the repository (or ESAV_INTEROP_DIR)', () => {
    expect(INTEROP_DIR).toBe(process.env.ESAV_INTEROP_DIR ? path.resolve(process.env.ESAV_INTEROP_DIR) : path.resolve(PROJECT_ROOT, '..', 'shared', 'interop'));
  });
});
