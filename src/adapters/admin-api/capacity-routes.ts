// The admin API routes of the technicians' capacity (issue 14, decision 0018): weekly patterns
// per commune and appointment type, extra capacity, closures, the provider's non-working days and
// the view of booked versus free slots. Registered by buildAdminApp (src/adapters/admin-api/app.ts).
// Every change names the support staff member (`agent`), written to the audit log; it takes
// effect at once in every process (the slots live in PostgreSQL).
import type { FastifyPluginAsync } from 'fastify';
import { parseParisInstant, type Perimetre } from '../../domain/capacity.js';
import { TYPES_RENDEZ_VOUS, type TypeRendezVous, type WorkingPattern } from '../../domain/rendezvous.js';
import { UseCaseError } from '../../application/errors.js';
import type { BookedAppointment, CapacityExtraRecord, ClosureKey, ClosureRecord, ExtraKey, PatternKey, Regeneration } from '../../application/capacity-ports.js';
import {
  CLOSURE_CONFLICTS_LISTED,
  CLOSURES_LIST_DEFAULT,
  CLOSURES_LIST_MAX,
  LIST_DEFAULT,
  LIST_MAX,
  type CapacityAdminService, type CapacityView, type NonWorkingDayView, type PatternLine } from '../../application/capacity.js';
import { operation } from './schemas.js';

// ---------------------------------------------------------------- JSON views

export function patternView(p: WorkingPattern) {
  return {
    commune: p.codeInsee,
    type: p.type,
    jour: p.jour,
    debut: p.debut,
    fin: p.fin,
    dureeMinutes: p.dureeMinutes,
    techniciens: p.techniciens,
    joursFeries: p.joursFeries,
  };
}

export function bookedView(b: BookedAppointment) {
  return { idRendezVous: b.reference, operateur: b.operatorCode, commune: b.codeInsee, type: b.type, debut: b.debut.toISOString(), fin: b.fin.toISOString() };
}

export function regenerationView(r: Regeneration) {
  return { communes: r.zones, creneauxAjoutes: r.ajoutes, creneauxRetires: r.retires, horsCapacite: r.horsCapacite.map(bookedView) };
}

export function extraView(e: CapacityExtraRecord) {
  return {
    id: e.id,
    commune: e.codeInsee,
    type: e.type,
    jour: e.jour,
    debut: e.debut,
    fin: e.fin,
    dureeMinutes: e.dureeMinutes,
    techniciens: e.techniciens,
    motif: e.motif,
    creeLe: e.creeLe.toISOString(),
    creePar: e.creePar,
  };
}

/** A closure with its first booked appointments to handle and their total (`conflitsTotal`). */
export function closureView(c: ClosureRecord, conflits: BookedAppointment[], conflitsTotal: number) {
  return {
    id: c.id,
    perimetre: c.perimetre,
    type: c.type,
    debut: c.debut.toISOString(),
    fin: c.fin.toISOString(),
    motif: c.motif,
    creeLe: c.creeLe.toISOString(),
    creePar: c.creePar,
    conflits: conflits.map(bookedView),
    conflitsTotal,
  };
}

export function nonWorkingDayView(d: NonWorkingDayView) {
  return {
    id: d.record?.id ?? null,
    jour: d.jour,
    libelle: d.libelle,
    source: d.source,
    perimetre: d.perimetre,
    creeLe: d.record ? d.record.creeLe.toISOString() : null,
    creePar: d.record?.creePar ?? null,
  };
}

export function capacityViewJson(v: CapacityView) {
  const window = (w: CapacityView['jours'][number]['creneaux'][number]) => ({
    type: w.type,
    debut: w.debut.toISOString(),
    fin: w.fin.toISOString(),
    capacite: w.capacite,
    reserves: w.reserves,
    libres: w.libres,
    fermes: w.fermes,
    horsCapacite: w.horsCapacite,
    conflits: w.conflits,
  });
  const totals = (t: CapacityView['total']) => ({
    capacite: t.capacite,
    reserves: t.reserves,
    libres: t.libres,
    fermes: t.fermes,
    horsCapacite: t.horsCapacite,
    conflits: t.conflits,
  });
  return {
    commune: v.codeInsee,
    type: v.type,
    du: v.du,
    au: v.au,
    jours: v.jours.map((d) => ({ jour: d.jour, ferie: d.ferie, ...totals(d), creneaux: d.creneaux.map(window) })),
    total: totals(v.total),
    aTraiter: v.aTraiter.map((b) => ({ ...bookedView(b), raison: b.raison })),
  };
}

