// The back-office admin API: plain HTTP + JSON on its own address (ESAV_ADMIN_HOST/PORT), never on
// the operators' mutual-TLS port. Every route but /health/live needs `Authorization: Bearer
// <token>`. The support command line (src/admin-cli/cli.ts) is its client.
// The root scope holds what every route shares (JSON parser, bearer check, log line, JSON errors);
// each route family is a Fastify plugin with its service as option: backOfficeRoutes (below),
// travauxRoutes, operationsRoutes (+ healthRoutes), conformanceAdminRoutes, operatorRoutes.
import type { NoticeService } from '../../application/notices.js';
import { noticesRoutes } from './notices-routes.js';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyError, type FastifyPluginAsync } from 'fastify';
import fastifySwagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Logger } from 'pino';
import { ATTENTES, ETATS, type Attente, type Etat } from '../../domain/signalisation.js';
import type { BackOfficeService } from '../../application/back-office.js';
import { UseCaseError } from '../../application/errors.js';
import { httpStatusOf } from '../http-status.js';
import type { CommentEntry, HistoryEntry, Prestation, Signalisation } from '../../application/signalisation-ports.js';
import type { SignalisationDetail } from '../../application/signalisation.js';
import type { TravauxService } from '../../application/travaux.js';
import { PUBLIC_ADMIN_PATHS, operationsRoutes, type OperationsAdmin } from './operations-routes.js';
import { travauxRoutes } from './travaux-routes.js';
import { conformanceAdminRoutes } from './conformance-routes.js';
import { operatorRoutes } from './operators-routes.js';
import { portalAccountRoutes } from './portal-accounts-routes.js';
import { prestationRoutes, type PrestationRoutesOptions } from './prestations-routes.js';
import { profileRoutes } from './profiles-routes.js';
import { operatorLifecycleRoutes } from './operator-lifecycle-routes.js';
import type { ProfileService } from '../../application/profiles.js';
import type { OperatorLifecycleService } from '../../application/operator-lifecycle.js';
import { crlRoutes } from './crl-routes.js';
import type { CrlService } from '../../application/crl.js';
import type { PortalAccountAdminService } from '../../application/web-account-admin.js';
import { supportAccountRoutes } from './support-accounts-routes.js';
import { exploitationRoutes, type ExploitationDeps } from './exploitation-routes.js';
import type { SupportAccountService } from '../../application/support-accounts.js';
import type { OperatorService } from '../../application/operators.js';
import { refuseNonXmlText } from './xml-text-guard.js';
import type { ConformanceRunService } from '../../application/conformance-runs.js';
import { anyJson, arrayOf, instantOut, int, nullableEnum, nullableInstantOut, nullableStr, num, object, operation, referenceParams, str } from './schemas.js';
import { capacityRoutes } from './capacity-routes.js';
import { pushRoutes } from './push-routes.js';
import type { PushAdminService } from '../../application/push.js';
import type { CapacityAdminService } from '../../application/capacity.js';

