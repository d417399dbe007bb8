// npm run docs:contract — writes docs/contract/ from the contract's sources (see generate.ts):
// the generated pages are rewritten, generated pages no longer produced are removed, the
// hand-written pages are left alone.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { compareWithTree } from './files.js';
import { CONTRACT_DOCS_DIR } from './files.js';
import { generateContractDocs } from './generate.js';

const dir = path.join(PROJECT_ROOT, CONTRACT_DOCS_DIR);
const pages = generateContractDocs(PROJECT_ROOT);
const { changed, stale } = compareWithTree(dir, pages);
for (const file of changed) {
  const full = path.join(dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, pages.get(file)!);
}
for (const file of stale) fs.rmSync(path.join(dir, file));
const shown = (files: string[]) => (files.length > 0 ? files.join(', ') : 'none');
console.log(`docs/contract: ${pages.size} generated pages; written: ${shown(changed)}; removed: ${shown(stale)}`);
