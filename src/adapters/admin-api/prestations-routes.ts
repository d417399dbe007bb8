// The admin API routes of the prestations (issue 14, decision 0017): bulk import from the
// provider's inventory (CSV, JSON array, NDJSON) with its progress and per-line report, a
// prestation's view and its termination. Registered by buildAdminApp (src/adapters/admin-api/app.ts).
//
// The import route takes the file as a streamed body: its own content-type parsers (text/csv,
// application/json, application/x-ndjson) in an encapsulated scope leave the body unread, the
// route reads it as it arrives (own size limit, not the API's 64 KiB JSON limit). It answers at
// the end with the import's summary; meanwhile GET /admin/prestations/imports/:id shows the
// progress (from any process: it is on the import's row in PostgreSQL).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ImportFormat, RefusedLine } from '../../domain/prestation-import.js';
import type { ImportRecord, StoredPrestation } from '../../application/prestation-import-ports.js';
import type { PrestationImportService } from '../../application/prestation-imports.js';
import { dropRest } from '../streams.js';
import { importSource } from './prestation-import-formats.js';
import { operation } from './schemas.js';

export interface PrestationRoutesOptions {
  service: PrestationImportService;
  /** Whether a prestation takes deposits today (the injected clock's Paris day). */
  inService(p: StoredPrestation): boolean;
  /** The largest import file accepted, in bytes. */
  maxImportBytes: number;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function importView(r: ImportRecord) {
  return {
    id: r.id,
    etat: r.state,
    simulation: r.simulation,
    format: r.format,
    agent: r.agent,
    seuilRejets: r.maxRefused,
    debut: iso(r.startedAt),
    miseAJour: iso(r.updatedAt),
    fin: iso(r.endedAt),
    octetsLus: r.counts.bytesRead,
    lignesLues: r.counts.linesRead,
    lignesAcceptees: r.counts.accepted,
    lignesRefusees: r.counts.refused,
    creees: r.counts.created,
    modifiees: r.counts.updated,
    inchangees: r.counts.unchanged,
    motif: r.reason,
  };
}

export const rejectView = (l: RefusedLine) => ({ ligne: l.line, identifiant: l.identifiant, champ: l.field, motif: l.reason });

export function prestationView(p: StoredPrestation, inService: boolean) {
  return {
    identifiant: p.identifiant,
    operateur: p.operatorCode,
    offre: p.offerCode,
    codeInsee: p.codeInsee,
    garantie: p.gtrCode,
    extremites: p.extremites,
    informations: p.informations,
    dateActivation: p.dateActivation ?? null,
    dateResiliation: p.dateResiliation ?? null,
    enService: inService,
    signalisations: p.signalisations,
  };
}

export type ImportJson = ReturnType<typeof importView>;
export type RejectJson = ReturnType<typeof rejectView>;
export type PrestationJson = ReturnType<typeof prestationView>;

// ---------------------------------------------------------------- schemas

const TAGS = ['prestations'];
const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const day = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const errorResponse = { type: 'object', properties: { erreur: { type: 'string' } } } as const;

const importSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    etat: { type: 'string', enum: ['RUNNING', 'DONE', 'DRY_RUN', 'REFUSED', 'FAILED'] },
    simulation: { type: 'boolean' },
    format: { type: 'string', enum: ['csv', 'json', 'ndjson'] },
    agent: { type: 'string' },
    seuilRejets: { type: ['integer', 'null'] },
    debut: { type: 'string' },
    miseAJour: { type: 'string' },
    fin: nullableString,
    octetsLus: { type: 'integer' },
    lignesLues: { type: 'integer' },
    lignesAcceptees: { type: 'integer' },
    lignesRefusees: { type: 'integer' },
    creees: { type: 'integer' },
    modifiees: { type: 'integer' },
    inchangees: { type: 'integer' },
    motif: nullableString,
  },
} as const;

const rejectSchema = {
  type: 'object',
  properties: { ligne: { type: 'integer' }, identifiant: nullableString, champ: nullableString, motif: { type: 'string' } },
} as const;

const prestationSchema = {
  type: 'object',
  properties: {
    identifiant: { type: 'string' },
    operateur: { type: 'string' },
    offre: { type: 'string' },
    codeInsee: nullableString,
    garantie: { type: 'string' },
    extremites: { type: 'array', items: { type: 'object', additionalProperties: true } },
    informations: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, valeur: { type: 'string' } } } },
    dateActivation: nullableString,
    dateResiliation: nullableString,
    enService: { type: 'boolean' },
    signalisations: { type: 'integer' },
  },
} as const;

const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: uuid } } as const;
const identifiantParams = {
  type: 'object',
  additionalProperties: false,
  required: ['identifiant'],
  properties: { identifiant: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$' } },
} as const;

const importQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['agent'],
  properties: {
    agent,
    simulation: { type: 'boolean', default: false },
    id: uuid,
    maxRejets: { type: 'integer', minimum: 0, maximum: 100_000_000 },
  },
} as const;

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/json': 'json', 'application/x-ndjson': 'ndjson' };

interface ImportQuery {
  agent: string;
  simulation: boolean;
  id?: string;
  maxRejets?: number;
}

// ---------------------------------------------------------------- routes