export interface AdminAppOptions {
  backOffice: BackOfficeService;
  /** Planned works and incidents (routes /admin/travaux…, src/adapters/admin-api/travaux-routes.ts); absent: no such routes. */
  travaux?: TravauxService;
  /** Health, metrics, maintenance, rate limits, volumetry (src/adapters/admin-api/operations-routes.ts); absent: /health/live only. */
  operations?: OperationsAdmin;
  /** Conformance runs of the operators (routes /admin/conformite…, src/adapters/admin-api/conformance-routes.ts); absent: no such routes. */
  conformance?: ConformanceRunService;
  /** Operators, certificates, recognised CAs, promotions, audit (routes /admin/operateurs…, src/adapters/admin-api/operators-routes.ts); absent: no such routes. */
  operators?: OperatorService;
  /** The web portal's accounts (routes /admin/portail…, src/adapters/admin-api/portal-accounts-routes.ts); absent: no such routes. */
  portalAccounts?: PortalAccountAdminService;
  /** Prestations import and administration (routes /admin/prestations…, src/adapters/admin-api/prestations-routes.ts); absent: no such routes. */
  prestations?: PrestationRoutesOptions;
  /** Technicians' capacity: patterns, exceptions, non-working days, booked versus free (routes /admin/capacite…, src/adapters/admin-api/capacity-routes.ts); absent: no such routes. */
  capacity?: CapacityAdminService;
  /** Profiles (routes /admin/profils…, src/adapters/admin-api/profiles-routes.ts); absent: no such routes. */
  profiles?: ProfileService;
  /** Operators' suspension, reactivation, termination (src/adapters/admin-api/operator-lifecycle-routes.ts); absent: no such routes. */
  operatorLifecycle?: OperatorLifecycleService;
  /** The CRLs of recognised CAs (routes /admin/crl…, src/adapters/admin-api/crl-routes.ts); absent: no such routes. */
  crl?: CrlService;
  /** The support staff's accounts of the console (routes /admin/support/comptes…, src/adapters/admin-api/support-accounts-routes.ts); absent: no such routes. */
  supportAccounts?: SupportAccountService;
  /** Push notifications: callback subscriptions, events and their delivery, replay (src/adapters/admin-api/push-routes.ts); absent: no such routes. */
  push?: PushAdminService;
  /** The running state: queue depth and error rates (route /admin/exploitation, src/adapters/admin-api/exploitation-routes.ts); absent: no such route. */
  exploitation?: ExploitationDeps;
  /** The notices to the operators (routes /admin/avis…, src/adapters/admin-api/notices-routes.ts); absent: no such routes. */
  notices?: NoticeService;
  /** The bearer token every request (but /health/live) must carry. */
  token: string;
  /**
   * An answer that does not match its route's response schema (decision 0020): 'log' it (an
   * error line; the answer is sent as it is) or make it 'fail' (500). Default: 'fail' under the
   * tests (NODE_ENV=test, set by jest), 'log' otherwise.
   */
  responseCheck?: 'log' | 'fail';
  logger: Logger;
}

/** Default and maximum `limite` of the list route. */
export const ADMIN_LIST_DEFAULT = 50;
export const ADMIN_LIST_MAX = 500;

// ---------------------------------------------------------------- JSON views (dates ISO-8601)

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function signalisationView(s: Signalisation) {
  return {
    reference: s.reference,
    operateur: s.operatorCode,
    referenceInterneOC: s.referenceInterneOC,
    identifiantPrestation: s.prestationId,
    offre: s.offerCode,
    formulaire: s.formulaire,
    defautDeclare: s.defautDeclare,
    impact: s.impact,
    dateDebutDefaut: iso(s.dateDebutDefaut),
    localisationPresumee: s.localisationPresumee,
    contactSite: s.contactSite,
    contactOC: s.contactOC,
    accesSite: s.accesSite,
    commentaire: s.commentaire,
    champs: s.champs,
    idDemandeTest: s.idDemandeTest,
    etat: s.etat,
    dateEtat: iso(s.dateEtat),
    motif: s.motif,
    attente: s.attente,
    garantie: {
      code: s.garantieCode,
      echeanceRetablissement: iso(s.echeanceRetablissement),
      consommeeMs: s.guaranteeClock.consumedMs,
      enCoursDepuis: iso(s.guaranteeClock.runningSince),
    },
    causeCloture: s.causeCloture,
    dateCloture: iso(s.dateCloture),
    dateDepot: iso(s.depositedAt),
  };
}

function prestationView(p: Prestation) {
  return {
    identifiant: p.identifiant,
    operateur: p.operatorCode,
    offre: p.offerCode,
    codeInsee: p.codeInsee,
    gtr: p.gtrCode,
    extremites: p.extremites,
    informations: p.informations,
  };
}

const historyView = (h: HistoryEntry) => ({ date: iso(h.at), de: h.from, vers: h.to, acteur: h.actor, motif: h.motif });
const commentView = (c: CommentEntry) => ({ date: iso(c.at), auteur: c.author, texte: c.texte });

