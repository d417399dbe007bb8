// What the parity and description tests of the admin API share (decision 0020).
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_OPERATIONS, type AdminOperationId } from '../../src/admin-client/operations.js';

/**
 * Operations no support action is made of, hence in neither the CLI nor the console: probes,
 * the Prometheus scrape and the description itself.
 */
export const ADMIN_API_EXEMPT: ReadonlySet<string> = new Set(['getLiveness', 'getReadiness', 'getMetrics', 'getOpenApiDescription']);

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : /\.(ts|eta|html|js)$/.test(entry.name) ? [path.join(dir, entry.name)] : []));
}

/** An OpenAPI path (`/admin/x/{id}`) as a pattern matching a template literal (`/admin/x/${id}`) or a Fastify path. */
function pathPattern(openApiPath: string): RegExp {
  const escaped = openApiPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '(?:\\$\\{[^}]+\\}|:[A-Za-z]+|[^/?`\'"]+)');
  return new RegExp(`^${escaped}$`);
}

/**
 * The admin operations a body of client code uses, found statically in its files: an operationId
 * as a string literal ('listSignalisations', how AdminClient#call names them), or a method and a
 * path ('GET', `/admin/signalisations/${ref}`) matched against the operation table.
 */
export function operationsUsedIn(dir: string): Set<AdminOperationId> {
  const used = new Set<AdminOperationId>();
  const ids = Object.keys(ADMIN_OPERATIONS) as AdminOperationId[];
  const routes = ids.map((id) => ({ id, method: ADMIN_OPERATIONS[id].method, pattern: pathPattern(ADMIN_OPERATIONS[id].path) }));
  for (const file of sourceFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, literal] of text.matchAll(/['"`]([a-z][A-Za-z0-9]+)['"`]/g)) {
      if (literal && (ids as string[]).includes(literal)) used.add(literal as AdminOperationId);
    }
    for (const [, method, rawPath] of text.matchAll(/['"](GET|POST|PUT|PATCH|DELETE)['"]\s*,\s*['"`](\/(?:admin|health|metrics)[^'"`?]*)/g)) {
      const found = routes.find((r) => r.method === method && r.pattern.test(rawPath ?? ''));
      if (found) used.add(found.id);
    }
  }
  return used;
}
