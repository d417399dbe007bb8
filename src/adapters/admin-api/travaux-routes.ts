// The admin API routes of planned works and network incidents (published by the back office,
// read by operators through TestService and Interop'Fibre infoTravauxFTTH). Registered by
// buildAdminApp (src/adapters/admin-api/app.ts); refusals are UseCaseError (by kind, mapped to 400/404/409 in app.ts).
import type { FastifyPluginAsync } from 'fastify';
import { NATURES_INTERVENTION, NATURES_TRAVAUX, type NatureIntervention, type NatureTravaux } from '../../domain/travaux.js';
import { UseCaseError } from '../../application/errors.js';
import type { Travaux, TravauxChanges } from '../../application/line-test-ports.js';
import type { TravauxService } from '../../application/travaux.js';
import { arrayOf, bool, instantOut, nullableEnum, nullableInstantOut, nullableStr, object, operation, str } from './schemas.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function travauxView(t: Travaux) {
  return {
    reference: t.reference,
    nature: t.nature,
    etat: t.etat,
    libelle: t.libelle,
    equipement: t.equipement,
    referencePm: t.referencePm,
    referencePmTechnique: t.referencePmTechnique,
    dateDebut: iso(t.dateDebut),
    dateFin: iso(t.dateFin),
    interventionRequiseOC: t.interventionRequiseOC,
    travauxCuratifs: t.travauxCuratifs,
    natureIntervention: t.natureIntervention,
    commentaire: t.commentaire,
    contactOI: t.contactOI,
    referenceIncident: t.referenceIncident,
    perimetre: t.perimetre,
    dateCreation: iso(t.createdAt),
    dateModification: iso(t.updatedAt),
    dateCloture: iso(t.closedAt),
  };
}

export type TravauxJson = ReturnType<typeof travauxView>;

const travauxSchema = object(
  {
    reference: str,
    nature: { type: 'string', enum: [...NATURES_TRAVAUX] },
    etat: str,
    libelle: str,
    equipement: str,
    referencePm: nullableStr,
    referencePmTechnique: nullableStr,
    dateDebut: instantOut,
    dateFin: nullableInstantOut,
    interventionRequiseOC: bool,
    travauxCuratifs: { type: ['boolean', 'null'] },
    natureIntervention: nullableEnum(NATURES_INTERVENTION),
    commentaire: nullableStr,
    contactOI: nullableStr,
    referenceIncident: nullableStr,
    perimetre: arrayOf(object({ type: str, reference: str })),
    dateCreation: instantOut,
    dateModification: instantOut,
    dateCloture: nullableInstantOut,
  },
  'Des travaux programmés ou un incident réseau',
);
const tags = ['travaux'];

const REFERENCE = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const nullableText = (max: number) => ({ type: ['string', 'null'], minLength: 1, maxLength: max }) as const;
const instant = { type: 'string', minLength: 10, maxLength: 40 } as const;

const perimetre = {
  type: 'array',
  minItems: 1,
  maxItems: 500,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'reference'],
    properties: { type: { type: 'string', pattern: '^[A-Z0-9_]{1,32}$' }, reference: text(100) },
  },
} as const;

const publishBody = {
  type: 'object',
  additionalProperties: false,
  required: ['nature', 'libelle', 'equipement', 'dateDebut', 'perimetre'],
  properties: {
    reference: { type: 'string', pattern: REFERENCE },
    nature: { type: 'string', enum: [...NATURES_TRAVAUX] },
    libelle: text(255),
    equipement: { type: 'string', pattern: '^[A-Za-z0-9_]{1,32}$' },
    referencePm: text(100),
    referencePmTechnique: text(100),
    dateDebut: instant,
    dateFin: instant,
    interventionRequiseOC: { type: 'boolean', default: false },
    travauxCuratifs: { type: 'boolean' },
    natureIntervention: { type: 'string', enum: [...NATURES_INTERVENTION] },
    commentaire: text(512),
    contactOI: text(255),
    referenceIncident: text(100),
    perimetre,
  },
} as const;

const updateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    libelle: text(255),
    dateDebut: instant,
    dateFin: { type: ['string', 'null'], minLength: 10, maxLength: 40 },
    interventionRequiseOC: { type: 'boolean' },
    travauxCuratifs: { type: ['boolean', 'null'] },
    natureIntervention: { type: ['string', 'null'], enum: [...NATURES_INTERVENTION, null] },
    commentaire: nullableText(512),
    contactOI: nullableText(255),
    referenceIncident: nullableText(100),
    perimetre,
  },
} as const;

const closeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['etat'],
  properties: { etat: { type: 'string', enum: ['CLOTURE', 'ANNULE'] }, commentaire: text(512) },
} as const;

const referenceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: REFERENCE } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ouverts: { type: 'boolean', default: false },
    limite: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
} as const;