export function detailView(d: SignalisationDetail) {
  return {
    ...signalisationView(d.signalisation),
    prestation: prestationView(d.prestation),
    historique: d.history.map(historyView),
    commentaires: d.comments.map(commentView),
  };
}

// ---------------------------------------------------------------- response schemas

const codeValeur = object({ code: str, valeur: str });
const etat = { type: 'string', enum: [...ETATS] } as const;

export const signalisationSchema = object(
  {
    reference: str,
    operateur: str,
    referenceInterneOC: str,
    identifiantPrestation: str,
    offre: str,
    formulaire: object({ idFormulaire: str, version: int }),
    defautDeclare: str,
    impact: str,
    dateDebutDefaut: nullableInstantOut,
    localisationPresumee: nullableStr,
    contactSite: object({ nom: str, telephone: str }),
    contactOC: object({ nom: str, telephone: str, email: str }),
    accesSite: { type: ['object', 'null'], properties: { horaires: str, informations: str } },
    commentaire: nullableStr,
    champs: arrayOf(codeValeur),
    idDemandeTest: nullableStr,
    etat,
    dateEtat: instantOut,
    motif: nullableStr,
    attente: nullableEnum(ATTENTES),
    garantie: object({ code: str, echeanceRetablissement: nullableInstantOut, consommeeMs: num, enCoursDepuis: nullableInstantOut }),
    causeCloture: nullableStr,
    dateCloture: nullableInstantOut,
    dateDepot: instantOut,
  },
  'Une signalisation (dates ISO-8601 UTC)',
);

const detailSchema = {
  ...signalisationSchema,
  description: 'Une signalisation, sa prestation, l’historique de ses états et ses commentaires',
  properties: {
    ...signalisationSchema.properties,
    prestation: object({
      identifiant: str,
      operateur: str,
      offre: str,
      codeInsee: nullableStr,
      gtr: str,
      extremites: arrayOf(object({ type: str, reference: str, adresse: anyJson })),
      informations: arrayOf(codeValeur),
    }),
    historique: arrayOf(object({ date: instantOut, de: nullableEnum(ETATS), vers: etat, acteur: str, motif: nullableStr })),
    commentaires: arrayOf(object({ date: instantOut, auteur: str, texte: str })),
  },
} as const;

// ---------------------------------------------------------------- request schemas

const listQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['operateur'],
  properties: {
    operateur: { type: 'string', pattern: '^[A-Z0-9]{4}$' },
    etat: { type: 'array', items: { type: 'string', enum: [...ETATS] }, maxItems: ETATS.length },
    limite: { type: 'integer', minimum: 1, maximum: ADMIN_LIST_MAX, default: ADMIN_LIST_DEFAULT },
  },
} as const;

// The support staff name written to the audit log (as every support action's `agent`).
const agent = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;

const transitionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'etat'],
  properties: {
    agent,
    etat: { type: 'string', enum: [...ETATS] },
    motif: { type: 'string', minLength: 1, maxLength: 500 },
    // A code, as the operator's detail publishes it (com:Code).
    causeCloture: { type: 'string', pattern: '^[A-Za-z0-9_]{1,64}$' },
    attente: { type: 'string', enum: [...ATTENTES] },
  },
} as const;

const commentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'texte'],
  properties: { agent, texte: { type: 'string', minLength: 1, maxLength: 2000 } },
} as const;

interface ReferenceParams {
  reference: string;
}
interface ListQuery {
  operateur: string;
  etat?: Etat[];
  limite: number;
}
interface TransitionBody {
  agent: string;
  etat: Etat;
  motif?: string;
  causeCloture?: string;
  attente?: Attente;
}

// ---------------------------------------------------------------- errors

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

const PART_NAMES: Record<string, string> = { body: 'corps', querystring: 'paramètre', params: 'chemin', headers: 'en-tête' };

