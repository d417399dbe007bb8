// The admin API routes of the push notifications (issue 15, decision 0023): an operator's callback
// subscription (register or change, pause, resume), the subscriptions, the events pushed with their
// delivery state (last error, next try, attempts) and the replay of failed ones. Registered by
// buildAdminApp (src/adapters/admin-api/app.ts); every change names the staff member (`agent`) and
// is written to the audit log.
import type { FastifyPluginAsync } from 'fastify';
import type { PushEvent, PushSubscription } from '../../application/push-ports.js';
import type { PushAdminService } from '../../application/push.js';
import { PUSH_EVENT_STATUSES, type PushEventStatus } from '../../domain/push.js';
import { arrayOf, bool, instantOut, int, nullableInstantOut, nullableStr, object, operation, str } from './schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function subscriptionView(s: PushSubscription) {
  return {
    codeOperateur: s.operatorCode,
    url: s.url,
    autoriteDediee: s.caPem !== null,
    etat: s.paused ? ('SUSPENDU' as const) : ('ACTIF' as const),
    suspenduPar: s.pausedBy,
    creeLe: s.createdAt.toISOString(),
    modifieLe: s.updatedAt.toISOString(),
  };
}

function eventView(e: PushEvent) {
  return {
    idEvenement: e.id,
    referenceSignalisation: e.reference,
    numeroSequence: e.seq,
    typeEvenement: e.kind,
    etat: e.etat,
    horodatage: e.occurredAt.toISOString(),
    statut: e.status,
    tentatives: e.attempts,
    derniereTentative: iso(e.lastAttemptAt),
    derniereErreur: e.lastError,
    prochaineTentative: e.status === 'PENDING' ? e.nextAttemptAt.toISOString() : null,
    livreLe: iso(e.deliveredAt),
  };
}

export type PushSubscriptionJson = ReturnType<typeof subscriptionView>;
export type PushEventJson = ReturnType<typeof eventView>;

const subscriptionSchema = object({
  codeOperateur: str,
  url: str,
  autoriteDediee: { ...bool, description: 'une autorité propre à l’abonnement vérifie le serveur de rappel (sinon le magasin configuré)' },
  etat: { type: 'string', enum: ['ACTIF', 'SUSPENDU'] },
  suspenduPar: nullableStr,
  creeLe: instantOut,
  modifieLe: instantOut,
});

const eventSchema = object({
  idEvenement: str,
  referenceSignalisation: str,
  numeroSequence: int,
  typeEvenement: str,
  etat: str,
  horodatage: instantOut,
  statut: { type: 'string', enum: [...PUSH_EVENT_STATUSES] },
  tentatives: int,
  derniereTentative: nullableInstantOut,
  derniereErreur: nullableStr,
  prochaineTentative: nullableInstantOut,
  livreLe: nullableInstantOut,
});

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const codeParams = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', pattern: '^[A-Z0-9]{4}$' } },
} as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;
const TAGS = ['notifications'];

export const pushRoutes: FastifyPluginAsync<{ service: PushAdminService }> = async (app, { service }) => {
  app.get(
    '/admin/notifications/abonnements',
    {
      schema: operation({
        operationId: 'listPushSubscriptions',
        summary: 'Les abonnements des opérateurs aux notifications poussées (URL de rappel, état)',
        tags: TAGS,
        response: { 200: object({ abonnements: arrayOf(subscriptionSchema) }) },
      }),
    },
    async () => ({ abonnements: (await service.list()).map(subscriptionView) }),
  );

  app.put<{ Params: { code: string }; Body: { agent: string; url: string; autorite?: string | null } }>(
    '/admin/operateurs/:code/notifications',
    {
      schema: operation({
        operationId: 'putPushSubscription',
        summary: 'Enregistre ou change l’URL de rappel (https) d’un opérateur et l’autorité (PEM) qui vérifie son serveur',
        description:
          'Sans `autorite`, le certificat du serveur de rappel est vérifié par le magasin configuré (ESAV_PUSH_CA_FILE, sinon celui du système). ' +
          'Un abonnement suspendu le reste.',
        tags: TAGS,
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agent', 'url'],
          properties: {
            agent,
            url: { type: 'string', minLength: 9, maxLength: 2000, pattern: '^https://' },
            autorite: { type: ['string', 'null'], maxLength: 65536, description: 'certificat(s) PEM de l’autorité du serveur de rappel' },
          },
        },
        response: { 200: subscriptionSchema },
      }),
    },
    async (request) =>
      subscriptionView(await service.register(request.body.agent, request.params.code, { url: request.body.url, caPem: request.body.autorite ?? null })),
  );

  app.post<{ Params: { code: string }; Body: { agent: string } }>(
    '/admin/operateurs/:code/notifications/suspension',
    {
      schema: operation({
        operationId: 'pausePushSubscription',
        summary: 'Suspend les notifications d’un opérateur : les évènements s’accumulent, livrés dans l’ordre à la reprise',
        tags: TAGS,
        params: codeParams,
        body: agentBody,
        response: { 200: subscriptionSchema },
      }),
    },
    async (request) => subscriptionView(await service.setPaused(request.body.agent, request.params.code, true)),
  );

  app.post<{ Params: { code: string }; Body: { agent: string } }>(
    '/admin/operateurs/:code/notifications/reprise',
    {
      schema: operation({
        operationId: 'resumePushSubscription',
        summary: 'Reprend les notifications d’un opérateur : les évènements en attente partent aussitôt, dans l’ordre',
        tags: TAGS,
        params: codeParams,
        body: agentBody,
        response: { 200: subscriptionSchema },
      }),
    },
    async (request) => subscriptionView(await service.setPaused(request.body.agent, request.params.code, false)),
  );

  app.get<{ Params: { code: string }; Querystring: { statut?: PushEventStatus; reference?: string; limite?: number } }>(
    '/admin/operateurs/:code/notifications/evenements',
    {
      schema: operation({
        operationId: 'listPushEvents',
        summary: 'Les évènements poussés à un opérateur, les plus récents d’abord : état de livraison, tentatives, dernière erreur, prochain essai',
        tags: TAGS,
        params: codeParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            statut: { type: 'string', enum: [...PUSH_EVENT_STATUSES] },
            reference: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]{0,31}$' },
            limite: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
        response: { 200: object({ abonnement: subscriptionSchema, evenements: arrayOf(eventSchema) }) },
      }),
    },
    async (request) => {
      const { code } = request.params;
      const { statut, reference, limite } = request.query;
      const events = await service.events(code, {
        ...(statut ? { status: statut } : {}),
        ...(reference ? { reference } : {}),
        ...(limite ? { limit: limite } : {}),
      });
      return { abonnement: subscriptionView(await service.show(code)), evenements: events.map(eventView) };
    },
  );

  app.post<{ Params: { code: string }; Body: { agent: string; idEvenement?: string } }>(
    '/admin/operateurs/:code/notifications/rejeu',
    {
      schema: operation({
        operationId: 'replayPushEvents',
        summary: 'Rejoue les évènements en échec d’un opérateur (tous, ou celui nommé) : nouvelle fenêtre de 24 h, dans l’ordre',
        tags: TAGS,
        params: codeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agent'],
          properties: { agent, idEvenement: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
        },
        response: { 200: object({ rejoues: int }) },
      }),
    },
    async (request) => ({ rejoues: await service.replay(request.body.agent, request.params.code, request.body.idEvenement) }),
  );
};
