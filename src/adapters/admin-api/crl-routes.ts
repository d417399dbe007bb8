// The admin API routes of the CRLs of recognised CAs (issue 14 point 4, decision 0019): the CRL
// sources with their state, and "fetch them now" (audited with the support staff name). Registered
// by buildAdminApp (src/adapters/admin-api/app.ts).
import type { FastifyPluginAsync } from 'fastify';
import { CRL_SOURCE_STATES, CRL_UNAVAILABLE_POLICIES, type CrlFetchResult, type CrlOverview, type CrlService, type CrlSourceView } from '../../application/crl.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

const CERTIFICATE_STATES = ['ACCEPTE', 'REVOQUE', 'LCR_INDISPONIBLE_ACCEPTE', 'LCR_INDISPONIBLE_REFUSE'] as const;

export function crlSourceView(s: CrlSourceView) {
  return {
    url: s.url,
    etat: s.state,
    emetteur: s.issuer,
    acSignataire: s.signerFingerprint,
    dateEmission: iso(s.thisUpdate),
    prochaineMiseAJour: iso(s.nextUpdate),
    numero: s.crlNumber,
    seriesRevoquees: s.revokedSerials.length,
    derniereTentative: iso(s.lastFetchAt),
    dernierSucces: iso(s.lastSuccessAt),
    derniereErreur: s.lastError,
    derniereErreurLe: iso(s.lastErrorAt),
    prochaineTentative: iso(s.nextTryAt),
    certificats: s.certificates.map((c) => ({ empreinte: c.fingerprint, operateur: c.operatorCode, numeroSerie: c.serial, etat: c.state })),
  };
}

export function crlOverviewView(o: CrlOverview) {
  return { politique: o.policy, rafraichissementSecondes: o.refreshSeconds, sources: o.sources.map(crlSourceView) };
}

const fetchResultView = (r: CrlFetchResult) => ({ url: r.url, ok: r.ok, erreur: r.error ?? null, seriesRevoquees: r.revoked ?? null });

export type CrlSourceJson = ReturnType<typeof crlSourceView>;
export type CrlOverviewJson = ReturnType<typeof crlOverviewView>;
export type CrlRefreshJson = CrlOverviewJson & { resultats: Array<ReturnType<typeof fetchResultView>>; connexionsFermees: number };

// ---------------------------------------------------------------- schemas

const instant = { type: ['string', 'null'], format: 'date-time' } as const;
const text = { type: ['string', 'null'] } as const;
const sourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'etat', 'certificats'],
  properties: {
    url: { type: 'string' },
    etat: { type: 'string', enum: [...CRL_SOURCE_STATES] },
    emetteur: text,
    acSignataire: text,
    dateEmission: instant,
    prochaineMiseAJour: instant,
    numero: text,
    seriesRevoquees: { type: 'integer' },
    derniereTentative: instant,
    dernierSucces: instant,
    derniereErreur: text,
    derniereErreurLe: instant,
    prochaineTentative: instant,
    certificats: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['empreinte', 'operateur', 'numeroSerie', 'etat'],
        properties: {
          empreinte: { type: 'string' },
          operateur: { type: 'string' },
          numeroSerie: { type: 'string' },
          etat: { type: 'string', enum: [...CERTIFICATE_STATES] },
        },
      },
    },
  },
} as const;
const overviewProperties = {
  politique: { type: 'string', enum: [...CRL_UNAVAILABLE_POLICIES] },
  rafraichissementSecondes: { type: 'integer' },
  sources: { type: 'array', items: sourceSchema },
} as const;
const overviewSchema = { type: 'object', additionalProperties: false, required: ['politique', 'sources'], properties: overviewProperties } as const;
const refreshSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['politique', 'sources', 'resultats', 'connexionsFermees'],
  properties: {
    ...overviewProperties,
    resultats: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'ok'],
        properties: { url: { type: 'string' }, ok: { type: 'boolean' }, erreur: text, seriesRevoquees: { type: ['integer', 'null'] } },
      },
    },
    connexionsFermees: { type: 'integer' },
  },
} as const;
const agentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent'],
  properties: { agent: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } },
} as const;

// The route schemas, with what the OpenAPI description is generated from (summary, tags, operationId).
const listSchema = {
  summary: 'Sources de LCR des AC reconnues : état, dernier succès, dernière erreur, prochaine tentative, certificats concernés',
  tags: ['lcr'],
  operationId: 'listCrlSources',
  response: { 200: overviewSchema },
};
const refreshRouteSchema = {
  summary: 'Télécharge et vérifie maintenant chaque LCR, les applique dans ce processus (les autres à leur prochain rafraîchissement de confiance) ; audité',
  tags: ['lcr'],
  operationId: 'refreshCrlSources',
  body: agentBody,
  response: { 200: refreshSchema },
};

/** GET /admin/crl, POST /admin/crl/rafraichissement: a plugin of the admin app (buildAdminApp). */
export const crlRoutes: FastifyPluginAsync<{ service: CrlService }> = async (app, { service }) => {
  app.get('/admin/crl', { schema: listSchema }, async () => crlOverviewView(await service.overview()));

  app.post<{ Body: { agent: string } }>(
    '/admin/crl/rafraichissement',
    { schema: refreshRouteSchema },
    async (request) => {
      const { results, connectionsClosed, overview } = await service.refreshNow(request.body.agent);
      return { ...crlOverviewView(overview), resultats: results.map(fetchResultView), connexionsFermees: connectionsClosed };
    },
  );
};
