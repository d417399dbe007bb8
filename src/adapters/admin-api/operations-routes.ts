// The admin API routes of the running rules (issue 8): maintenance windows, rate limits,
// volumetry, plus health and Prometheus metrics. Registered by buildAdminApp
// (src/adapters/admin-api/app.ts) in one line; refusals are UseCaseError (by kind, mapped to 400/404/409 in app.ts).
import type { FastifyPluginAsync } from 'fastify';
import { UseCaseError } from '../../application/errors.js';
import type { RateLimit } from '../../domain/rate-limit.js';
import type { MaintenanceService } from '../../application/maintenance.js';
import type { RateLimiter } from '../../application/rate-limits.js';
import { VOLUMETRY_KINDS, type VolumetryKind } from '../../domain/volumetry.js';
import { VOLUMETRY_MINUTE_ROWS_MAX, type VolumetryDetail, type VolumetryRow } from '../../application/volumetry.js';
import type { AnnouncedWindow } from '../../application/operations-ports.js';
import { healthRoutes, type HealthDeps } from './health.js';
import { arrayOf, bool, errorResponse, instantOut, int, nullableInstantOut, nullableStr, object, operation, referenceParams, str } from './schemas.js';

export interface OperationsAdmin {
  health: HealthDeps;
  maintenance: MaintenanceService;
  rateLimits: RateLimiter;
  /** The Prometheus exposition of this process, or of every process of the cluster (rejects: 503). */
  metrics: { text(): Promise<{ contentType: string; body: string }> };
  volumetry: {
    /** Writes this process's counts not yet written (so the report includes them). */
    flush(): Promise<void>;
    report(from: Date, to: Date, options: { operatorCode?: string; detail: VolumetryDetail }): Promise<VolumetryRow[]>;
  };
}

export interface VolumetryLine {
  operateur: string;
  minute?: string;
  compteurs: Record<VolumetryKind, number>;
  total: number;
}

export interface VolumetryReportJson {
  debut: string;
  fin: string;
  detail: VolumetryDetail;
  lignes: VolumetryLine[];
  totaux: Record<VolumetryKind, number>;
  total: number;
}

const zeroCounts = (): Record<VolumetryKind, number> => Object.fromEntries(VOLUMETRY_KINDS.map((k) => [k, 0])) as Record<VolumetryKind, number>;

/** Rows (operator, minute?, kind, n) pivoted to one line per operator (and minute), the five kinds as columns. */
export function volumetryReportView(from: Date, to: Date, detail: VolumetryDetail, rows: readonly VolumetryRow[]): VolumetryReportJson {
  const lines = new Map<string, VolumetryLine>();
  const totaux = zeroCounts();
  for (const r of rows) {
    const minute = r.minute?.toISOString();
    const key = `${r.operatorCode}|${minute ?? ''}`;
    let line = lines.get(key);
    if (!line) {
      line = { operateur: r.operatorCode, ...(minute ? { minute } : {}), compteurs: zeroCounts(), total: 0 };
      lines.set(key, line);
    }
    line.compteurs[r.kind] += r.requests;
    line.total += r.requests;
    totaux[r.kind] += r.requests;
  }
  return {
    debut: from.toISOString(),
    fin: to.toISOString(),
    detail,
    lignes: [...lines.values()],
    totaux,
    total: Object.values(totaux).reduce((a, b) => a + b, 0),
  };
}

/** Paths served without the bearer token (probes and the Prometheus scraper). */
export const PUBLIC_ADMIN_PATHS: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function maintenanceWindowView(w: AnnouncedWindow) {
  return { reference: w.reference, debut: iso(w.start), fin: iso(w.end), motif: w.motif, dateAnnonce: iso(w.createdAt), dateAnnulation: iso(w.cancelledAt) };
}
export type MaintenanceWindowJson = ReturnType<typeof maintenanceWindowView>;

