// Console: prestations (/console/prestations, issue 14, decision 0017): import a file of the
// provider's inventory (CSV, JSON, NDJSON; simulation; threshold of refused lines; the staff member
// as agent), its progress while it runs, its report and refused lines, the recent imports, a
// prestation's lookup and its termination. Calls the admin API only, by operationId.
//
// The uploaded file is streamed to the admin API, never held whole in memory: in this page's
// plugin the portal's multipart parser (which reads small files into the body) is replaced by one
// that hands the fields sent before the file (_csrf first, for the CSRF check) and the file as a
// stream (busboy); the stream goes to importPrestations as the request body (decision 0020).
// With htmx, the form posts while the progress panel (a polite live region) polls
// getPrestationImport every second with the id the page generated; without JavaScript the POST
// completes and redirects to the report.
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { Busboy, type BusboyHeaders } from '@fastify/busboy';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { dropRest } from '../../streams.js';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal, segment } from './api.js';
import { agentOf, formText, queryText, sendConsolePage, supportSessionOf, type ConsolePageDeps, type FieldErrors } from './common.js';

/** What the page reads of an import (ImportJson of the admin API). */
interface ImportJson {
  id: string;
  etat: 'RUNNING' | 'DONE' | 'DRY_RUN' | 'REFUSED' | 'FAILED';
  simulation: boolean;
  format: string;
  agent: string;
  seuilRejets: number | null;
  debut: string;
  fin: string | null;
  octetsLus: number;
  lignesLues: number;
  lignesAcceptees: number;
  lignesRefusees: number;
  creees: number;
  modifiees: number;
  inchangees: number;
  motif: string | null;
}

interface RejectJson {
  ligne: number;
  identifiant: string | null;
  champ: string | null;
  motif: string;
}

interface PrestationJson {
  identifiant: string;
  operateur: string;
  offre: string;
  codeInsee: string | null;
  garantie: string;
  extremites: Array<{ type: string; reference?: string | null }>;
  informations: Array<{ code: string; valeur: string }>;
  dateActivation: string | null;
  dateResiliation: string | null;
  enService: boolean;
  signalisations: number;
}

/** The uploaded file as the streaming parser hands it to the route. */
interface UploadedFile {
  name: string;
  stream: Readable;
}

const CONTENT_TYPES: Record<string, string> = { csv: 'text/csv', json: 'application/json', ndjson: 'application/x-ndjson' };
const STATES: Record<string, string> = {
  RUNNING: 'en cours',
  DONE: 'importé',
  DRY_RUN: 'simulation terminée (rien n’est écrit)',
  REFUSED: 'fichier refusé : rien n’est importé',
  FAILED: 'échec technique : rien n’est importé',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const REJECTS_PAGE = 50;

const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '—');
const number = (n: number) => n.toLocaleString('fr-FR');
const stateLabel = (etat: string) => STATES[etat] ?? etat;

/**
 * The upload handed to the admin API through a pipe of its own. The API may read the file to its
 * end, or answer early and stop reading (a file refused on its header): either way `drain()` then
 * reads the rest of the upload and drops it, so the browser's request is consumed to its end before
 * the page answers (an answer sent while the browser is still uploading leaves its connection
 * stuck: the redirect that follows never arrives).
 */
function detachedUpload(file: Readable): { body: Readable; drain(): Promise<void> } {
  const body = new PassThrough();
  file.pipe(body);
  return {
    body,
    async drain() {
      file.unpipe(body);
      body.destroy();
      await dropRest(file);
    },
  };
}

/** csv/json/ndjson from the chosen format or, failing that, the file's extension. */
function formatOf(chosen: string, fileName: string): string {
  if (chosen in CONTENT_TYPES) return chosen;
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return 'csv';
}

/** The file of the posted form (the streaming parser's `fichier`), if one was chosen. */
function uploadedFile(request: FastifyRequest): UploadedFile | undefined {
  const file = (request.body as Record<string, unknown> | undefined)?.fichier;
  return typeof file === 'object' && file !== null && 'stream' in file ? (file as UploadedFile) : undefined;
}