interface PublishBody {
  reference?: string;
  nature: NatureTravaux;
  libelle: string;
  equipement: string;
  referencePm?: string;
  referencePmTechnique?: string;
  dateDebut: string;
  dateFin?: string;
  interventionRequiseOC: boolean;
  travauxCuratifs?: boolean;
  natureIntervention?: NatureIntervention;
  commentaire?: string;
  contactOI?: string;
  referenceIncident?: string;
  perimetre: Array<{ type: string; reference: string }>;
}

type UpdateBody = Omit<TravauxChanges, 'dateDebut' | 'dateFin'> & { dateDebut?: string; dateFin?: string | null };

/** An ISO-8601 instant with its offset (or Z); 400 otherwise. */
function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(date.getTime())) {
    throw new UseCaseError('invalid', `requête invalide : ${field} : date ISO-8601 avec fuseau attendue (ex. 2026-03-02T22:00:00+01:00)`);
  }
  return date;
}

/** The planned works and incidents routes, a plugin of the admin app (buildAdminApp). */
export const travauxRoutes: FastifyPluginAsync<{ travaux: TravauxService }> = async (app, { travaux }) => {
  app.get<{ Querystring: { ouverts: boolean; limite: number } }>(
    '/admin/travaux',
    {
      schema: operation({
        operationId: 'listTravaux',
        summary: 'Les travaux et incidents, les plus récents d’abord (ouverts seulement sur demande)',
        tags,
        querystring: listQuery,
        response: { 200: object({ travaux: arrayOf(travauxSchema) }) },
      }),
    },
    async (request) => ({
      travaux: (await travaux.list(request.query.ouverts, request.query.limite)).map(travauxView),
    }),
  );

  app.get<{ Params: { reference: string } }>(
    '/admin/travaux/:reference',
    { schema: operation({ operationId: 'getTravaux', summary: 'Des travaux ou un incident', tags, params: referenceParams, response: { 200: travauxSchema } }) },
    async (request) => travauxView(await travaux.get(request.params.reference)),
  );

  app.post<{ Body: PublishBody }>(
    '/admin/travaux',
    {
      schema: operation({
        operationId: 'publishTravaux',
        summary: 'Publie des travaux programmés ou un incident (lus par les opérateurs : TestService, infoTravauxFTTH)',
        tags,
        body: publishBody,
        response: { 201: travauxSchema },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const created = await travaux.publish({
        ...(b.reference !== undefined ? { reference: b.reference } : {}),
        nature: b.nature,
        libelle: b.libelle,
        equipement: b.equipement,
        ...(b.referencePm !== undefined ? { referencePm: b.referencePm } : {}),
        ...(b.referencePmTechnique !== undefined ? { referencePmTechnique: b.referencePmTechnique } : {}),
        dateDebut: parseInstant(b.dateDebut, 'dateDebut'),
        ...(b.dateFin !== undefined ? { dateFin: parseInstant(b.dateFin, 'dateFin') } : {}),
        interventionRequiseOC: b.interventionRequiseOC,
        ...(b.travauxCuratifs !== undefined ? { travauxCuratifs: b.travauxCuratifs } : {}),
        ...(b.natureIntervention !== undefined ? { natureIntervention: b.natureIntervention } : {}),
        ...(b.commentaire !== undefined ? { commentaire: b.commentaire } : {}),
        ...(b.contactOI !== undefined ? { contactOI: b.contactOI } : {}),
        ...(b.referenceIncident !== undefined ? { referenceIncident: b.referenceIncident } : {}),
        perimetre: b.perimetre,
      });
      return reply.code(201).send(travauxView(created));
    },
  );

  app.patch<{ Params: { reference: string }; Body: UpdateBody }>(
    '/admin/travaux/:reference',
    {
      schema: operation({
        operationId: 'updateTravaux',
        summary: 'Modifie des travaux (nouvelles dates : REPLANIFICATION, autre chose : MAJ)',
        tags,
        params: referenceParams,
        body: updateBody,
        response: { 200: travauxSchema },
      }),
    },
    async (request) => {
      const { dateDebut, dateFin, ...rest } = request.body;
      const changes: TravauxChanges = {
        ...rest,
        ...(dateDebut !== undefined ? { dateDebut: parseInstant(dateDebut, 'dateDebut') } : {}),
        ...(dateFin !== undefined ? { dateFin: dateFin === null ? null : parseInstant(dateFin, 'dateFin') } : {}),
      };
      return travauxView(await travaux.update(request.params.reference, changes));
    },
  );

  app.post<{ Params: { reference: string }; Body: { etat: 'CLOTURE' | 'ANNULE'; commentaire?: string } }>(
    '/admin/travaux/:reference/cloture',
    {
      schema: operation({
        operationId: 'closeTravaux',
        summary: 'Clôture (CLOTURE) ou annule (ANNULE) des travaux',
        tags,
        params: referenceParams,
        body: closeBody,
        response: { 200: travauxSchema },
      }),
    },
    async (request) => travauxView(await travaux.close(request.params.reference, request.body.etat, request.body.commentaire)),
  );
};