/** A schema violation in words, e.g. "etat : valeur inconnue (attendu : EN_DEPOT, …)". */
export function describeValidationError(context: string | undefined, error: AjvError | undefined): string {
  const part = PART_NAMES[context ?? ''] ?? context ?? 'requête';
  if (!error) return `requête invalide (${part})`;
  const field = error.instancePath.replace(/^\//, '').replace(/\/\d+$/, '').replaceAll('/', '.');
  const where = field ? `${field}` : part;
  switch (error.keyword) {
    case 'required':
      return `${part} : champ ${String(error.params.missingProperty)} obligatoire`;
    case 'additionalProperties':
      return `${part} : champ ${String(error.params.additionalProperty)} inconnu`;
    case 'enum':
      return `${where} : valeur inconnue (attendu : ${(error.params.allowedValues as unknown[]).join(', ')})`;
    case 'pattern':
      return `${where} : format invalide`;
    case 'minLength':
      return `${where} : trop court (au moins ${String(error.params.limit)} caractère(s))`;
    case 'maxLength':
      return `${where} : trop long (au plus ${String(error.params.limit)} caractères)`;
    case 'minimum':
    case 'maximum':
      return `${where} : doit être ${error.keyword === 'minimum' ? '≥' : '≤'} ${String(error.params.limit)}`;
    case 'type':
      if (!field && context === 'body') return 'corps JSON (un objet) attendu';
      return `${where} : type ${String(error.params.type)} attendu`;
    default:
      return `${where} : ${error.message ?? 'invalide'}`;
  }
}

/** Constant-time check of `Authorization: Bearer <token>` (hashes: same length whatever is sent). */
function bearerMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const digest = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  return timingSafeEqual(digest, expectedDigest) && match !== null;
}

// ---------------------------------------------------------------- the signalisations (back office)

/** The signalisations as the after-sales back office moves them, and the dashboard sweep. */
const backOfficeRoutes: FastifyPluginAsync<{ backOffice: BackOfficeService }> = async (app, { backOffice }) => {
  const tags = ['signalisations'];
  app.get<{ Params: ReferenceParams }>(
    '/admin/signalisations/:reference',
    {
      schema: operation({
        operationId: 'getSignalisation',
        summary: 'Détail d’une signalisation : état, prestation, historique des états, commentaires',
        tags,
        params: referenceParams,
        response: { 200: detailSchema },
      }),
    },
    async (request) => detailView(await backOffice.detail(request.params.reference)),
  );

  app.get<{ Querystring: ListQuery }>(
    '/admin/signalisations',
    {
      schema: operation({
        operationId: 'listSignalisations',
        summary: 'Les signalisations d’un opérateur, les plus récentes d’abord',
        tags,
        querystring: listQuery,
        response: { 200: object({ signalisations: arrayOf(signalisationSchema) }) },
      }),
    },
    async (request) => {
      const { operateur, etat, limite } = request.query;
      const list = await backOffice.list(operateur, etat ?? [], limite);
      return { signalisations: list.map(signalisationView) };
    },
  );

  app.post<{ Params: ReferenceParams; Body: TransitionBody }>(
    '/admin/signalisations/:reference/transitions',
    {
      schema: operation({
        operationId: 'transitionSignalisation',
        summary: 'Change l’état d’une signalisation (acteur SAV ; l’agent au journal d’audit) ; une transition non autorisée est refusée (409)',
        tags,
        params: referenceParams,
        body: transitionBody,
        response: { 200: signalisationSchema },
      }),
    },
    async (request) => {
      const { agent, etat, motif, causeCloture, attente } = request.body;
      if (attente && etat !== 'GELE') throw new UseCaseError('invalid', 'requête invalide : attente ne s’applique qu’à une transition vers GELE');
      if (causeCloture && etat !== 'CLOS' && etat !== 'EN_REJET') {
        throw new UseCaseError('invalid', 'requête invalide : causeCloture ne s’applique qu’à une transition vers CLOS ou EN_REJET');
      }
      const updated = await backOffice.transition(agent, request.params.reference, {
        etat,
        ...(motif ? { motif } : {}),
        ...(causeCloture ? { causeCloture } : {}),
        ...(attente ? { attente } : {}),
      });
      return signalisationView(updated);
    },
  );

  app.post<{ Params: ReferenceParams; Body: { agent: string; texte: string } }>(
    '/admin/signalisations/:reference/commentaires',
    {
      schema: operation({
        operationId: 'commentSignalisation',
        summary: 'Ajoute un commentaire du SAV, restitué à l’opérateur dans le détail (l’agent au journal d’audit)',
        tags,
        params: referenceParams,
        body: commentBody,
        response: { 200: signalisationSchema },
      }),
    },
    async (request) => signalisationView(await backOffice.comment(request.body.agent, request.params.reference, request.body.texte)),
  );

  // No body expected (one sent is ignored): runs the dashboard sweep now.
  app.post(
    '/admin/balayages',
    {
      schema: operation({
        operationId: 'sweepDashboard',
        summary: 'Classe maintenant en CLOS_TABLEAU_DE_BORD les signalisations CLOS/VALIDE dont le délai est écoulé',
        tags,
        response: { 200: object({ deplacees: arrayOf(str) }) },
      }),
    },
    async () => ({ deplacees: await backOffice.sweep() }),
  );
};

