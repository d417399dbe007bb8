// The admin API routes of conformance runs (support staff): an operator's recorded runs and the
// domains they validate (what promotion to production checks), one run with the gateway's
// evidence, and its kept reports. Registered by buildAdminApp (src/adapters/admin-api/app.ts);
// the runs themselves are recorded by the kit's campaigns (src/adapters/operators-front/conformance-routes.ts).
import type { FastifyPluginAsync } from 'fastify';
import { UseCaseError } from '../../application/errors.js';
import type { CampaignEvidence, ConformanceRunService } from '../../application/conformance-runs.js';
import type { RecordedRun } from '../../application/conformance-ports.js';
import { anyJson, arrayOf, bool, instantOut, int, object, operation, str, stringList } from './schemas.js';

const runSchema = object(
  {
    idExecution: int,
    operateur: str,
    plateforme: str,
    debut: instantOut,
    fin: instantOut,
    enregistreeLe: instantOut,
    domaines: stringList,
    domainesValides: stringList,
    reussie: bool,
    empreinteCertificat: str,
    rapports: object({ junit: bool, html: bool }),
  },
  'Une exécution du kit de conformité enregistrée',
);
const runDetailSchema = {
  ...runSchema,
  properties: { ...runSchema.properties, idCampagne: { type: ['integer', 'null'] }, preuves: { ...anyJson, description: 'Ce que la passerelle a servi pendant la campagne (null : aucune campagne)' } },
} as const;
const tags = ['conformité'];

const iso = (date: Date): string => date.toISOString();

export function conformanceRunView(r: RecordedRun) {
  return {
    idExecution: r.id,
    operateur: r.operatorCode,
    plateforme: r.platform,
    debut: iso(r.startedAt),
    fin: iso(r.finishedAt),
    enregistreeLe: iso(r.recordedAt),
    domaines: r.domains,
    domainesValides: r.passedDomains,
    reussie: r.passed,
    empreinteCertificat: r.certificateFingerprint,
    rapports: { junit: r.reportJunit !== null, html: r.reportHtml !== null },
  };
}

export type ConformanceRunJson = ReturnType<typeof conformanceRunView>;
export interface ConformanceRunDetailJson extends ConformanceRunJson {
  idCampagne: number | null;
  preuves: CampaignEvidence | null;
}
export interface OperatorConformanceJson {
  operateur: string;
  domainesValides: string[];
  executions: ConformanceRunJson[];
}

const operatorParams = {
  type: 'object',
  additionalProperties: false,
  required: ['operateur'],
  properties: { operateur: { type: 'string', pattern: '^[A-Z0-9]{4}$' } },
} as const;

const runParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

const limitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limite: { type: 'integer', minimum: 1, maximum: 500, default: 20 } },
} as const;

const reportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['html', 'junit'], default: 'html' } },
} as const;

/** The conformance runs routes, a plugin of the admin app (buildAdminApp). */
export const conformanceAdminRoutes: FastifyPluginAsync<{ service: ConformanceRunService }> = async (app, { service }) => {
  app.get<{ Params: { operateur: string }; Querystring: { limite: number } }>(
    '/admin/conformite/operateurs/:operateur',
    {
      schema: operation({
        operationId: 'getOperatorConformance',
        summary: 'Les exécutions de conformité d’un opérateur et les domaines qu’elles valident (ce que la promotion vérifie)',
        tags,
        params: operatorParams,
        querystring: limitQuery,
        response: { 200: object({ operateur: str, domainesValides: stringList, executions: arrayOf(runSchema) }) },
      }),
    },
    async (request): Promise<OperatorConformanceJson> => {
      const { operateur } = request.params;
      const [runs, passed] = await Promise.all([service.list(operateur, request.query.limite), service.passedDomains(operateur)]);
      return { operateur, domainesValides: [...passed].sort(), executions: runs.map(conformanceRunView) };
    },
  );

  const runOr404 = async (id: number) => {
    const found = await service.run(id);
    if (!found) throw new UseCaseError('not-found', `exécution de conformité ${id} inconnue`);
    return found;
  };

  app.get<{ Params: { id: number } }>(
    '/admin/conformite/executions/:id',
    {
      schema: operation({
        operationId: 'getConformanceRun',
        summary: 'Une exécution de conformité et les preuves de la passerelle',
        tags,
        params: runParams,
        response: { 200: runDetailSchema },
      }),
    },
    async (request): Promise<ConformanceRunDetailJson> => {
      const { run, evidence, idCampagne } = await runOr404(request.params.id);
      return { ...conformanceRunView(run), idCampagne, preuves: evidence };
    },
  );

  app.get<{ Params: { id: number }; Querystring: { format: 'html' | 'junit' } }>(
    '/admin/conformite/executions/:id/rapport',
    {
      schema: operation({
        operationId: 'getConformanceReport',
        summary: 'Le rapport conservé d’une exécution (HTML ou JUnit)',
        tags,
        params: runParams,
        querystring: reportQuery,
        response: { 200: object({ idExecution: int, format: { type: 'string', enum: ['html', 'junit'] }, contenu: str }) },
      }),
    },
    async (request) => {
      const { run } = await runOr404(request.params.id);
      const contenu = request.query.format === 'junit' ? run.reportJunit : run.reportHtml;
      if (contenu === null) throw new UseCaseError('not-found', `exécution ${run.id} : pas de rapport ${request.query.format} conservé`);
      return { idExecution: run.id, format: request.query.format, contenu };
    },
  );
};
