// The admin API routes of the notices to the operators (issue 15, decision 0022): list them,
// publish one by hand (a dated notice of a kind the contract sets a period for is checked against
// it; `force` by a named agent, audited), withdraw one. Registered by buildAdminApp (app.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { NoticeService } from '../../application/notices.js';
import { NOTICE_KINDS, NOTICE_RULES, noticeReference, WEB_SERVICE_CHANGES, type Notice, type NoticeKind, type WebServiceChange } from '../../domain/notices.js';
import { parseInstant } from './operations-routes.js';
import { arrayOf, bool, instantOut, nullableEnum, nullableInstantOut, object, operation, str } from './schemas.js';

export function noticeView(n: Notice) {
  return {
    reference: noticeReference(n.id),
    type: n.kind,
    operateurs: n.operatorCodes,
    titre: n.title,
    texte: n.body,
    datePublication: n.publishedAt.toISOString(),
    debut: n.startsAt?.toISOString() ?? null,
    fin: n.endsAt?.toISOString() ?? null,
    auteur: n.createdBy,
    preavisForce: n.forcedRule,
    dateRetrait: n.withdrawnAt?.toISOString() ?? null,
  };
}
export type NoticeJson = ReturnType<typeof noticeView>;

const noticeSchema = object(
  {
    reference: str,
    type: { type: 'string', enum: [...NOTICE_KINDS] },
    operateurs: { type: ['array', 'null'], items: str },
    titre: str,
    texte: str,
    datePublication: instantOut,
    debut: nullableInstantOut,
    fin: nullableInstantOut,
    auteur: str,
    preavisForce: nullableEnum(NOTICE_RULES),
    dateRetrait: nullableInstantOut,
  },
  'Un avis aux opérateurs (Espace Opérateurs) ; operateurs null : tous',
);

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const instant = { type: 'string', minLength: 10, maxLength: 40 } as const;
const operatorCode = { type: 'string', pattern: '^[A-Z0-9]{4}$' } as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'type', 'titre', 'texte'],
  properties: {
    agent,
    type: { type: 'string', enum: [...NOTICE_KINDS] },
    // absent: every operator
    operateurs: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: operatorCode },
    titre: { type: 'string', minLength: 1, maxLength: 200 },
    texte: { type: 'string', minLength: 1, maxLength: 5000 },
    debut: instant,
    fin: instant,
    // the kind of web-service change (VERSION_WEB_SERVICE): ACCES (URL, IP, authentification), MINEURE, MAJEURE (default)
    changement: { type: 'string', enum: [...WEB_SERVICE_CHANGES] },
    force: { type: 'boolean', default: false },
  },
} as const;

interface CreateBody {
  agent: string;
  type: NoticeKind;
  operateurs?: string[];
  titre: string;
  texte: string;
  debut?: string;
  fin?: string;
  changement?: WebServiceChange;
  force?: boolean;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operateur: operatorCode,
    retires: { type: 'boolean', default: false },
    limite: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
} as const;

const referenceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: '^(AV-)?[0-9]{1,12}$' } },
} as const;

export const noticesRoutes: FastifyPluginAsync<{ service: NoticeService }> = async (app, { service }) => {
  const tags = ['avis'];

  app.get<{ Querystring: { operateur?: string; retires: boolean; limite: number } }>(
    '/admin/avis',
    {
      schema: operation({
        operationId: 'listNotices',
        summary: 'Les avis aux opérateurs, les plus récents d’abord (ceux d’un opérateur ; retirés compris sur demande) ; l’envoi par e-mail est-il configuré',
        tags,
        querystring: listQuery,
        response: { 200: object({ envoiEmail: bool, avis: arrayOf(noticeSchema) }) },
      }),
    },
    async (request) => {
      const q = request.query;
      const notices = await service.list({ includeWithdrawn: q.retires, limit: q.limite, ...(q.operateur ? { operatorCode: q.operateur } : {}) });
      return { envoiEmail: service.mailing, avis: notices.map(noticeView) };
    },
  );

  app.post<{ Body: CreateBody }>(
    '/admin/avis',
    {
      schema: operation({
        operationId: 'createNotice',
        summary:
          'Publie un avis aux opérateurs (tous, ou ceux listés), envoyé par e-mail si SMTP est configuré ; un avis daté d’un type soumis à préavis (travaux, limite, certificat, version) est refusé trop tard, la règle nommée, sauf force (audité)',
        tags,
        body: createBody,
        response: { 201: noticeSchema },
      }),
    },
    async (request, reply) => {
      const b = request.body;
      const created = await service.create(
        b.agent,
        {
          kind: b.type,
          operatorCodes: b.operateurs ?? null,
          title: b.titre,
          body: b.texte,
          startsAt: b.debut !== undefined ? parseInstant(b.debut, 'debut') : null,
          endsAt: b.fin !== undefined ? parseInstant(b.fin, 'fin') : null,
          ...(b.changement ? { change: b.changement } : {}),
        },
        { force: b.force ?? false },
      );
      return reply.code(201).send(noticeView(created));
    },
  );

  app.post<{ Params: { reference: string }; Body: { agent: string } }>(
    '/admin/avis/:reference/retrait',
    {
      schema: operation({
        operationId: 'withdrawNotice',
        summary: 'Retire un avis (il n’est plus montré aux opérateurs ; l’agent au journal d’audit)',
        tags,
        params: referenceParams,
        body: { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } },
        response: { 200: noticeSchema },
      }),
    },
    async (request) => noticeView(await service.withdraw(request.body.agent, request.params.reference)),
  );
};
