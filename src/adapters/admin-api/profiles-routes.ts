// The admin API routes of the profiles (issue 14): list, show, create, change the operations
// granted, retire; and the operation names a profile may grant. Registered by buildAdminApp
// (src/adapters/admin-api/app.ts); refusals are UseCaseError (invalid 400 naming the field,
// not-found 404, refused 409). Every change names the support staff member (`agent`), written to
// the audit log.
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import type { ProfileAdminRecord } from '../../application/profile-ports.js';
import type { ProfileService } from '../../application/profiles.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function profileView(p: ProfileAdminRecord) {
  return {
    nom: p.name,
    libelle: p.libelle,
    operations: p.operations,
    etat: p.retiredAt ? ('RETIRE' as const) : ('EN_SERVICE' as const),
    creeLe: iso(p.createdAt),
    creePar: p.createdBy,
    retireLe: iso(p.retiredAt),
    retirePar: p.retiredBy,
    certificatsUtilisant: p.certificatesInUse,
    utilisateursPortailUtilisant: p.portalUsersInUse,
  };
}
export type ProfileJson = ReturnType<typeof profileView>;

// ---------------------------------------------------------------- schemas

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const profileName = { type: 'string', pattern: '^[A-Z0-9_]{1,64}$' } as const;
const libelle = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const operations = { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^(\\*|[A-Za-z][A-Za-z0-9_]{0,99})$' } } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const profileJsonSchema = {
  type: 'object',
  required: ['nom', 'libelle', 'operations', 'etat', 'creeLe', 'creePar', 'retireLe', 'retirePar', 'certificatsUtilisant', 'utilisateursPortailUtilisant'],
  properties: {
    nom: { type: 'string' },
    libelle: { type: 'string' },
    operations: { type: 'array', items: { type: 'string' } },
    etat: { type: 'string', enum: ['EN_SERVICE', 'RETIRE'] },
    creeLe: nullableString,
    creePar: nullableString,
    retireLe: nullableString,
    retirePar: nullableString,
    certificatsUtilisant: { type: 'integer', description: 'certificats non révoqués rattachés au profil' },
    utilisateursPortailUtilisant: { type: 'integer', description: 'utilisateurs du portail actifs rattachés au profil' },
  },
} as const;

const nameParams = { type: 'object', additionalProperties: false, required: ['nom'], properties: { nom: profileName } } as const;
const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'nom', 'libelle', 'operations'],
  properties: { agent, nom: profileName, libelle, operations },
} as const;
const changeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent'],
  properties: { agent, libelle, operations },
} as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;
/** A route schema with its OpenAPI description fields (an OpenAPI document is generated from them). */
const documented = <S extends FastifySchema>(schema: S & { operationId: string; summary: string; tags: readonly string[] }): FastifySchema => schema;

const TAGS = ['profils'];

export const profileRoutes: FastifyPluginAsync<{ service: ProfileService }> = async (app, { service }) => {
  app.get(
    '/admin/profils',
    {
      schema: documented({
        operationId: 'listProfiles',
        summary: 'Les profils, les opérations que chacun accorde et ce qui les utilise',
        tags: TAGS,
        response: { 200: { type: 'object', required: ['profils'], properties: { profils: { type: 'array', items: profileJsonSchema } } } },
      }),
    },
    async () => ({ profils: (await service.list()).map(profileView) }),
  );

  app.get(
    '/admin/profils/operations',
    {
      schema: documented({
        operationId: 'listGrantableOperations',
        summary: 'Les noms d’opérations SOAP de la passerelle qu’un profil peut accorder (* : toutes)',
        tags: TAGS,
        response: { 200: { type: 'object', required: ['operations'], properties: { operations: { type: 'array', items: { type: 'string' } } } } },
      }),
    },
    async () => ({ operations: service.operationNames() }),
  );

  app.get<{ Params: { nom: string } }>(
    '/admin/profils/:nom',
    { schema: documented({ operationId: 'getProfile', summary: 'Un profil', tags: TAGS, params: nameParams, response: { 200: profileJsonSchema } }) },
    async (request) => profileView(await service.show(request.params.nom)),
  );

  app.post<{ Body: { agent: string; nom: string; libelle: string; operations: string[] } }>(
    '/admin/profils',
    {
      schema: documented({
        operationId: 'createProfile',
        summary: 'Crée un profil ; chaque opération doit être connue de la passerelle (ou * pour toutes)',
        tags: TAGS,
        body: createBody,
        response: { 201: profileJsonSchema },
      }),
    },
    async (request, reply) => {
      const { agent: who, nom, libelle: label, operations: granted } = request.body;
      return reply.code(201).send(profileView(await service.create(who, { name: nom, libelle: label, operations: granted })));
    },
  );

  app.patch<{ Params: { nom: string }; Body: { agent: string; libelle?: string; operations?: string[] } }>(
    '/admin/profils/:nom',
    {
      schema: documented({
        operationId: 'updateProfile',
        summary: 'Change les opérations accordées (et/ou le libellé) : effectif pour les connexions et sessions ouvertes',
        tags: TAGS,
        params: nameParams,
        body: changeBody,
        response: { 200: profileJsonSchema },
      }),
    },
    async (request) => {
      const { agent: who, libelle: label, operations: granted } = request.body;
      return profileView(await service.change(who, request.params.nom, { ...(label !== undefined ? { libelle: label } : {}), ...(granted !== undefined ? { operations: granted } : {}) }));
    },
  );

  app.post<{ Params: { nom: string }; Body: { agent: string } }>(
    '/admin/profils/:nom/retrait',
    {
      schema: documented({
        operationId: 'retireProfile',
        summary: 'Retire un profil : refusé tant qu’un certificat non révoqué ou un utilisateur du portail actif l’utilise',
        tags: TAGS,
        params: nameParams,
        body: agentBody,
        response: { 200: profileJsonSchema },
      }),
    },
    async (request) => profileView(await service.retire(request.body.agent, request.params.nom)),
  );
};
