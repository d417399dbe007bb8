// The admin API routes of operators, certificates, recognised CAs, promotions and the audit log
// (issue 6, decision 0009). Registered by buildAdminApp (src/adapters/admin-api/app.ts); refusals are
// UseCaseError (by kind: 400/404/409) with a message for support staff. Every change names the support
// staff member (`agent`), written to the audit log.
import type { FastifyPluginAsync } from 'fastify';
import { PROMOTION_DOMAINS, type PromotionDomain } from '../../domain/operators.js';
import type { OperatorState } from '../../domain/operator-lifecycle.js';
import { UseCaseError } from '../../application/errors.js';
import type { CertificateRecord, OperatorRecord, RecordedAuditEntry } from '../../application/operator-ports.js';
import type { AuthorityView, Issuance, OperatorService, RenewalDue } from '../../application/operators.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** An operator as JSON; `etat` is its life cycle state now (OperatorService.stateOf, issue 14). */
export function operatorView(o: OperatorRecord, etat: OperatorState) {
  const l = o.lifecycle;
  return {
    code: o.code,
    siret: o.siret,
    raisonSociale: o.raisonSociale,
    plateforme: o.platform,
    creeLe: iso(o.createdAt),
    creePar: o.onboardedBy,
    bonDeCommande: o.bonDeCommande,
    promuLe: iso(o.promotedAt),
    promuPar: o.promotedBy,
    domainesProduction: o.productionDomains,
    certificatsActifs: o.activeCertificates,
    etat,
    suspension: l.suspendedAt ? { le: iso(l.suspendedAt), par: l.suspendedBy, motif: l.suspensionReason } : null,
    resiliation: l.terminationDate
      ? { date: l.terminationDate, effectiveLe: iso(l.terminationAt), notifieeLe: l.terminationNotifiedOn, enregistreePar: l.terminationRecordedBy, motif: l.terminationReason }
      : null,
  };
}

export type CertificateState = 'ACTIF' | 'REVOQUE' | 'EXPIRE' | 'PAS_ENCORE_VALIDE';

/** A certificate as JSON; `pem` only in the views of one certificate (lists stay small). */
export function certificateView(c: CertificateRecord, options: { pem?: boolean; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const etat: CertificateState = c.revokedAt
    ? 'REVOQUE'
    : c.notAfter.getTime() <= now.getTime()
      ? 'EXPIRE'
      : c.notBefore.getTime() > now.getTime()
        ? 'PAS_ENCORE_VALIDE'
        : 'ACTIF';
  return {
    empreinte: c.fingerprint,
    operateur: c.operatorCode,
    profil: c.profileName,
    etat,
    sujet: c.subject,
    emetteur: c.issuer,
    numeroSerie: c.serialNumber,
    debutValidite: iso(c.notBefore),
    finValidite: iso(c.notAfter),
    origine: c.origin,
    livraison: c.delivery,
    cle: c.keyDescription,
    enregistreLe: iso(c.registeredAt),
    enregistrePar: c.registeredBy,
    revoqueLe: iso(c.revokedAt),
    revoquePar: c.revokedBy,
    motifRevocation: c.revocationReason,
    predecesseur: c.predecessor,
    successeur: c.successor,
    pem: options.pem ? c.certPem : null,
  };
}

export function renewalView(r: RenewalDue) {
  return { certificat: certificateView(r.certificate), dateEcheance: r.dueDay, dateExpiration: r.expiryDay, echu: r.due };
}

export function authorityView(a: AuthorityView) {
  return {
    empreinte: a.fingerprint,
    sujet: a.subject,
    finValidite: iso(a.notAfter),
    source: a.source,
    fournisseur: a.provider,
    ajouteeLe: iso(a.record?.addedAt ?? null),
    ajouteePar: a.record?.addedBy ?? null,
  };
}

export function auditView(e: RecordedAuditEntry) {
  return { id: e.id, date: iso(e.at), agent: e.actor, action: e.action, operateur: e.operatorCode, certificat: e.certificateFingerprint, details: e.details };
}

export type OperatorJson = ReturnType<typeof operatorView>;
export type CertificateJson = ReturnType<typeof certificateView>;
export type RenewalJson = ReturnType<typeof renewalView>;
export type AuthorityJson = ReturnType<typeof authorityView>;
export type AuditJson = ReturnType<typeof auditView>;

// ---------------------------------------------------------------- schemas

const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
const operatorCode = { type: 'string', pattern: '^[A-Z0-9]{4}$' } as const;
const profile = { type: 'string', pattern: '^[A-Z0-9_]{1,64}$' } as const;
const pem = { type: 'string', minLength: 1, maxLength: 32_000 } as const;
const instant = { type: 'string', minLength: 10, maxLength: 40 } as const;
const validityDays = { type: 'integer', minimum: 1, maximum: 1095 } as const;
const password = { type: 'string', minLength: 1, maxLength: 200 } as const;
const fingerprintParams = {
  type: 'object',
  additionalProperties: false,
  required: ['empreinte'],
  properties: { empreinte: { type: 'string', pattern: '^[0-9A-Fa-f:]{8,95}$' } },
} as const;
const codeParams = { type: 'object', additionalProperties: false, required: ['code'], properties: { code: operatorCode } } as const;

// The order form's fields are checked by the domain (every mistake reported at once, in the
// form's words); the schema only refuses unknown fields.
const ORDER_FORM_FIELDS = [
  'codeOperateur',
  'referenceContrat',
  'numeroAffaire',
  'raisonSociale',
  'siret',
  'representant',
  'telephone',
  'email',
  'adresse',
  'contactEsav',
  'acces',
  'commentaires',
] as const;
const onboardBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent'],
  properties: { agent, ...Object.fromEntries(ORDER_FORM_FIELDS.map((f) => [f, {}])) },
} as const;