export const prestationsConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  // This plugin's multipart parser: the fields before the file, then the file as a paused stream
  // (busboy applies backpressure until the route pipes it to the admin API).
  app.removeContentTypeParser('multipart/form-data');
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    const fields: Record<string, unknown> = {};
    let settled = false;
    const settle = (error: Error | null, body?: unknown) => {
      if (settled) return;
      settled = true;
      done(error, body);
    };
    let busboy: InstanceType<typeof Busboy>;
    try {
      busboy = new Busboy({ headers: request.headers as BusboyHeaders, limits: { files: 1, fields: 20, fieldSize: 1000 } });
    } catch (error) {
      settle(Object.assign(error as Error, { statusCode: 400 }));
      return;
    }
    busboy.on('field', (name, value) => {
      fields[name] = value;
    });
    busboy.on('file', (_name, stream, filename) => {
      if (settled) {
        stream.resume();
        return;
      }
      settle(null, { ...fields, fichier: { name: filename, stream } satisfies UploadedFile });
    });
    busboy.on('finish', () => settle(null, fields));
    busboy.on('error', (error) => settle(Object.assign(error instanceof Error ? error : new Error(String(error)), { statusCode: 400 })));
    payload.pipe(busboy);
  });

  async function mainPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    const identifiant = queryText(request, 'identifiant', 100);
    const [imports, prestation] = await Promise.all([
      api.call<{ imports: ImportJson[] }>('listPrestationImports', { query: { limite: 20 } }),
      identifiant
        ? api.call<PrestationJson>('getPrestation', { params: { identifiant } }).catch((error: unknown) => {
            const refusal = apiRefusal(error);
            if (!refusal) throw error;
            return refusal.message;
          })
        : Promise.resolve(undefined),
    ]);
    const resiliee = queryText(request, 'resiliee', 20);
    return sendConsolePage(request, reply, 'prestations', {
      title: 'Prestations',
      current: '/console/prestations',
      user: supportSessionOf(request).user,
      importId: randomUUID(),
      imports: imports.imports,
      identifiant,
      prestation: typeof prestation === 'object' ? prestation : null,
      lookupError: typeof prestation === 'string' ? prestation : null,
      notice: extra.notice ?? (resiliee && DAY.test(resiliee) && identifiant ? `Prestation ${identifiant} résiliée au ${resiliee}.` : null),
      formats: [
        { value: '', label: 'D’après l’extension du fichier' },
        { value: 'csv', label: 'CSV (séparateur ; ou ,)' },
        { value: 'json', label: 'JSON (tableau d’objets)' },
        { value: 'ndjson', label: 'NDJSON (un objet par ligne)' },
      ],
      stateLabel,
      number,
      when,
      ...extra,
    });
  }

  app.get('/console/prestations', async (request, reply) => mainPage(request, reply));

  app.post('/console/prestations/imports', async (request, reply) => {
    const file = uploadedFile(request);
    const values = { format: formText(request, 'format', 10), maxRejets: formText(request, 'maxRejets', 12), simulation: formText(request, 'simulation', 5) };
    const id = formText(request, 'id', 36).toLowerCase();
    const errors: FieldErrors = {};
    if (!file || file.name === '') errors.fichier = 'Choisissez le fichier à importer.';
    if (values.format !== '' && !(values.format in CONTENT_TYPES)) errors.format = 'Format inconnu : CSV, JSON ou NDJSON.';
    if (values.maxRejets !== '' && !/^[0-9]{1,9}$/.test(values.maxRejets)) errors.maxRejets = 'Un nombre entier de lignes (0 ou plus) est attendu.';
    if (!UUID.test(id)) errors._general = 'Formulaire incomplet : rechargez la page et recommencez.';
    const refuse = async (found: FieldErrors, status = 400) => {
      if (file) await dropRest(file.stream);
      if (request.headers['hx-request'] === 'true') {
        // htmx: the whole page again (its form with the messages), as a normal navigation would.
        reply.header('HX-Retarget', 'body').header('HX-Reswap', 'innerHTML');
        return mainPage(request, reply, { errors: found, values, status: 200 });
      }
      return mainPage(request, reply, { errors: found, values, status });
    };
    if (Object.keys(errors).length > 0 || !file) return refuse(errors);
    const format = formatOf(values.format, file.name);
    const upload = detachedUpload(file.stream);
    let result: ImportJson;
    try {
      result = await api.call<ImportJson>('importPrestations', {
        query: { agent: agentOf(request), id, simulation: values.simulation !== '' ? true : undefined, maxRejets: values.maxRejets !== '' ? Number(values.maxRejets) : undefined },
        body: upload.body,
        contentType: CONTENT_TYPES[format],
      });
    } catch (error) {
      await upload.drain();
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return refuse({ _general: refusal.message.replace(/^requête invalide : /, '') }, refusal.status === 409 ? 409 : 400);
    }
    await upload.drain();
    const report = `/console/prestations/imports/${segment(result.id)}`;
    if (request.headers['hx-request'] === 'true') return reply.header('HX-Redirect', report).code(204).send();
    return reply.redirect(report, 303);
  });

  // The progress panel's content (htmx fragment): polls itself every second until the import ends.
  app.get('/console/prestations/progression', async (request, reply) => {
    const id = queryText(request, 'id', 36).toLowerCase();
    const tries = Math.min(Number(queryText(request, 'essai', 4)) || 0, 1000);
    let found: ImportJson | null = null;
    if (UUID.test(id)) {
      try {
        found = await api.call<ImportJson>('getPrestationImport', { params: { id } });
      } catch (error) {
        if (apiRefusal(error)?.status !== 404) throw error;
      }
    }
    const html = await reply.viewAsync('console/partials/progression-import', { id, found, next: tries + 1, givenUp: !found && tries >= 120, stateLabel, number });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  app.get<{ Params: { id: string } }>('/console/prestations/imports/:id', async (request, reply) => {
    const id = request.params.id.toLowerCase();
    const after = Number(queryText(request, 'apres', 12) || '0');
    try {
      if (!UUID.test(id)) throw Object.assign(new Error(`import ${request.params.id} inconnu`), { status: 404 });
      const [found, page] = await Promise.all([
        api.call<ImportJson>('getPrestationImport', { params: { id } }),
        api.call<{ rejets: RejectJson[]; suivant: number | null }>('listPrestationImportRejects', {
          params: { id },
          query: { apres: Number.isInteger(after) && after >= 0 ? after : 0, limite: REJECTS_PAGE },
        }),
      ]);
      return sendConsolePage(request, reply, 'prestations-import', {
        title: `Import de prestations ${found.id}`,
        current: '/console/prestations',
        found,
        rejects: page.rejets,
        next: page.suivant,
        after,
        stateLabel,
        number,
        when,
      });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return sendConsolePage(request, reply, 'message', { title: 'Introuvable', message: refusal.message, status: 404 });
    }
  });

  app.post('/console/prestations/resiliation', async (request, reply) => {
    const identifiant = formText(request, 'identifiant', 100);
    const date = formText(request, 'date', 10);
    const errors: FieldErrors = {};
    if (!DAY.test(date)) errors.date = 'Date attendue (jour de Paris, AAAA-MM-JJ).';
    if (!identifiant) errors._general = 'Identifiant de prestation manquant.';
    if (Object.keys(errors).length === 0) {
      try {
        await api.call<PrestationJson>('terminatePrestation', { params: { identifiant }, body: { agent: agentOf(request), date } });
        return reply.redirect(`/console/prestations?identifiant=${encodeURIComponent(identifiant)}&resiliee=${date}#prestation`, 303);
      } catch (error) {
        const refusal = apiRefusal(error);
        if (!refusal) throw error;
        errors[/date/.test(refusal.message) ? 'date' : '_resiliation'] = refusal.message.replace(/^requête invalide : /, '');
      }
    }
    (request.query as Record<string, string>).identifiant = identifiant;
    return mainPage(request, reply, { errors, values: { date }, status: 400 });
  });
};
