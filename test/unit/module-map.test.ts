// docs/architecture.md's module map is the tree's: regenerated here, it must equal the committed
// page, and every source file must say its one job in an opening comment.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { firstSentence, folderOf, moduleEntries, renderModuleMap, withModuleMap } from '../../tools/module-map/generate.js';

const architecture = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');
const entries = moduleEntries(PROJECT_ROOT);

test('the module map of docs/architecture.md matches the tree (otherwise run `npm run docs:modules`)', () => {
  const expected = withModuleMap(architecture, renderModuleMap(entries));
  if (expected !== architecture) throw new Error('docs/architecture.md: the module map differs from the tree; run `npm run docs:modules` and commit it');
});

test('every source file says its job in an opening comment', () => {
  expect(entries.length).toBeGreaterThan(100);
  expect(entries.filter((e) => e.job === '').map((e) => e.file)).toEqual([]);
});

test('the map follows a change of the tree (the drift check can fail)', () => {
  const moved = entries.map((e) => (e.file === 'src/domain/faults.ts' ? { ...e, job: 'Something else.' } : e));
  expect(withModuleMap(architecture, renderModuleMap(moved))).not.toBe(architecture);
});

test('first sentences and folders', () => {
  expect(firstSentence('One job. More words.')).toBe('One job.');
  expect(firstSentence('Reads v1.2 files: a|b.')).toBe('Reads v1.2 files: a\\|b.');
  expect(folderOf('src/adapters/soap/pipeline.ts')).toBe('adapters/soap');
  expect(folderOf('src/composition/config/config.ts')).toBe('composition/config');
  expect(folderOf('src/domain/clock.ts')).toBe('domain');
});