const issuanceProperties = { csr: pem, pkcs12: { type: 'boolean' }, motDePasse: password, validiteJours: validityDays, demandeLe: instant } as const;
const issueBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'operateur', 'profil'],
  properties: { agent, operateur: operatorCode, profil: profile, ...issuanceProperties },
} as const;
const renewBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent, ...issuanceProperties } } as const;
const registerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'operateur', 'profil', 'pem'],
  properties: { agent, operateur: operatorCode, profil: profile, pem, demandeLe: instant },
} as const;
const revokeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'motif'],
  properties: { agent, motif: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;
const profileBody = { type: 'object', additionalProperties: false, required: ['agent', 'profil'], properties: { agent, profil: profile } } as const;
const promotionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'domaines'],
  properties: { agent, domaines: { type: 'array', minItems: 1, maxItems: PROMOTION_DOMAINS.length, items: { type: 'string', enum: [...PROMOTION_DOMAINS] } } },
} as const;
const authorityBody = { type: 'object', additionalProperties: false, required: ['agent', 'pem'], properties: { agent, pem } } as const;
const agentBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent } } as const;
const certificatesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { operateur: operatorCode, actifs: { type: 'boolean', default: false } },
} as const;
const renewalsQuery = { type: 'object', additionalProperties: false, properties: { dans: { type: 'integer', minimum: 0, maximum: 365, default: 0 } } } as const;
const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operateur: operatorCode,
    certificat: { type: 'string', pattern: '^[0-9A-Fa-f:]{64,95}$' },
    limite: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

interface IssuanceFields {
  csr?: string;
  pkcs12?: boolean;
  motDePasse?: string;
  validiteJours?: number;
  demandeLe?: string;
}

/** An ISO-8601 instant with its offset (or Z), or a plain YYYY-MM-DD day; 400 otherwise. */
function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d\d-\d\d($|T.*(Z|[+-]\d\d:\d\d)$)/.test(value) || Number.isNaN(date.getTime())) {
    throw new UseCaseError('invalid', `requête invalide : ${field} : date ISO-8601 attendue (ex. 2026-11-27 ou 2026-11-27T10:00:00+01:00)`);
  }
  return date;
}

function issuanceOf(body: IssuanceFields): Issuance {
  if ((body.csr !== undefined) === Boolean(body.pkcs12)) {
    throw new UseCaseError('invalid', 'requête invalide : donner soit csr (la demande PKCS#10 de l’opérateur), soit pkcs12: true (bi-clé générée)');
  }
  if (body.csr !== undefined && body.motDePasse !== undefined) throw new UseCaseError('invalid', 'requête invalide : motDePasse ne s’applique qu’au PKCS#12');
  const validity = body.validiteJours !== undefined ? { validityDays: body.validiteJours } : {};
  return body.csr !== undefined
    ? { kind: 'CSR', csrPem: body.csr, ...validity }
    : { kind: 'PKCS12', ...(body.motDePasse !== undefined ? { password: body.motDePasse } : {}), ...validity };
}

function issuedView(outcome: Awaited<ReturnType<OperatorService['issue']>>) {
  return {
    certificat: certificateView(outcome.certificate, { pem: true }),
    avertissements: outcome.warnings,
    ...('pkcs12' in outcome ? { pkcs12: outcome.pkcs12.toString('base64'), ...(outcome.generatedPassword ? { motDePasseGenere: outcome.generatedPassword } : {}) } : {}),
  };
}

export type IssuedJson = ReturnType<typeof issuedView>;