export type PatternJson = ReturnType<typeof patternView>;
export type RegenerationJson = ReturnType<typeof regenerationView>;
export type ExtraJson = ReturnType<typeof extraView>;
export type ClosureJson = ReturnType<typeof closureView>;
export type NonWorkingDayJson = ReturnType<typeof nonWorkingDayView>;
export type CapacityViewJson = ReturnType<typeof capacityViewJson>;

// ---------------------------------------------------------------- schemas

const TAGS = ['capacité'];
const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const commune = { type: 'string', pattern: '^[0-9][0-9AB][0-9]{3}$', description: 'code INSEE de la commune (la zone)' } as const;
const perimetre = {
  type: 'string',
  pattern: '^([0-9][0-9AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-6])$',
  description: 'commune (code INSEE) ou département (2 ou 3 caractères) ; absent : toutes les zones',
} as const;
const typeRdv = { type: 'string', enum: [...TYPES_RENDEZ_VOUS] } as const;
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'heure de Paris HH:MM' } as const;
const day = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'jour AAAA-MM-JJ' } as const;
const instant = {
  type: 'string',
  minLength: 10,
  maxLength: 40,
  description: 'AAAA-MM-JJ, AAAA-MM-JJTHH:MM (heure de Paris) ou instant ISO-8601 avec décalage',
} as const;
const motif = { type: 'string', minLength: 1, maxLength: 500 } as const;
const id = { type: 'integer', minimum: 1 } as const;
const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: 'null' }] });
// The lists' pages (a national deployment has ~35 000 communes): `limite` lines at most, and the
// position of the last one given back as `apres` (keyset: the next page starts right after it).
const limite = { type: 'integer', minimum: 1, maximum: LIST_MAX, default: LIST_DEFAULT } as const;
const patternCursor = {
  type: 'string',
  pattern: '^[0-9][0-9AB][0-9]{3}/(SAV|SAV_PLUS|EXPERTISE_CONTRADICTOIRE)/[1-7]/([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'la dernière plage d’une page (commune/type/jour/début), telle que `suivant` la donne',
} as const;
const extraCursor = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}/([01][0-9]|2[0-3]):[0-5][0-9]/[1-9][0-9]{0,14}$',
  description: 'la dernière capacité d’une page (jour/début/numéro), telle que `suivant` la donne',
} as const;
const closuresLimite = { type: 'integer', minimum: 1, maximum: CLOSURES_LIST_MAX, default: CLOSURES_LIST_DEFAULT } as const;
const closureCursor = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z/[1-9][0-9]{0,14}$',
  description: 'la dernière fermeture d’une page (début/numéro), telle que `suivant` la donne',
} as const;
// Each cursor's text and its key, both ways (the patterns above check the text first).
const closureKeyOf = (cursor: string): ClosureKey => {
  const [debut, id] = cursor.split('/') as [string, string];
  return { debut: new Date(debut), id: Number(id) };
};
const closureCursorOf = (k: ClosureKey | undefined) => (k ? `${k.debut.toISOString()}/${k.id}` : null);
const patternKeyOf = (cursor: string): PatternKey => {
  const [codeInsee, type, jour, debut] = cursor.split('/') as [string, TypeRendezVous, string, string];
  return { codeInsee, type, jour: Number(jour), debut };
};
const patternCursorOf = (k: PatternKey | undefined) => (k ? `${k.codeInsee}/${k.type}/${k.jour}/${k.debut}` : null);
const extraKeyOf = (cursor: string): ExtraKey => {
  const [jour, debut, id] = cursor.split('/') as [string, string, string];
  return { jour, debut, id: Number(id) };
};
const extraCursorOf = (k: ExtraKey | undefined) => (k ? `${k.jour}/${k.debut}/${k.id}` : null);

