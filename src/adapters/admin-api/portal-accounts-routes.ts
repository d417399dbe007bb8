// The admin API routes of the web portal's accounts (issue 13): support staff create, list, reset,
// disable/enable and unlock portal users and set an operator's "second factor required", without
// code. Registered by buildAdminApp (src/adapters/admin-api/app.ts); refusals are UseCaseError
// (invalid 400 naming the field, not-found 404, refused 409). Every change names the support staff
// member (`agent`), written to the audit log. A generated password is in the answer once only.
import type { FastifyPluginAsync } from 'fastify';
import type { PortalAccountAdminService, PortalAccountState } from '../../application/web-account-admin.js';
import { arrayOf, bool, int, nullableInstantOut, object, operation, str } from './schemas.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function portalUserView(u: PortalAccountState) {
  return {
    identifiant: u.identifier,
    operateur: u.operatorCode,
    nom: u.displayName,
    profil: u.profileName,
    totpEnrole: u.totpEnrolled,
    verrouilleJusqua: iso(u.lockedUntil),
    desactiveLe: iso(u.disabledAt),
  };
}
export type PortalUserJson = ReturnType<typeof portalUserView>;

const userSchema = object(
  { identifiant: str, operateur: str, nom: str, profil: str, totpEnrole: bool, verrouilleJusqua: nullableInstantOut, desactiveLe: nullableInstantOut },
  'Un utilisateur du portail e-SAV en ligne',
);
const userOnly = object({ utilisateur: userSchema });
const withPassword = { utilisateur: userSchema, motDePasse: { type: 'string', description: 'Mot de passe généré, donné cette fois seulement' } } as const;
const tags = ['portail'];

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const operatorCode = { type: 'string', pattern: '^[A-Z0-9]{4}$' } as const;
const identifier = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' } as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;
const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'operateur', 'identifiant', 'nom', 'profil'],
  properties: {
    agent,
    operateur: operatorCode,
    identifiant: identifier,
    nom: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    profil: { type: 'string', pattern: '^[A-Z0-9_]{1,64}$' },
  },
} as const;
const identifierParams = { type: 'object', additionalProperties: false, required: ['identifiant'], properties: { identifiant: identifier } } as const;
const codeParams = { type: 'object', additionalProperties: false, required: ['code'], properties: { code: operatorCode } } as const;
const listQuery = { type: 'object', additionalProperties: false, required: ['operateur'], properties: { operateur: operatorCode } } as const;
const totpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'obligatoire'],
  properties: { agent, obligatoire: { type: 'boolean' } },
} as const;

interface IdentifierParams {
  identifiant: string;
}
interface AgentBody {
  agent: string;
}

export const portalAccountRoutes: FastifyPluginAsync<{ service: PortalAccountAdminService }> = async (app, { service }) => {
  app.post<{ Body: { agent: string; operateur: string; identifiant: string; nom: string; profil: string } }>(
    '/admin/portail/utilisateurs',
    {
      schema: operation({
        operationId: 'createPortalUser',
        summary: 'Crée un utilisateur du portail ; son mot de passe généré est donné une seule fois',
        tags,
        body: createBody,
        response: { 201: object(withPassword) },
      }),
    },
    async (request, reply) => {
      const { agent: who, operateur, identifiant, nom, profil } = request.body;
      const { user, password } = await service.create(who, { operatorCode: operateur, identifier: identifiant, displayName: nom, profileName: profil });
      reply.code(201).header('cache-control', 'no-store');
      return { utilisateur: portalUserView(user), motDePasse: password };
    },
  );

  app.get<{ Querystring: { operateur: string } }>(
    '/admin/portail/utilisateurs',
    {
      schema: operation({
        operationId: 'listPortalUsers',
        summary: 'Les utilisateurs du portail d’un opérateur et leur état',
        tags,
        querystring: listQuery,
        response: { 200: object({ utilisateurs: arrayOf(userSchema) }) },
      }),
    },
    async (request) => ({
      utilisateurs: (await service.list(request.query.operateur)).map(portalUserView),
    }),
  );

  app.get<{ Params: IdentifierParams }>(
    '/admin/portail/utilisateurs/:identifiant',
    { schema: operation({ operationId: 'getPortalUser', summary: 'Un utilisateur du portail et son état', tags, params: identifierParams, response: { 200: userSchema } }) },
    async (request) => portalUserView(await service.show(request.params.identifiant)),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/mot-de-passe',
    {
      schema: operation({
        operationId: 'resetPortalUserPassword',
        summary: 'Nouveau mot de passe généré (donné une seule fois) ; verrouillage levé, sessions fermées',
        tags,
        params: identifierParams,
        body: agentBody,
        response: { 200: object({ ...withPassword, sessionsFermees: int }) },
      }),
    },
    async (request, reply) => {
      const { user, password, sessionsClosed } = await service.resetPassword(request.body.agent, request.params.identifiant);
      reply.header('cache-control', 'no-store');
      return { utilisateur: portalUserView(user), motDePasse: password, sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/desactivation',
    {
      schema: operation({
        operationId: 'disablePortalUser',
        summary: 'Désactive un utilisateur : plus de connexion, ses sessions sont fermées aussitôt',
        tags,
        params: identifierParams,
        body: agentBody,
        response: { 200: object({ utilisateur: userSchema, sessionsFermees: int }) },
      }),
    },
    async (request) => {
      const { user, sessionsClosed } = await service.disable(request.body.agent, request.params.identifiant);
      return { utilisateur: portalUserView(user), sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/activation',
    {
      schema: operation({
        operationId: 'enablePortalUser',
        summary: 'Réactive un utilisateur désactivé',
        tags,
        params: identifierParams,
        body: agentBody,
        response: { 200: userOnly },
      }),
    },
    async (request) => ({ utilisateur: portalUserView(await service.enable(request.body.agent, request.params.identifiant)) }),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/deverrouillage',
    {
      schema: operation({
        operationId: 'unlockPortalUser',
        summary: 'Lève le verrouillage d’un utilisateur après trop d’échecs de connexion',
        tags,
        params: identifierParams,
        body: agentBody,
        response: { 200: userOnly },
      }),
    },
    async (request) => ({ utilisateur: portalUserView(await service.unlock(request.body.agent, request.params.identifiant)) }),
  );

  app.put<{ Params: { code: string }; Body: { agent: string; obligatoire: boolean } }>(
    '/admin/portail/operateurs/:code/totp',
    {
      schema: operation({
        operationId: 'setPortalTotpRequirement',
        summary: 'Second facteur (TOTP) obligatoire ou non pour les utilisateurs du portail d’un opérateur',
        tags,
        params: codeParams,
        body: totpBody,
        response: { 200: object({ operateur: str, totpObligatoire: bool }) },
      }),
    },
    async (request) => {
      await service.requireTotp(request.body.agent, request.params.code, request.body.obligatoire);
      return { operateur: request.params.code, totpObligatoire: request.body.obligatoire };
    },
  );
};