/** The operators, certificates, CAs, promotions and audit routes, a plugin of the admin app (buildAdminApp). */
export const operatorRoutes: FastifyPluginAsync<{ service: OperatorService }> = async (app, { service }) => {
  app.get('/admin/operateurs', async () => ({ operateurs: (await service.operators()).map((o) => operatorView(o, service.stateOf(o))) }));

  app.post<{ Body: Record<string, unknown> & { agent: string } }>('/admin/operateurs', { schema: { body: onboardBody } }, async (request, reply) => {
    const { agent: who, ...form } = request.body;
    const created = await service.onboard(form, who);
    return reply.code(201).send(operatorView(created, service.stateOf(created)));
  });

  app.get<{ Params: { code: string } }>('/admin/operateurs/:code', { schema: { params: codeParams } }, async (request) => {
    const view = await service.operator(request.params.code);
    return { ...operatorView(view.operator, service.stateOf(view.operator)), certificats: view.certificates.map((c) => certificateView(c)), domainesValides: view.passedDomains };
  });

  app.post<{ Params: { code: string }; Body: { agent: string; domaines: PromotionDomain[] } }>(
    '/admin/operateurs/:code/promotion',
    { schema: { params: codeParams, body: promotionBody } },
    async (request) => {
      const promoted = await service.promote(request.params.code, request.body.domaines, request.body.agent);
      return operatorView(promoted, service.stateOf(promoted));
    },
  );

  app.get<{ Querystring: { operateur?: string; actifs: boolean } }>('/admin/certificats', { schema: { querystring: certificatesQuery } }, async (request) => ({
    certificats: (await service.certificates({ ...(request.query.operateur ? { operatorCode: request.query.operateur } : {}), activeOnly: request.query.actifs })).map((c) =>
      certificateView(c),
    ),
  }));

  app.get<{ Querystring: { dans: number } }>('/admin/certificats/renouvellements', { schema: { querystring: renewalsQuery } }, async (request) => ({
    renouvellements: (await service.renewals(request.query.dans)).map(renewalView),
  }));

  app.get<{ Params: { empreinte: string } }>('/admin/certificats/:empreinte', { schema: { params: fingerprintParams } }, async (request) =>
    certificateView(await service.certificate(request.params.empreinte), { pem: true }),
  );

  app.post<{ Body: IssuanceFields & { agent: string; operateur: string; profil: string } }>(
    '/admin/certificats/emission',
    { schema: { body: issueBody } },
    async (request, reply) => {
      const b = request.body;
      const outcome = await service.issue({
        operatorCode: b.operateur,
        profileName: b.profil,
        agent: b.agent,
        issuance: issuanceOf(b),
        ...(b.demandeLe !== undefined ? { askedAt: parseInstant(b.demandeLe, 'demandeLe') } : {}),
      });
      return reply.code(201).send(issuedView(outcome));
    },
  );

  app.post<{ Body: { agent: string; operateur: string; profil: string; pem: string; demandeLe?: string } }>(
    '/admin/certificats/enregistrement',
    { schema: { body: registerBody } },
    async (request, reply) => {
      const b = request.body;
      const outcome = await service.register({
        operatorCode: b.operateur,
        profileName: b.profil,
        agent: b.agent,
        pem: b.pem,
        ...(b.demandeLe !== undefined ? { askedAt: parseInstant(b.demandeLe, 'demandeLe') } : {}),
      });
      return reply.code(201).send({ certificat: certificateView(outcome.certificate, { pem: true }), avertissements: outcome.warnings });
    },
  );

  app.post<{ Params: { empreinte: string }; Body: IssuanceFields & { agent: string } }>(
    '/admin/certificats/:empreinte/renouvellement',
    { schema: { params: fingerprintParams, body: renewBody } },
    async (request, reply) => {
      const b = request.body;
      const outcome = await service.renew(request.params.empreinte, {
        agent: b.agent,
        issuance: issuanceOf(b),
        ...(b.demandeLe !== undefined ? { askedAt: parseInstant(b.demandeLe, 'demandeLe') } : {}),
      });
      return reply.code(201).send(issuedView(outcome));
    },
  );

  app.post<{ Params: { empreinte: string }; Body: { agent: string; motif: string } }>(
    '/admin/certificats/:empreinte/revocation',
    { schema: { params: fingerprintParams, body: revokeBody } },
    async (request) => {
      const { certificate, connectionsClosed } = await service.revoke(request.params.empreinte, request.body.motif, request.body.agent);
      return { certificat: certificateView(certificate), connexionsFermees: connectionsClosed };
    },
  );

  app.post<{ Params: { empreinte: string }; Body: { agent: string; profil: string } }>(
    '/admin/certificats/:empreinte/profil',
    { schema: { params: fingerprintParams, body: profileBody } },
    async (request) => certificateView(await service.bindProfile(request.params.empreinte, request.body.profil, request.body.agent)),
  );

  app.get('/admin/autorites', async () => ({ autorites: (await service.authorities()).map(authorityView) }));

  app.post<{ Body: { agent: string; pem: string } }>('/admin/autorites', { schema: { body: authorityBody } }, async (request, reply) =>
    reply.code(201).send(authorityView(await service.addAuthority(request.body.pem, request.body.agent))),
  );

  app.post<{ Params: { empreinte: string }; Body: { agent: string } }>(
    '/admin/autorites/:empreinte/retrait',
    { schema: { params: fingerprintParams, body: agentBody } },
    async (request) => authorityView(await service.withdrawAuthority(request.params.empreinte, request.body.agent)),
  );

  app.get<{ Querystring: { operateur?: string; certificat?: string; limite: number } }>('/admin/audit', { schema: { querystring: auditQuery } }, async (request) => ({
    evenements: (
      await service.auditLog({
        ...(request.query.operateur ? { operatorCode: request.query.operateur } : {}),
        ...(request.query.certificat ? { certificateFingerprint: request.query.certificat } : {}),
        limit: request.query.limite,
      })
    ).map(auditView),
  }));
};
