// npm run docs:modules — rewrites the module map of docs/architecture.md from the files of src/.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { moduleEntries, renderModuleMap, withModuleMap } from './generate.js';

const file = path.join(PROJECT_ROOT, 'docs', 'architecture.md');
const before = fs.readFileSync(file, 'utf8');
const after = withModuleMap(before, renderModuleMap(moduleEntries(PROJECT_ROOT)));
if (after !== before) fs.writeFileSync(file, after);
console.log(`docs/architecture.md: module map ${after === before ? 'already up to date' : 'rewritten'}`);
