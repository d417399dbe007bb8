// The admin API routes of the operator's life cycle (issue 14): suspend (with a reason),
// reactivate, record the termination (dated, two months' notice). Registered by buildAdminApp
// (src/adapters/admin-api/app.ts); refusals are UseCaseError (invalid 400 naming the field,
// not-found 404, refused 409 — the notice rule named). Every change names the support staff member
// (`agent`), written to the audit log. The operator's state is in every operator view
// (operatorView: etat, suspension, resiliation).
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import type { LifecycleOutcome, OperatorLifecycleService } from '../../application/operator-lifecycle.js';
import { OPERATOR_STATES } from '../../domain/operator-lifecycle.js';
import { operatorView } from './operators-routes.js';

function outcomeView(o: LifecycleOutcome) {
  return { operateur: operatorView(o.operator, o.state), connexionsFermees: o.connectionsClosed, sessionsFermees: o.sessionsClosed };
}
export type LifecycleJson = ReturnType<typeof outcomeView>;

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const motif = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } as const;
const day = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const codeParams = { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'string', pattern: '^[A-Z0-9]{4}$' } } } as const;
const nullableString = { type: ['string', 'null'] } as const;

/** The operator view's JSON schema (operatorView in operators-routes.ts). */
export const operatorJsonSchema = {
  type: 'object',
  required: ['code', 'siret', 'raisonSociale', 'plateforme', 'etat', 'suspension', 'resiliation'],
  properties: {
    code: { type: 'string' },
    siret: { type: 'string' },
    raisonSociale: { type: 'string' },
    plateforme: { type: 'string', enum: ['integration', 'production'] },
    creeLe: nullableString,
    creePar: nullableString,
    bonDeCommande: { type: ['object', 'null'], additionalProperties: true },
    promuLe: nullableString,
    promuPar: nullableString,
    domainesProduction: { type: 'array', items: { type: 'string' } },
    certificatsActifs: { type: 'integer' },
    etat: { type: 'string', enum: [...OPERATOR_STATES], description: 'ACTIF, SUSPENDU (jusqu’à réactivation) ou RESILIE (à partir du jour de résiliation, définitif)' },
    suspension: {
      type: ['object', 'null'],
      required: ['le', 'par', 'motif'],
      properties: { le: nullableString, par: nullableString, motif: nullableString },
    },
    resiliation: {
      type: ['object', 'null'],
      required: ['date', 'effectiveLe', 'notifieeLe', 'enregistreePar', 'motif'],
      properties: { date: { type: 'string' }, effectiveLe: nullableString, notifieeLe: nullableString, enregistreePar: nullableString, motif: nullableString },
    },
  },
} as const;

const outcomeSchema = {
  type: 'object',
  required: ['operateur', 'connexionsFermees', 'sessionsFermees'],
  properties: {
    operateur: operatorJsonSchema,
    connexionsFermees: { type: 'integer', description: 'connexions mTLS de l’opérateur fermées par ce processus' },
    sessionsFermees: { type: 'integer', description: 'sessions du portail de ses utilisateurs révoquées' },
  },
} as const;

/** A route schema with its OpenAPI description fields (an OpenAPI document is generated from them). */
const documented = <S extends FastifySchema>(schema: S & { operationId: string; summary: string; tags: readonly string[] }): FastifySchema => schema;

const TAGS = ['operateurs'];

export const operatorLifecycleRoutes: FastifyPluginAsync<{ service: OperatorLifecycleService }> = async (app, { service }) => {
  app.post<{ Params: { code: string }; Body: { agent: string; motif: string } }>(
    '/admin/operateurs/:code/suspension',
    {
      schema: documented({
        operationId: 'suspendOperator',
        summary: 'Suspend l’opérateur : ses certificats et ses utilisateurs du portail cessent de fonctionner aussitôt',
        tags: TAGS,
        params: codeParams,
        body: { type: 'object', additionalProperties: false, required: ['agent', 'motif'], properties: { agent, motif } },
        response: { 200: outcomeSchema },
      }),
    },
    async (request) => outcomeView(await service.suspend(request.params.code, request.body.motif, request.body.agent)),
  );

  app.post<{ Params: { code: string }; Body: { agent: string; motif?: string } }>(
    '/admin/operateurs/:code/reactivation',
    {
      schema: documented({
        operationId: 'reactivateOperator',
        summary: 'Réactive un opérateur suspendu (jamais un opérateur résilié)',
        tags: TAGS,
        params: codeParams,
        body: { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent, motif } },
        response: { 200: outcomeSchema },
      }),
    },
    async (request) => outcomeView(await service.reactivate(request.params.code, request.body.agent, request.body.motif)),
  );

  app.post<{ Params: { code: string }; Body: { agent: string; date: string; notifieeLe?: string; motif?: string } }>(
    '/admin/operateurs/:code/resiliation',
    {
      schema: documented({
        operationId: 'terminateOperator',
        summary: 'Enregistre la résiliation à une date : au plus tôt deux mois après sa notification (préavis du contrat)',
        tags: TAGS,
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agent', 'date'],
          properties: { agent, date: { ...day, description: 'jour de résiliation (AAAA-MM-JJ, Paris), effective à 00:00' }, notifieeLe: { ...day, description: 'jour de la notification (défaut : aujourd’hui)' }, motif },
        },
        response: { 200: outcomeSchema },
      }),
    },
    async (request) => {
      const { agent: who, date, notifieeLe, motif: reason } = request.body;
      return outcomeView(await service.terminate(request.params.code, date, who, { ...(notifieeLe ? { notifiedOn: notifieeLe } : {}), ...(reason ? { reason } : {}) }));
    },
  );
};