// ---------------------------------------------------------------- the app

/** An answer that does not match its route's response schema (responseCheck 'fail'): a 500 that says why. */
class ResponseSchemaMismatch extends Error {}

/** Where the OpenAPI description of the admin API is served (with the token, like every /admin route). */
export const OPENAPI_PATH = '/admin/openapi.json';

/** What the OpenAPI description says of the API as a whole (the routes say the rest). */
const OPENAPI_DOCUMENT: NonNullable<FastifyDynamicSwaggerOptions['openapi']> = {
  openapi: '3.1.0',
  info: {
    title: 'e-SAV gateway — admin API',
    version: '1.0.0',
    description:
      'The back-office API of the gateway (support staff, SAV): JSON over HTTP on the admin port, never on the operators’ mTLS port. ' +
      'Every /admin route needs `Authorization: Bearer <admin token>`; refusals are `{ "erreur": "…" }`. ' +
      'Its clients: the support CLI (`npm run admin`) and the web support console. Generated from the routes’ schemas (decision 0020).',
  },
  components: { securitySchemes: { jetonAdmin: { type: 'http', scheme: 'bearer', description: 'Le jeton d’administration (fichier admin-token du dossier de données, ou ESAV_ADMIN_TOKEN)' } } },
  security: [{ jetonAdmin: [] }],
};