const lineProperties = {
  jour: { type: 'integer', minimum: 1, maximum: 7, description: 'jour ISO : 1 = lundi … 7 = dimanche' },
  debut: hhmm,
  fin: hhmm,
  dureeMinutes: { type: 'integer', minimum: 15, maximum: 1440 },
  techniciens: { type: 'integer', minimum: 1, maximum: 100 },
  joursFeries: { type: 'boolean', default: false, description: 'la plage s’applique aussi les jours fériés' },
} as const;
const line = { type: 'object', additionalProperties: false, required: ['jour', 'debut', 'fin', 'dureeMinutes', 'techniciens'], properties: lineProperties } as const;

const zoneTypeParams = { type: 'object', additionalProperties: false, required: ['commune', 'type'], properties: { commune, type: typeRdv } } as const;
const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id } } as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;

const patternJson = {
  type: 'object',
  required: ['commune', 'type', 'jour', 'debut', 'fin', 'dureeMinutes', 'techniciens', 'joursFeries'],
  properties: { commune: { type: 'string' }, type: { type: 'string' }, jour: { type: 'integer' }, debut: { type: 'string' }, fin: { type: 'string' }, dureeMinutes: { type: 'integer' }, techniciens: { type: 'integer' }, joursFeries: { type: 'boolean' } },
} as const;
const bookedJson = {
  type: 'object',
  required: ['idRendezVous', 'operateur', 'commune', 'type', 'debut', 'fin'],
  properties: { idRendezVous: { type: 'string' }, operateur: { type: 'string' }, commune: { type: 'string' }, type: { type: 'string' }, debut: { type: 'string' }, fin: { type: 'string' } },
} as const;
const regenerationJson = {
  type: 'object',
  required: ['communes', 'creneauxAjoutes', 'creneauxRetires', 'horsCapacite'],
  properties: {
    communes: { type: 'array', items: { type: 'string' } },
    creneauxAjoutes: { type: 'integer' },
    creneauxRetires: { type: 'integer' },
    horsCapacite: { type: 'array', items: bookedJson, description: 'rendez-vous réservés gardés hors de la capacité désormais prévue' },
  },
} as const;
const patternsAnswer = {
  type: 'object',
  required: ['plannings'],
  properties: { plannings: { type: 'array', items: patternJson }, regeneration: regenerationJson },
} as const;
const extraJson = {
  type: 'object',
  required: ['id', 'commune', 'type', 'jour', 'debut', 'fin', 'dureeMinutes', 'techniciens', 'motif', 'creeLe', 'creePar'],
  properties: {
    id: { type: 'integer' },
    commune: { type: 'string' },
    type: { type: 'string' },
    jour: { type: 'string' },
    debut: { type: 'string' },
    fin: { type: 'string' },
    dureeMinutes: { type: 'integer' },
    techniciens: { type: 'integer' },
    motif: nullable({ type: 'string' }),
    creeLe: { type: 'string' },
    creePar: { type: 'string' },
  },
} as const;
const extraAnswer = { type: 'object', required: ['supplement', 'regeneration'], properties: { supplement: extraJson, regeneration: regenerationJson } } as const;
const closureJson = {
  type: 'object',
  required: ['id', 'perimetre', 'type', 'debut', 'fin', 'motif', 'creeLe', 'creePar', 'conflits', 'conflitsTotal'],
  properties: {
    id: { type: 'integer' },
    perimetre: nullable({ type: 'string' }),
    type: nullable({ type: 'string' }),
    debut: { type: 'string' },
    fin: { type: 'string' },
    motif: { type: 'string' },
    creeLe: { type: 'string' },
    creePar: { type: 'string' },
    conflits: {
      type: 'array',
      items: bookedJson,
      description: `rendez-vous réservés dans la fermeture, à traiter : les ${CLOSURE_CONFLICTS_LISTED} premiers (par début, commune, référence)`,
    },
    conflitsTotal: { type: 'integer', description: 'combien de rendez-vous réservés dans la fermeture, en tout' },
  },
} as const;
const dayJson = {
  type: 'object',
  required: ['id', 'jour', 'libelle', 'source', 'perimetre', 'creeLe', 'creePar'],
  properties: {
    id: nullable({ type: 'integer' }),
    jour: { type: 'string' },
    libelle: { type: 'string' },
    source: { type: 'string', enum: ['NATIONAL', 'FOURNISSEUR'] },
    perimetre: nullable({ type: 'string' }),
    creeLe: nullable({ type: 'string' }),
    creePar: nullable({ type: 'string' }),
  },
} as const;
const dayAnswer = { type: 'object', required: ['jour', 'regeneration'], properties: { jour: dayJson, regeneration: regenerationJson } } as const;
const countProperties = {
  capacite: { type: 'integer' },
  reserves: { type: 'integer' },
  libres: { type: 'integer' },
  fermes: { type: 'integer' },
  horsCapacite: { type: 'integer' },
  conflits: { type: 'integer' },
} as const;
const counts = Object.keys(countProperties);
const viewJson = {
  type: 'object',
  required: ['commune', 'type', 'du', 'au', 'jours', 'total', 'aTraiter'],
  properties: {
    commune: { type: 'string' },
    type: nullable({ type: 'string' }),
    du: { type: 'string' },
    au: { type: 'string' },
    jours: {
      type: 'array',
      items: {
        type: 'object',
        required: ['jour', 'ferie', 'creneaux', ...counts],
        properties: {
          jour: { type: 'string' },
          ferie: nullable({ type: 'string' }),
          ...countProperties,
          creneaux: {
            type: 'array',
            items: { type: 'object', required: ['type', 'debut', 'fin', ...counts], properties: { type: { type: 'string' }, debut: { type: 'string' }, fin: { type: 'string' }, ...countProperties } },
          },
        },
      },
    },
    total: { type: 'object', required: counts, properties: countProperties },
    aTraiter: {
      type: 'array',
      items: { type: 'object', required: [...bookedJson.required, 'raison'], properties: { ...bookedJson.properties, raison: { type: 'string', enum: ['FERMETURE', 'HORS_CAPACITE'] } } },
    },
  },
} as const;


