// The admin API routes of the support staff's accounts (issue 14, decision 0021): the provider's
// staff who sign in to the support console (/console on the portal's port, second factor always
// required). Create (generated password in the answer once), list, show, disable/enable, unlock,
// reset the password or the second factor. Registered by buildAdminApp; every change names the
// agent, written to the audit log. Refusals: invalid 400 naming the field, not-found 404, refused 409.
import type { FastifyPluginAsync } from 'fastify';
import type { SupportAccountService, SupportAccountState } from '../../application/support-accounts.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function supportUserView(u: SupportAccountState) {
  return {
    identifiant: u.identifier,
    nom: u.displayName,
    totpEnrole: u.totpEnrolled,
    verrouilleJusqua: iso(u.lockedUntil),
    desactiveLe: iso(u.disabledAt),
    creeLe: iso(u.createdAt),
  };
}
export type SupportUserJson = ReturnType<typeof supportUserView>;

const dateOrNull = { type: ['string', 'null'] } as const;
const supportUserSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['identifiant', 'nom', 'totpEnrole', 'verrouilleJusqua', 'desactiveLe', 'creeLe'],
  properties: {
    identifiant: { type: 'string' },
    nom: { type: 'string' },
    totpEnrole: { type: 'boolean' },
    verrouilleJusqua: dateOrNull,
    desactiveLe: dateOrNull,
    creeLe: dateOrNull,
  },
} as const;

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const identifier = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' } as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;
const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'identifiant', 'nom'],
  properties: { agent, identifiant: identifier, nom: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } },
} as const;
const identifierParams = { type: 'object', additionalProperties: false, required: ['identifiant'], properties: { identifiant: identifier } } as const;
const userAnswer = { type: 'object', additionalProperties: false, required: ['utilisateur'], properties: { utilisateur: supportUserSchema } } as const;
const userAndSessions = {
  type: 'object',
  additionalProperties: false,
  required: ['utilisateur', 'sessionsFermees'],
  properties: { utilisateur: supportUserSchema, sessionsFermees: { type: 'integer' } },
} as const;
const TAGS = ['Comptes du support'];

/**
 * A route schema with its OpenAPI words (operationId, summary, tags), passed as a value so that it
 * compiles whether or not the OpenAPI plugin's types declare those keys yet.
 */
const described = <T extends { operationId: string; summary: string; tags: string[] }>(schema: T): T => schema;

interface IdentifierParams {
  identifiant: string;
}
interface AgentBody {
  agent: string;
}

export const supportAccountRoutes: FastifyPluginAsync<{ service: SupportAccountService }> = async (app, { service }) => {
  app.post<{ Body: { agent: string; identifiant: string; nom: string } }>(
    '/admin/support/comptes',
    {
      schema: described({
        operationId: 'createSupportAccount',
        summary: 'Crée un compte du support (console) ; son mot de passe, généré, est dans la réponse une seule fois',
        tags: TAGS,
        body: createBody,
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            required: ['utilisateur', 'motDePasse'],
            properties: { utilisateur: supportUserSchema, motDePasse: { type: 'string' } },
          },
        },
      }),
    },
    async (request, reply) => {
      const { user, password } = await service.create(request.body.agent, { identifier: request.body.identifiant, displayName: request.body.nom });
      reply.code(201).header('cache-control', 'no-store');
      return { utilisateur: supportUserView(user), motDePasse: password };
    },
  );

  app.get(
    '/admin/support/comptes',
    {
      schema: described({
        operationId: 'listSupportAccounts',
        summary: 'Les comptes du support et leur état',
        tags: TAGS,
        response: { 200: { type: 'object', additionalProperties: false, required: ['utilisateurs'], properties: { utilisateurs: { type: 'array', items: supportUserSchema } } } },
      }),
    },
    async () => ({ utilisateurs: (await service.list()).map(supportUserView) }),
  );

  app.get<{ Params: IdentifierParams }>(
    '/admin/support/comptes/:identifiant',
    { schema: described({ operationId: 'getSupportAccount', summary: 'Un compte du support', tags: TAGS, params: identifierParams, response: { 200: supportUserSchema } }) },
    async (request) => supportUserView(await service.show(request.params.identifiant)),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/support/comptes/:identifiant/desactivation',
    {
      schema: described({
        operationId: 'disableSupportAccount',
        summary: 'Désactive un compte du support : plus de connexion, ses sessions fermées aussitôt',
        tags: TAGS,
        params: identifierParams,
        body: agentBody,
        response: { 200: userAndSessions },
      }),
    },
    async (request) => {
      const { user, sessionsClosed } = await service.disable(request.body.agent, request.params.identifiant);
      return { utilisateur: supportUserView(user), sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/support/comptes/:identifiant/activation',
    { schema: described({ operationId: 'enableSupportAccount', summary: 'Réactive un compte du support', tags: TAGS, params: identifierParams, body: agentBody, response: { 200: userAnswer } }) },
    async (request) => ({ utilisateur: supportUserView(await service.enable(request.body.agent, request.params.identifiant)) }),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/support/comptes/:identifiant/deverrouillage',
    { schema: described({ operationId: 'unlockSupportAccount', summary: 'Lève le verrouillage d’un compte du support', tags: TAGS, params: identifierParams, body: agentBody, response: { 200: userAnswer } }) },
    async (request) => ({ utilisateur: supportUserView(await service.unlock(request.body.agent, request.params.identifiant)) }),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/support/comptes/:identifiant/mot-de-passe',
    {
      schema: described({
        operationId: 'resetSupportAccountPassword',
        summary: 'Nouveau mot de passe généré (dans la réponse une seule fois) ; verrouillage levé, sessions fermées',
        tags: TAGS,
        params: identifierParams,
        body: agentBody,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['utilisateur', 'motDePasse', 'sessionsFermees'],
            properties: { utilisateur: supportUserSchema, motDePasse: { type: 'string' }, sessionsFermees: { type: 'integer' } },
          },
        },
      }),
    },
    async (request, reply) => {
      const { user, password, sessionsClosed } = await service.resetPassword(request.body.agent, request.params.identifiant);
      reply.header('cache-control', 'no-store');
      return { utilisateur: supportUserView(user), motDePasse: password, sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/support/comptes/:identifiant/totp',
    {
      schema: described({
        operationId: 'resetSupportAccountTotp',
        summary: 'Oublie le second facteur (téléphone perdu) : nouvel enrôlement à la prochaine connexion ; sessions fermées',
        tags: TAGS,
        params: identifierParams,
        body: agentBody,
        response: { 200: userAndSessions },
      }),
    },
    async (request) => {
      const { user, sessionsClosed } = await service.resetTotp(request.body.agent, request.params.identifiant);
      return { utilisateur: supportUserView(user), sessionsFermees: sessionsClosed };
    },
  );
};
