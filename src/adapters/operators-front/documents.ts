// The contract documents served to clients: every WSDL at its service's `?wsdl` URL and every
// WSDL/XSD file under /wsdl/ and /xsd/, read once at start. Relative schemaLocations in the
// files resolve the same on disk and over HTTP (wsdl/v1/x.wsdl → ../../xsd/… ↔ /ws/v1/x?wsdl → /xsd/…).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

export class ContractDocuments {
  private readonly files = new Map<string, string>();

  constructor(roots: ReadonlyArray<{ urlPrefix: string; dir: string; extension: string }>) {
    for (const { urlPrefix, dir, extension } of roots) {
      for (const file of listFiles(dir)) {
        if (!file.endsWith(extension)) continue;
        const relative = path.relative(dir, file).split(path.sep).join('/');
        this.files.set(`${urlPrefix}/${relative}`, fs.readFileSync(file, 'utf8'));
      }
    }
  }

  /** A served document by URL path (only files that existed at start; no path traversal possible). */
  get(urlPath: string): string | undefined {
    return this.files.get(urlPath);
  }

  /** The WSDL with its soap:address pointed at `endpointUrl`. */
  static withAddress(wsdl: string, endpointUrl: string): string {
    return wsdl.replace(/(<soap:address\s+location=")[^"]*(")/g, `$1${endpointUrl}$2`);
  }
}

/** GET /wsdl/** and /xsd/**: the documents read at start, as XML; anything else a plain-text 404. */
export const documentRoutes: FastifyPluginAsync<{ documents: ContractDocuments }> = async (scope, { documents }) => {
  for (const prefix of ['/wsdl', '/xsd']) {
    scope.get(`${prefix}/*`, async (request, reply) => {
      const document = documents.get(request.url.split('?')[0] ?? '');
      if (document === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
      return reply.type('text/xml; charset=utf-8').send(document);
    });
  }
};

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}