// ---------------------------------------------------------------- request types

interface ZoneTypeParams {
  commune: string;
  type: TypeRendezVous;
}
interface IdParams {
  id: number;
}

/** A date or instant as support staff type it; 400 naming the field otherwise. */
function instantOf(value: string, field: string, endOfDay = false): Date {
  const parsed = parseParisInstant(value, endOfDay);
  if (!parsed) {
    throw new UseCaseError('invalid', `requête invalide : ${field} : date attendue (AAAA-MM-JJ, AAAA-MM-JJTHH:MM heure de Paris, ou ISO-8601 avec décalage)`);
  }
  return parsed;
}

const lineOf = (l: PatternLine & { joursFeries?: boolean }): PatternLine => ({
  jour: l.jour,
  debut: l.debut,
  fin: l.fin,
  dureeMinutes: l.dureeMinutes,
  techniciens: l.techniciens,
  joursFeries: l.joursFeries ?? false,
});

// ---------------------------------------------------------------- routes

export const capacityRoutes: FastifyPluginAsync<{ service: CapacityAdminService }> = async (app, { service }) => {
  // ---- patterns
  app.get<{ Querystring: { commune?: string; type?: TypeRendezVous; limite: number; apres?: string } }>(
    '/admin/capacite/plannings',
    {
      schema: operation({
        operationId: 'listCapacityPatterns',
        summary: 'Plannings hebdomadaires des techniciens (par commune et type de rendez-vous), par pages',
        description:
          'Dans l’ordre commune, type, jour, début ; au plus `limite` plages. `suivant`, quand il reste des plages, se redonne en `apres` pour la page suivante.',
        tags: TAGS,
        querystring: { type: 'object', additionalProperties: false, properties: { commune, type: typeRdv, limite, apres: patternCursor } },
        response: { 200: { type: 'object', required: ['plannings', 'suivant'], properties: { plannings: { type: 'array', items: patternJson }, suivant: nullable(patternCursor) } } },
      }),
    },
    async (request) => {
      const q = request.query;
      const page = await service.patterns(
        { ...(q.commune ? { codeInsee: q.commune } : {}), ...(q.type ? { type: q.type } : {}) },
        { limit: q.limite, ...(q.apres ? { after: patternKeyOf(q.apres) } : {}) },
      );
      return { plannings: page.patterns.map(patternView), suivant: patternCursorOf(page.next) };
    },
  );

  app.put<{ Params: ZoneTypeParams; Body: { agent: string; plages: PatternLine[] } }>(
    '/admin/capacite/plannings/:commune/:type',
    {
      schema: operation({
        operationId: 'replaceCapacityPatterns',
        summary: 'Remplace le planning hebdomadaire d’une commune et d’un type ; régénère les créneaux libres à venir',
        tags: TAGS,
        params: zoneTypeParams,
        body: { type: 'object', additionalProperties: false, required: ['agent', 'plages'], properties: { agent, plages: { type: 'array', maxItems: 200, items: line } } },
        response: { 200: patternsAnswer },
      }),
    },
    async (request) => {
      const { commune: code, type } = request.params;
      const result = await service.replacePatterns(code, type, request.body.plages.map(lineOf), request.body.agent);
      return { plannings: result.plannings.map(patternView), regeneration: regenerationView(result.regeneration) };
    },
  );

  app.post<{ Params: ZoneTypeParams; Body: PatternLine & { agent: string } }>(
    '/admin/capacite/plannings/:commune/:type/plages',
    {
      schema: operation({
        operationId: 'upsertCapacityPattern',
        summary: 'Ajoute une plage au planning (ou remplace celle du même jour et de la même heure de début)',
        tags: TAGS,
        params: zoneTypeParams,
        body: { type: 'object', additionalProperties: false, required: ['agent', ...line.required], properties: { agent, ...lineProperties } },
        response: { 200: patternsAnswer },
      }),
    },
    async (request) => {
      const { commune: code, type } = request.params;
      const result = await service.upsertPattern(code, type, lineOf(request.body), request.body.agent);
      return { plannings: result.plannings.map(patternView), regeneration: regenerationView(result.regeneration) };
    },
  );

  app.delete<{ Params: ZoneTypeParams; Body: { agent: string; jour?: number; debut?: string } }>(
    '/admin/capacite/plannings/:commune/:type',
    {
      schema: operation({
        operationId: 'deleteCapacityPatterns',
        summary: 'Supprime le planning d’une commune et d’un type (ou la seule plage jour + début) ; les rendez-vous réservés restent',
        tags: TAGS,
        params: zoneTypeParams,
        body: { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent, jour: lineProperties.jour, debut: hhmm } },
        response: { 200: patternsAnswer },
      }),
    },
    async (request) => {
      const { commune: code, type } = request.params;
      const { jour, debut } = request.body;
      if ((jour === undefined) !== (debut === undefined)) throw new UseCaseError('invalid', 'requête invalide : jour et debut vont ensemble (une seule plage) ou sont absents (tout le planning)');
      const one = jour !== undefined && debut !== undefined ? { jour, debut } : undefined;
      const result = await service.deletePatterns(code, type, request.body.agent, one);
      return { plannings: result.plannings.map(patternView), regeneration: regenerationView(result.regeneration) };
    },
  );

  // ---- extra capacity
  app.get<{ Querystring: { commune?: string; type?: TypeRendezVous; du?: string; au?: string; limite: number; apres?: string } }>(
    '/admin/capacite/supplements',
    {
      schema: operation({
        operationId: 'listCapacityExtras',
        summary: 'Capacités supplémentaires (par commune, type, jours), par pages',
        description:
          'Dans l’ordre jour, début, numéro ; au plus `limite`. `suivant`, quand il en reste, se redonne en `apres` pour la page suivante.',
        tags: TAGS,
        querystring: { type: 'object', additionalProperties: false, properties: { commune, type: typeRdv, du: day, au: day, limite, apres: extraCursor } },
        response: { 200: { type: 'object', required: ['supplements', 'suivant'], properties: { supplements: { type: 'array', items: extraJson }, suivant: nullable(extraCursor) } } },
      }),
    },
    async (request) => {
      const q = request.query;
      const page = await service.extras(
        { ...(q.commune ? { codeInsee: q.commune } : {}), ...(q.type ? { type: q.type } : {}), ...(q.du ? { du: q.du } : {}), ...(q.au ? { au: q.au } : {}) },
        { limit: q.limite, ...(q.apres ? { after: extraKeyOf(q.apres) } : {}) },
      );
      return { supplements: page.extras.map(extraView), suivant: extraCursorOf(page.next) };
    },
  );

  app.post<{ Body: { agent: string; commune: string; type: TypeRendezVous; jour: string; debut: string; fin: string; dureeMinutes: number; techniciens: number; motif?: string } }>(
    '/admin/capacite/supplements',
    {
      schema: operation({
        operationId: 'createCapacityExtra',
        summary: 'Ajoute une capacité supplémentaire (commune, type, jour, plage, techniciens, durée) : des créneaux en plus',
        tags: TAGS,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agent', 'commune', 'type', 'jour', 'debut', 'fin', 'dureeMinutes', 'techniciens'],
          properties: { agent, commune, type: typeRdv, jour: day, debut: hhmm, fin: hhmm, dureeMinutes: lineProperties.dureeMinutes, techniciens: lineProperties.techniciens, motif },
        },
        response: { 201: extraAnswer },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const result = await service.addExtra(
        { codeInsee: b.commune, type: b.type, jour: b.jour, debut: b.debut, fin: b.fin, dureeMinutes: b.dureeMinutes, techniciens: b.techniciens, motif: b.motif ?? null },
        b.agent,
      );
      return reply.code(201).send({ supplement: extraView(result.supplement), regeneration: regenerationView(result.regeneration) });
    },
  );

  app.delete<{ Params: IdParams; Body: { agent: string } }>(
    '/admin/capacite/supplements/:id',
    {
      schema: operation({
        operationId: 'deleteCapacityExtra',
        summary: 'Supprime une capacité supplémentaire ; ses créneaux libres à venir sont retirés, les réservés restent',
        tags: TAGS,
        params: idParams,
        body: agentBody,
        response: { 200: extraAnswer },
      }),
    },
    async (request) => {
      const result = await service.deleteExtra(request.params.id, request.body.agent);
      return { supplement: extraView(result.supplement), regeneration: regenerationView(result.regeneration) };
    },
  );

  // ---- closures
  app.get<{ Querystring: { commune?: string; type?: TypeRendezVous; du?: string; au?: string; limite: number; apres?: string } }>(
    '/admin/capacite/fermetures',
    {
      schema: operation({
        operationId: 'listCapacityClosures',
        summary: 'Fermetures (qui couvrent la commune, dans la période), avec leurs rendez-vous réservés à traiter, par pages',
        description: `Dans l’ordre début, numéro ; au plus \`limite\` fermetures. \`suivant\`, quand il en reste, se redonne en \`apres\` pour la page suivante. Chaque fermeture donne ses ${CLOSURE_CONFLICTS_LISTED} premiers rendez-vous réservés à traiter et leur nombre (\`conflitsTotal\`).`,
        tags: TAGS,
        querystring: { type: 'object', additionalProperties: false, properties: { commune, type: typeRdv, du: instant, au: instant, limite: closuresLimite, apres: closureCursor } },
        response: { 200: { type: 'object', required: ['fermetures', 'suivant'], properties: { fermetures: { type: 'array', items: closureJson }, suivant: nullable(closureCursor) } } },
      }),
    },
    async (request) => {
      const q = request.query;
      const page = await service.closures(
        {
          ...(q.commune ? { codeInsee: q.commune } : {}),
          ...(q.type ? { type: q.type } : {}),
          ...(q.du ? { debut: instantOf(q.du, 'du') } : {}),
          ...(q.au ? { fin: instantOf(q.au, 'au', true) } : {}),
        },
        { limit: q.limite, ...(q.apres ? { after: closureKeyOf(q.apres) } : {}) },
      );
      return {
        fermetures: page.fermetures.map((c) => closureView(c.fermeture, c.conflits, c.conflitsTotal)),
        suivant: closureCursorOf(page.next),
      };
    },
  );

  app.post<{ Body: { agent: string; perimetre?: string; type?: TypeRendezVous; debut: string; fin: string; motif: string } }>(
    '/admin/capacite/fermetures',
    {
      schema: operation({
        operationId: 'createCapacityClosure',
        summary: 'Ferme une période (zone ou toutes, type ou tous) : plus aucun créneau libre proposé ; les réservés restent et sont listés',
        tags: TAGS,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agent', 'debut', 'fin', 'motif'],
          properties: { agent, perimetre, type: typeRdv, debut: instant, fin: instant, motif },
        },
        response: { 201: closureJson },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const result = await service.addClosure(
        { perimetre: (b.perimetre ?? null) as Perimetre, type: b.type ?? null, debut: instantOf(b.debut, 'debut'), fin: instantOf(b.fin, 'fin', true), motif: b.motif },
        b.agent,
      );
      return reply.code(201).send(closureView(result.fermeture, result.conflits, result.conflitsTotal));
    },
  );

  app.delete<{ Params: IdParams; Body: { agent: string } }>(
    '/admin/capacite/fermetures/:id',
    {
      schema: operation({
        operationId: 'deleteCapacityClosure',
        summary: 'Lève une fermeture : ses créneaux libres sont de nouveau proposés',
        tags: TAGS,
        params: idParams,
        body: agentBody,
        response: { 200: closureJson },
      }),
    },
    async (request) => closureView(await service.deleteClosure(request.params.id, request.body.agent), [], 0),
  );

  // ---- non-working days
  app.get<{ Querystring: { annee: number; commune?: string } }>(
    '/admin/capacite/jours-non-travailles',
    {
      schema: operation({
        operationId: 'listNonWorkingDays',
        summary: 'Jours fériés nationaux (date-holidays) et jours non travaillés du fournisseur d’une année',
        tags: TAGS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['annee'],
          properties: { annee: { type: 'integer', minimum: 2000, maximum: 2100 }, commune },
        },
        response: { 200: { type: 'object', required: ['jours'], properties: { jours: { type: 'array', items: dayJson } } } },
      }),
    },
    async (request) => ({ jours: (await service.nonWorkingDays(request.query.annee, request.query.commune)).map(nonWorkingDayView) }),
  );

  app.post<{ Body: { agent: string; jour: string; perimetre?: string; libelle: string } }>(
    '/admin/capacite/jours-non-travailles',
    {
      schema: operation({
        operationId: 'createNonWorkingDay',
        summary: 'Ajoute un jour non travaillé du fournisseur (férié local, Alsace-Moselle, fermeture) : créneaux libres retirés ce jour-là',
        tags: TAGS,
        body: { type: 'object', additionalProperties: false, required: ['agent', 'jour', 'libelle'], properties: { agent, jour: day, perimetre, libelle: motif } },
        response: { 201: dayAnswer },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const result = await service.addNonWorkingDay({ jour: b.jour, perimetre: b.perimetre ?? null, libelle: b.libelle }, b.agent);
      const view: NonWorkingDayView = { jour: result.jour.jour, libelle: result.jour.libelle, source: 'FOURNISSEUR', perimetre: result.jour.perimetre, record: result.jour };
      return reply.code(201).send({ jour: nonWorkingDayView(view), regeneration: regenerationView(result.regeneration) });
    },
  );

  app.delete<{ Params: IdParams; Body: { agent: string } }>(
    '/admin/capacite/jours-non-travailles/:id',
    {
      schema: operation({
        operationId: 'deleteNonWorkingDay',
        summary: 'Retire un jour non travaillé du fournisseur : les créneaux de ce jour sont régénérés',
        tags: TAGS,
        params: idParams,
        body: agentBody,
        response: { 200: dayAnswer },
      }),
    },
    async (request) => {
      const result = await service.deleteNonWorkingDay(request.params.id, request.body.agent);
      const view: NonWorkingDayView = { jour: result.jour.jour, libelle: result.jour.libelle, source: 'FOURNISSEUR', perimetre: result.jour.perimetre, record: result.jour };
      return { jour: nonWorkingDayView(view), regeneration: regenerationView(result.regeneration) };
    },
  );

  // ---- booked versus free
  app.get<{ Querystring: { commune: string; type?: TypeRendezVous; du: string; au: string } }>(
    '/admin/capacite/vue',
    {
      schema: operation({
        operationId: 'capacityView',
        summary: 'Créneaux réservés et libres d’une commune : par jour et par créneau, capacité, réservés, libres, fermés, hors capacité ; synthèse',
        tags: TAGS,
        querystring: { type: 'object', additionalProperties: false, required: ['commune', 'du', 'au'], properties: { commune, type: typeRdv, du: day, au: day } },
        response: { 200: viewJson },
      }),
    },
    async (request) => {
      const q = request.query;
      return capacityViewJson(await service.view({ codeInsee: q.commune, du: q.du, au: q.au, ...(q.type ? { type: q.type } : {}) }));
    },
  );
};