/** An ISO-8601 instant with its offset (or Z); 400 otherwise. */
export function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(date.getTime())) {
    throw new UseCaseError('invalid', `requête invalide : ${field} : date ISO-8601 avec fuseau attendue (ex. 2026-03-02T22:00:00+01:00)`);
  }
  return date;
}

export function rateLimitView(l: RateLimit & { enVigueur?: boolean }) {
  return {
    operateur: l.operatorCode,
    requetesParMinute: l.requestsPerMinute,
    aPartirDe: iso(l.effectiveFrom),
    motif: l.motif,
    dateDefinition: iso(l.createdAt),
    ...(l.enVigueur !== undefined ? { enVigueur: l.enVigueur } : {}),
  };
}
export type RateLimitJson = ReturnType<typeof rateLimitView>;

const instant = { type: 'string', minLength: 10, maxLength: 40 } as const;
/** The staff member (audit log) — required with `force`. */
const forceAgent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
/** Forces a notice period of the contract announced too late (decision 0022): audited with the agent. */
const forceFlag = { type: 'boolean', default: false } as const;

const announceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['debut', 'fin', 'motif'],
  properties: { debut: instant, fin: instant, motif: { type: 'string', minLength: 1, maxLength: 255 }, agent: forceAgent, force: forceFlag },
} as const;

const rateLimitBody = {
  type: 'object',
  additionalProperties: false,
  required: ['operateur', 'requetesParMinute'],
  properties: {
    operateur: { type: 'string', pattern: '^[A-Z0-9]{4}$' },
    // null lifts the limit from aPartirDe on.
    requetesParMinute: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000 },
    aPartirDe: instant,
    motif: { type: 'string', minLength: 1, maxLength: 255 },
    agent: forceAgent,
    force: forceFlag,
  },
} as const;

const volumetryQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['debut', 'fin'],
  properties: {
    debut: instant,
    fin: instant,
    operateur: { type: 'string', pattern: '^[A-Z0-9]{4}$' },
    detail: {
      type: 'string',
      enum: ['total', 'minute', 'pic'],
      default: 'total',
      description: `total : par opérateur ; minute : par opérateur et minute (${VOLUMETRY_MINUTE_ROWS_MAX} lignes opérateur × minute × type au plus : au-delà, 400 demandant une période plus courte) ; pic : la minute la plus chargée de chaque opérateur`,
    },
  },
} as const;

const limitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limite: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
} as const;

// ---------------------------------------------------------------- response schemas

/** The maintenance status (also in the health answers). */
export const maintenanceStatusSchema = object(
  { enMaintenance: bool, nature: str, reference: str, motif: str, debut: instantOut, fin: instantOut, prochaine: object({ nature: str, debut: instantOut, fin: instantOut }) },
  'Le service est-il en maintenance (fenêtre nocturne ou travaux annoncés) ; la prochaine fenêtre',
);
const maintenanceWindowSchema = object(
  { reference: str, debut: instantOut, fin: instantOut, motif: str, dateAnnonce: instantOut, dateAnnulation: nullableInstantOut },
  'Une fenêtre de travaux annoncée',
);
const rateLimitSchema = object(
  { operateur: str, requetesParMinute: { type: ['integer', 'null'] }, aPartirDe: instantOut, motif: nullableStr, dateDefinition: instantOut, enVigueur: bool },
  'Une limite de débit d’un opérateur (null : pas de limite)',
);
const counts = object(Object.fromEntries(VOLUMETRY_KINDS.map((k) => [k, int])));
const volumetrySchema = object({
  debut: instantOut,
  fin: instantOut,
  detail: { type: 'string', enum: ['total', 'minute', 'pic'] },
  lignes: arrayOf(object({ operateur: str, minute: instantOut, compteurs: counts, total: int })),
  totaux: counts,
  total: int,
});

