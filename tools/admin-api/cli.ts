// npm run docs:admin-api — writes docs/admin-api/openapi.json and src/admin-client/operations.ts
// from the admin API's route schemas (tools/admin-api/generate.ts).
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { generateOpenApiDocument, OPENAPI_FILE, OPERATIONS_FILE, renderOpenApi, renderOperationsTable } from './generate.js';

const document = await generateOpenApiDocument();
for (const [file, text] of [
  [OPENAPI_FILE, renderOpenApi(document)],
  [OPERATIONS_FILE, renderOperationsTable(document)],
] as const) {
  const target = path.join(PROJECT_ROOT, file);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (before !== text) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  console.log(`${file}: ${before === text ? 'already up to date' : 'written'}`);
}
