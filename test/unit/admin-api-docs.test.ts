// The admin API's OpenAPI description (docs/admin-api/openapi.json) and the admin client's
// operation table (src/admin-client/operations.ts) cannot drift from the routes: both are
// regenerated here and must equal the committed files; every operation is fully described, and
// the document validates as OpenAPI 3.1 (decision 0020).
import fs from 'node:fs';
import path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { pino } from 'pino';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { buildAdminApp, OPENAPI_PATH, type AdminAppOptions } from '../../src/adapters/admin-api/app.js';
import { generateOpenApiDocument, OPENAPI_FILE, OPERATIONS_FILE, operationsOf, renderOpenApi, renderOperationsTable } from '../../tools/admin-api/generate.js';
import { ADMIN_API_EXEMPT } from '../support/admin-operations.js';

let document: Record<string, unknown>;
beforeAll(async () => {
  document = await generateOpenApiDocument();
});

const committed = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

describe('docs/admin-api/openapi.json', () => {
  test('is up to date with the routes (otherwise run `npm run docs:admin-api` and commit it)', () => {
    expect(committed(OPENAPI_FILE)).toBe(renderOpenApi(document));
  });

  test('src/admin-client/operations.ts is up to date (otherwise run `npm run docs:admin-api` and commit it)', () => {
    expect(committed(OPERATIONS_FILE)).toBe(renderOperationsTable(document));
  });

  test('validates as OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
  });

  test('every operation has a unique camelCase operationId, a summary, tags and a 2xx JSON answer with a schema', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(40);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const op of operations) {
      const where = `${op.method} ${op.path}`;
      if (!/^[a-z][a-zA-Z0-9]*$/.test(op.operationId)) problems.push(`${where}: operationId ${JSON.stringify(op.operationId)} is not camelCase`);
      if (seen.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} used twice`);
      seen.add(op.operationId);
      if (!op.summary?.trim()) problems.push(`${where}: no summary`);
      if (!op.tags?.length) problems.push(`${where}: no tags`);
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) problems.push(`${where}: no 2xx response`);
      for (const [status, response] of success) {
        if (!Object.values(response.content ?? {}).some((c) => c.schema !== undefined)) problems.push(`${where}: ${status} has no schema`);
      }
      if (ADMIN_API_EXEMPT.has(op.operationId)) continue;
      // Every /admin operation needs the token and answers its refusals as { erreur }.
      if (op.security !== undefined) problems.push(`${where}: served without the token`);
      for (const status of ['400', '401', '404', '409']) {
        const schema = op.responses[status]?.content?.['application/json']?.schema as { properties?: Record<string, unknown> } | undefined;
        if (!schema?.properties?.erreur) problems.push(`${where}: no ${status} { erreur } answer`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the admin app', () => {
  const options = (extra: Partial<AdminAppOptions>): AdminAppOptions => ({
    backOffice: { sweep: async () => ['SIG-1', 2] } as unknown as AdminAppOptions['backOffice'],
    token: 'a-test-token-of-32-characters-xx',
    logger: pino({ level: 'silent' }),
    ...extra,
  });

  test(`serves the description at ${OPENAPI_PATH}, with the token`, async () => {
    const app = await buildAdminApp(options({}));
    try {
      expect((await app.inject({ method: 'GET', url: OPENAPI_PATH })).statusCode).toBe(401);
      const answer = await app.inject({ method: 'GET', url: OPENAPI_PATH, headers: { authorization: 'Bearer a-test-token-of-32-characters-xx' } });
      expect(answer.statusCode).toBe(200);
      const served = answer.json<{ openapi: string; paths: Record<string, unknown> }>();
      expect(served.openapi).toBe('3.1.0');
      expect(Object.keys(served.paths)).toEqual(expect.arrayContaining(['/admin/signalisations/{reference}', '/admin/balayages', OPENAPI_PATH]));
    } finally {
      await app.close();
    }
  });

  test('an answer that does not match its schema is a 500 under responseCheck fail, sent as it is under log', async () => {
    const auth = { authorization: 'Bearer a-test-token-of-32-characters-xx' };
    const failing = await buildAdminApp(options({ responseCheck: 'fail' }));
    const logging = await buildAdminApp(options({ responseCheck: 'log' }));
    try {
      const failed = await failing.inject({ method: 'POST', url: '/admin/balayages', headers: auth });
      expect(failed.statusCode).toBe(500);
      expect(failed.json<{ erreur: string }>().erreur).toMatch(/^erreur technique : admin response does not match its schema: POST \/admin\/balayages 200: .*deplacees\/1 must be string/);
      const logged = await logging.inject({ method: 'POST', url: '/admin/balayages', headers: auth });
      expect(logged.statusCode).toBe(200);
      expect(logged.json()).toEqual({ deplacees: ['SIG-1', 2] });
    } finally {
      await failing.close();
      await logging.close();
    }
  });
});