/** The import route alone: its scope has only the streaming parsers. */
const importRoute: FastifyPluginAsync<PrestationRoutesOptions> = async (app, { service, maxImportBytes }) => {
  app.removeAllContentTypeParsers();
  // The body is left unread here: the route reads request.raw as a stream.
  app.addContentTypeParser(Object.keys(FORMATS), (_request, _payload, done) => done(null, undefined));

  app.post<{ Querystring: ImportQuery }>(
    '/admin/prestations/imports',
    {
      schema: operation({
        summary: 'Importe des prestations (CSV, tableau JSON ou NDJSON en flux) ; simulation possible',
        description:
          'Corps : le fichier (text/csv, application/json ou application/x-ndjson). Répond à la fin avec le bilan ; ' +
          'GET /admin/prestations/imports/{id} suit l’avancement pendant l’envoi (id choisi par le client ou rendu ici).',
        tags: TAGS,
        operationId: 'importPrestations',
        querystring: importQuery,
        response: { 200: importSchema, 400: errorResponse, 409: errorResponse },
      }),
    },
    async (request, reply) => {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = FORMATS[contentType]!;
      const { agent: who, simulation, maxRejets } = request.query;
      const importRequest = {
        id: (request.query.id ?? randomUUID()).toLowerCase(),
        agent: who,
        format,
        simulation,
        ...(maxRejets !== undefined ? { maxRefused: maxRejets } : {}),
      };
      try {
        await service.begin(importRequest);
      } catch (error) {
        await dropRest(request.raw);
        throw error;
      }
      const record = await service.run(importRequest, importSource(request.raw, format, maxImportBytes));
      // A file refused before its end: the rest of the body is read and dropped before the answer,
      // so that a client still sending it is not answered mid-upload (its connection stays usable).
      await dropRest(request.raw);
      return reply.header('location', `/admin/prestations/imports/${record.id}`).send(importView(record));
    },
  );
};

export const prestationRoutes: FastifyPluginAsync<PrestationRoutesOptions> = async (app, options) => {
  const { service, inService } = options;
  await app.register(importRoute, options);

  app.get<{ Querystring: { limite: number } }>(
    '/admin/prestations/imports',
    {
      schema: operation({
        summary: 'Les imports de prestations récents, les plus récents d’abord',
        tags: TAGS,
        operationId: 'listPrestationImports',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limite: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
        },
        response: { 200: { type: 'object', properties: { imports: { type: 'array', items: importSchema } } } },
      }),
    },
    async (request) => ({ imports: (await service.list(request.query.limite)).map(importView) }),
  );

  app.get<{ Params: { id: string } }>(
    '/admin/prestations/imports/:id',
    {
      schema: operation({
        summary: 'Un import de prestations : état, avancement, bilan',
        tags: TAGS,
        operationId: 'getPrestationImport',
        params: idParams,
        response: { 200: importSchema, 404: errorResponse },
      }),
    },
    async (request) => importView(await service.find(request.params.id.toLowerCase())),
  );

  app.get<{ Params: { id: string }; Querystring: { apres: number; limite: number } }>(
    '/admin/prestations/imports/:id/rejets',
    {
      schema: operation({
        summary: 'Les lignes refusées d’un import, par numéro de ligne (paginées)',
        tags: TAGS,
        operationId: 'listPrestationImportRejects',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            apres: { type: 'integer', minimum: 0, default: 0 },
            limite: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { rejets: { type: 'array', items: rejectSchema }, suivant: { type: ['integer', 'null'] } },
          },
          404: errorResponse,
        },
      }),
    },
    async (request) => {
      const { apres, limite } = request.query;
      const lines = await service.refusedLines(request.params.id.toLowerCase(), apres, limite);
      // `suivant`: the `apres` of the next page; null on the last one.
      return { rejets: lines.map(rejectView), suivant: lines.length === limite ? lines[lines.length - 1]!.line : null };
    },
  );

  app.get<{ Params: { identifiant: string } }>(
    '/admin/prestations/:identifiant',
    {
      schema: operation({
        summary: 'Une prestation : offre, commune, garantie, dates, en service, nombre de signalisations',
        tags: TAGS,
        operationId: 'getPrestation',
        params: identifiantParams,
        response: { 200: prestationSchema, 404: errorResponse },
      }),
    },
    async (request) => {
      const p = await service.prestation(request.params.identifiant);
      return prestationView(p, inService(p));
    },
  );

  app.post<{ Params: { identifiant: string }; Body: { agent: string; date: string } }>(
    '/admin/prestations/:identifiant/resiliation',
    {
      schema: operation({
        summary: 'Résilie une prestation à une date (plus de dépôt à partir de ce jour) ; ses signalisations restent',
        tags: TAGS,
        operationId: 'terminatePrestation',
        params: identifiantParams,
        body: { type: 'object', additionalProperties: false, required: ['agent', 'date'], properties: { agent, date: day } },
        response: { 200: prestationSchema, 400: errorResponse, 404: errorResponse, 409: errorResponse },
      }),
    },
    async (request) => {
      const p = await service.terminate(request.params.identifiant, request.body.date, request.body.agent);
      return prestationView(p, inService(p));
    },
  );
};
