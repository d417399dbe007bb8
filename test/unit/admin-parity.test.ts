// "Every action the CLI has is in the console, and the reverse" (issue 14), checked against the
// admin API's OpenAPI description: the operations the support CLI uses, and those the web support
// console uses once it exists, each equal the described operations, less the documented
// exemptions (probes, metrics, the description itself). Decision 0020.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { ADMIN_OPERATIONS } from '../../src/admin-client/operations.js';
import { ADMIN_API_EXEMPT, operationsUsedIn } from '../support/admin-operations.js';

/** The support CLI's sources. */
const CLI_DIR = path.join(PROJECT_ROOT, 'src', 'admin-cli');
/** The web support console's sources: checked as soon as the folder exists. */
const CONSOLE_DIR = path.join(PROJECT_ROOT, 'src', 'adapters', 'web-portal', 'console');

const described = Object.keys(ADMIN_OPERATIONS)
  .filter((id) => !ADMIN_API_EXEMPT.has(id))
  .sort();

function difference(expected: string[], used: Set<string>) {
  return {
    missing: expected.filter((id) => !used.has(id)),
    exempt: [...used].filter((id) => ADMIN_API_EXEMPT.has(id)).sort(),
  };
}

describe('admin API parity', () => {
  test('the exemptions are operations of the description', () => {
    expect([...ADMIN_API_EXEMPT].filter((id) => !(id in ADMIN_OPERATIONS))).toEqual([]);
  });

  test('the support CLI uses every operation of the admin API (but the exemptions)', () => {
    expect(difference(described, operationsUsedIn(CLI_DIR))).toEqual({ missing: [], exempt: [] });
  });

  const consoleExists = fs.existsSync(CONSOLE_DIR);
  (consoleExists ? test : test.skip)('the web support console uses every operation of the admin API (but the exemptions)', () => {
    expect(difference(described, operationsUsedIn(CONSOLE_DIR))).toEqual({ missing: [], exempt: [] });
  });

  test('the finder sees both ways of calling: by operationId and by method and path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-parity-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'page.ts'),
        [
          "await client.call('getSignalisation', { params: { reference } });",
          'await call(command, \'POST\', `/admin/travaux/${encodeURIComponent(reference)}/cloture`, body);',
          "await client.request('GET', '/admin/limites');",
          "const label = 'notAnOperation';",
        ].join('\n'),
      );
      expect([...operationsUsedIn(dir)].sort()).toEqual(['closeTravaux', 'getSignalisation', 'listRateLimits']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
