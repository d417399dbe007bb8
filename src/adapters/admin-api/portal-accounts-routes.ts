// The admin API routes of the web portal's accounts (issue 13): support staff create, list, reset,
// disable/enable and unlock portal users and set an operator's "second factor required", without
// code. Registered by buildAdminApp (src/adapters/admin-api/app.ts); refusals are UseCaseError
// (invalid 400 naming the field, not-found 404, refused 409). Every change names the support staff
// member (`agent`), written to the audit log. A generated password is in the answer once only.
import type { FastifyPluginAsync } from 'fastify';
import type { PortalAccountAdminService, PortalAccountState } from '../../application/web-account-admin.js';

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
    { schema: { body: createBody } },
    async (request, reply) => {
      const { agent: who, operateur, identifiant, nom, profil } = request.body;
      const { user, password } = await service.create(who, { operatorCode: operateur, identifier: identifiant, displayName: nom, profileName: profil });
      reply.code(201).header('cache-control', 'no-store');
      return { utilisateur: portalUserView(user), motDePasse: password };
    },
  );

  app.get<{ Querystring: { operateur: string } }>('/admin/portail/utilisateurs', { schema: { querystring: listQuery } }, async (request) => ({
    utilisateurs: (await service.list(request.query.operateur)).map(portalUserView),
  }));

  app.get<{ Params: IdentifierParams }>('/admin/portail/utilisateurs/:identifiant', { schema: { params: identifierParams } }, async (request) =>
    portalUserView(await service.show(request.params.identifiant)),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/mot-de-passe',
    { schema: { params: identifierParams, body: agentBody } },
    async (request, reply) => {
      const { user, password, sessionsClosed } = await service.resetPassword(request.body.agent, request.params.identifiant);
      reply.header('cache-control', 'no-store');
      return { utilisateur: portalUserView(user), motDePasse: password, sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/desactivation',
    { schema: { params: identifierParams, body: agentBody } },
    async (request) => {
      const { user, sessionsClosed } = await service.disable(request.body.agent, request.params.identifiant);
      return { utilisateur: portalUserView(user), sessionsFermees: sessionsClosed };
    },
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/activation',
    { schema: { params: identifierParams, body: agentBody } },
    async (request) => ({ utilisateur: portalUserView(await service.enable(request.body.agent, request.params.identifiant)) }),
  );

  app.post<{ Params: IdentifierParams; Body: AgentBody }>(
    '/admin/portail/utilisateurs/:identifiant/deverrouillage',
    { schema: { params: identifierParams, body: agentBody } },
    async (request) => ({ utilisateur: portalUserView(await service.unlock(request.body.agent, request.params.identifiant)) }),
  );

  app.put<{ Params: { code: string }; Body: { agent: string; obligatoire: boolean } }>(
    '/admin/portail/operateurs/:code/totp',
    { schema: { params: codeParams, body: totpBody } },
    async (request) => {
      await service.requireTotp(request.body.agent, request.params.code, request.body.obligatoire);
      return { operateur: request.params.code, totpObligatoire: request.body.obligatoire };
    },
  );
};