export async function buildAdminApp({ backOffice, travaux, operations, conformance, operators, portalAccounts, capacity, supportAccounts, profiles, operatorLifecycle, crl, exploitation, push, prestations, notices, token, logger, responseCheck }: AdminAppOptions) {
  if (token.length < 16) throw new Error('admin token too short (16 characters at least)');
  const expectedDigest = createHash('sha256').update(token).digest();

  const app = Fastify({
    loggerInstance: logger.child({ api: 'admin' }),
    // One log line per request (onResponse below); the Authorization header is never logged.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'idRequete' }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 64 * 1024,
    // Unknown fields are refused (not silently dropped); `etat=A&etat=B` and `etat=A` both give an array.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  // Answers are written with JSON.stringify, never filtered by their schema (fast-json-stringify
  // would silently drop a field the schema forgot); the schema is checked against the answer instead.
  const check = responseCheck ?? (process.env.NODE_ENV === 'test' ? 'fail' : 'log');
  const responseAjv = new Ajv({ strict: false, allErrors: false });
  addFormats.default(responseAjv);
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const validate = responseAjv.compile(schema);
    return (data: unknown) => {
      if (!validate(data)) {
        const mismatch = `${method} ${url} ${httpStatus}: ${responseAjv.errorsText(validate.errors)}`;
        if (check === 'fail') throw new ResponseSchemaMismatch(`admin response does not match its schema: ${mismatch}`);
        app.log.error({ mismatch }, 'admin response does not match its schema');
      }
      return JSON.stringify(data);
    };
  });

  // The OpenAPI description, generated from the route schemas registered after this line.
  await app.register(fastifySwagger, { openapi: OPENAPI_DOCUMENT });

  // JSON bodies with Fastify's own (prototype-poisoning safe) parser; an empty one is no body
  // (e.g. `curl -X POST -H 'content-type: application/json' …/admin/balayages`).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' || body.length === 0 ? done(null, undefined) : parseJson(request, body.toString(), done),
  );

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ADMIN_PATHS.has(request.url.split('?')[0] ?? '')) return;
    if (!bearerMatches(request.headers.authorization, expectedDigest)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="esav-admin"')
        .send({ erreur: 'authentification requise : Authorization: Bearer <jeton d’administration>' });
    }
  });

  // Text that is not XML 1.0 character data would break the operators' answers (decision 0012).
  app.addHook('preValidation', refuseNonXmlText);

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'admin request',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof UseCaseError) return reply.code(httpStatusOf(error.kind)).send({ erreur: error.message });
    if (error instanceof ResponseSchemaMismatch) {
      request.log.error({ err: error }, 'admin request failed');
      return reply.code(500).send({ erreur: `erreur technique : ${error.message}` });
    }
    if (error.validation) {
      return reply
        .code(400)
        .send({ erreur: `requête invalide : ${describeValidationError(error.validationContext, error.validation[0] as AjvError | undefined)}` });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ erreur: 'corps de requête trop volumineux' });
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ erreur: 'corps JSON attendu (application/json)' });
    if (error.code?.startsWith('FST_ERR_CTP') || (error.statusCode === 400 && error instanceof SyntaxError)) {
      return reply.code(400).send({ erreur: 'requête invalide : corps JSON illisible' });
    }
    request.log.error({ err: error }, 'admin request failed');
    return reply.code(500).send({ erreur: 'erreur technique' });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ erreur: `aucune route ${request.method} ${request.url.split('?')[0]}` }));

  if (!operations) {
    const live = operation({ operationId: 'getLiveness', summary: 'Le processus répond (sans jeton)', tags: ['exploitation'], secured: false, response: { 200: object({ status: str }) } });
    app.get('/health/live', { schema: live }, async () => ({ status: 'ok' }));
  }

  app.get(
    OPENAPI_PATH,
    {
      schema: operation({
        operationId: 'getOpenApiDescription',
        summary: 'Cette description OpenAPI 3.1 de l’API d’administration',
        tags: ['exploitation'],
        response: { 200: { type: 'object', description: 'Le document OpenAPI' } },
      }),
    },
    async () => app.swagger(),
  );

  // One plugin per route family, its dependencies as options (routes of absent services are not served).
  await app.register(backOfficeRoutes, { backOffice });
  if (travaux) await app.register(travauxRoutes, { travaux });
  if (operations) await app.register(operationsRoutes, { ops: operations });
  if (conformance) await app.register(conformanceAdminRoutes, { service: conformance });
  if (operators) await app.register(operatorRoutes, { service: operators });
  if (portalAccounts) await app.register(portalAccountRoutes, { service: portalAccounts });
  if (prestations) await app.register(prestationRoutes, { service: prestations.service, inService: prestations.inService, maxImportBytes: prestations.maxImportBytes });
  if (capacity) await app.register(capacityRoutes, { service: capacity });
  if (profiles) await app.register(profileRoutes, { service: profiles });
  if (operatorLifecycle) await app.register(operatorLifecycleRoutes, { service: operatorLifecycle });
  if (crl) await app.register(crlRoutes, { service: crl });
  if (supportAccounts) await app.register(supportAccountRoutes, { service: supportAccounts });
  if (exploitation) await app.register(exploitationRoutes, { deps: exploitation });
  if (push) await app.register(pushRoutes, { service: push });
  if (notices) await app.register(noticesRoutes, { service: notices });

  return app;
}

export type AdminApp = Awaited<ReturnType<typeof buildAdminApp>>;