/** Health, metrics, maintenance, rate limits and volumetry routes, a plugin of the admin app (buildAdminApp). */
export const operationsRoutes: FastifyPluginAsync<{ ops: OperationsAdmin }> = async (app, { ops }) => {
  await app.register(healthRoutes, { ...ops.health, maintenance: ops.maintenance });

  // Prometheus text format (no token, like the health routes: the admin port is internal).
  app.get(
    '/metrics',
    {
      schema: operation({
        operationId: 'getMetrics',
        summary: 'Métriques Prometheus de tous les processus du nœud (format texte ; sans jeton)',
        tags: ['exploitation'],
        secured: false,
        response: {
          200: { description: 'Exposition Prometheus (text/plain)', type: 'string' },
          503: { ...errorResponse, description: 'Un processus du nœud n’a pas répondu : pas d’exposition partielle' },
        },
      }),
    },
    async (request, reply) => {
      try {
        const { contentType, body } = await ops.metrics.text();
        return reply.type(contentType).send(body);
      } catch (error) {
        // With several processes the exposition merges all of them; a partial one would read as a
        // counter reset, so a scrape that cannot have every process fails instead.
        request.log.warn({ err: error }, 'metrics unavailable');
        return reply.code(503).send({ erreur: `Métriques indisponibles : ${error instanceof Error ? error.message : String(error)}` });
      }
    },
  );

  // ------------------------------------------------------------ maintenance
  app.get(
    '/admin/maintenance',
    {
      schema: operation({
        operationId: 'getMaintenanceStatus',
        summary: 'Le service est-il en maintenance ? fenêtre nocturne configurée, prochaine fenêtre',
        tags: ['maintenance'],
        response: { 200: object({ etat: maintenanceStatusSchema, nocturne: { type: ['object', 'null'], properties: { heure: str, dureeMinutes: int } } }) },
      }),
    },
    async () => ({
      etat: ops.maintenance.status(),
      nocturne: ops.maintenance.nightly
        ? {
            heure: `${String(ops.maintenance.nightly.hour).padStart(2, '0')}:${String(ops.maintenance.nightly.minute).padStart(2, '0')}`,
            dureeMinutes: ops.maintenance.nightly.durationMinutes,
          }
        : null,
    }),
  );

  app.get<{ Querystring: { limite: number } }>(
    '/admin/maintenances',
    {
      schema: operation({
        operationId: 'listMaintenanceWindows',
        summary: 'Les fenêtres de travaux à venir ou en cours (annulées comprises)',
        tags: ['maintenance'],
        querystring: limitQuery,
        response: { 200: object({ fenetres: arrayOf(maintenanceWindowSchema) }) },
      }),
    },
    async (request) => ({
      fenetres: (await ops.maintenance.list(request.query.limite)).map(maintenanceWindowView),
    }),
  );

  app.post<{ Body: { debut: string; fin: string; motif: string; agent?: string; force?: boolean } }>(
    '/admin/maintenances',
    {
      schema: operation({
        operationId: 'announceMaintenanceWindow',
        summary:
          'Annonce une fenêtre de travaux et publie son avis aux opérateurs (refusée à moins de deux jours ouvrés, règle TRAVAUX_DEUX_JOURS_OUVRES, sauf force par un agent, audité) ; faute 402 aux opérateurs pendant la fenêtre',
        tags: ['maintenance'],
        body: announceBody,
        response: { 201: maintenanceWindowSchema },
      }),
    },
    async (request, reply) => {
      const { debut, fin, motif, agent, force } = request.body;
      const created = await ops.maintenance.announce(parseInstant(debut, 'debut'), parseInstant(fin, 'fin'), motif, { agent, force });
      return reply.code(201).send(maintenanceWindowView(created));
    },
  );

  app.post<{ Params: { reference: string }; Body: { agent?: string } | undefined }>(
    '/admin/maintenances/:reference/annulation',
    {
      schema: operation({
        operationId: 'cancelMaintenanceWindow',
        summary: 'Annule une fenêtre de travaux annoncée et publie l’avis d’annulation (audité avec l’agent nommé)',
        tags: ['maintenance'],
        params: referenceParams,
        // No body at all is accepted too (the agent is then the gateway's own name in the audit).
        body: { type: ['object', 'null'], additionalProperties: false, properties: { agent: forceAgent } },
        response: { 200: maintenanceWindowSchema },
      }),
    },
    async (request) => maintenanceWindowView(await ops.maintenance.cancel(request.params.reference, { agent: request.body?.agent })),
  );

  // ------------------------------------------------------------ rate limits
  app.get(
    '/admin/limites',
    {
      schema: operation({
        operationId: 'listRateLimits',
        summary: 'Les limites de débit par opérateur (en vigueur et à venir)',
        tags: ['limites'],
        response: { 200: object({ limites: arrayOf(rateLimitSchema) }) },
      }),
    },
    async () => ({ limites: (await ops.rateLimits.list()).map(rateLimitView) }),
  );

  app.post<{ Body: { operateur: string; requetesParMinute: number | null; aPartirDe?: string; motif?: string; agent?: string; force?: boolean } }>(
    '/admin/limites',
    {
      schema: operation({
        operationId: 'setRateLimit',
        summary:
          'Définit (ou lève, null) la limite de débit d’un opérateur à partir d’un instant et publie son avis à l’opérateur ; une limite annoncée moins d’un jour avant est refusée (règle LIMITE_LA_VEILLE) sauf force par un agent (audité)',
        tags: ['limites'],
        body: rateLimitBody,
        response: { 201: object({ limite: rateLimitSchema, avertissement: str }) },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const result = await ops.rateLimits.set(
        b.operateur,
        b.requetesParMinute,
        b.aPartirDe !== undefined ? parseInstant(b.aPartirDe, 'aPartirDe') : undefined,
        b.motif ?? null,
        { agent: b.agent, force: b.force },
      );
      return reply.code(201).send({ limite: rateLimitView(result.limit), ...(result.avertissement ? { avertissement: result.avertissement } : {}) });
    },
  );

  // ------------------------------------------------------------ volumetry
  app.get<{ Querystring: { debut: string; fin: string; operateur?: string; detail: VolumetryDetail } }>(
    '/admin/volumetrie',
    {
      schema: operation({
        operationId: 'getVolumetry',
        summary: 'Volumétrie des requêtes des opérateurs sur une période, par type (au total ou minute par minute)',
        tags: ['volumétrie'],
        querystring: volumetryQuery,
        response: { 200: volumetrySchema },
      }),
    },
    async (request) => {
      const q = request.query;
      const from = parseInstant(q.debut, 'debut');
      const to = parseInstant(q.fin, 'fin');
      if (to.getTime() <= from.getTime()) throw new UseCaseError('invalid', 'requête invalide : la fin doit être postérieure au début');
      await ops.volumetry.flush().catch(() => undefined);
      const rows = await ops.volumetry.report(from, to, { detail: q.detail, ...(q.operateur ? { operatorCode: q.operateur } : {}) });
      if (q.detail === 'minute' && rows.length > VOLUMETRY_MINUTE_ROWS_MAX) {
        // Refused rather than cut: a cut report's totals would be wrong without saying so.
        throw new UseCaseError(
          'invalid',
          `requête invalide : fin : période trop longue pour le détail par minute (plus de ${VOLUMETRY_MINUTE_ROWS_MAX} lignes opérateur × minute × type) : raccourcissez-la, filtrez par operateur, ou demandez detail=total ou detail=pic`,
        );
      }
      return volumetryReportView(from, to, q.detail, rows);
    },
  );
};

/** The maintenance status as the admin API answers it (the support CLI names this JSON shape). */
export type { MaintenanceStatus } from '../../application/maintenance.js';
