// e-SAV en ligne (issue 13): the operators' web portal on its own HTTPS listener (ESAV_WEB_PORT),
// server certificate from the operators' port PKI, no client certificate. Server-rendered French
// HTML (Eta templates through @fastify/view, autoEscape on), Bootstrap CSS and htmx served from
// node_modules (no CDN, no build chain), every page usable without JavaScript. Decision 0015.
// The root scope holds what every page shares: security headers with a strict CSP (helmet),
// cookies, form bodies, the session of the request, the CSRF check of every POST, 404 and errors.
// Route families are plugins: assets, sign-in (sign-in-routes.ts), account pages (home-routes.ts),
// and, given the use cases, the documentation space, signalisations, appointments, tests and works.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyPluginAsync } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyHelmet from '@fastify/helmet';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { Logger } from 'pino';
import type { CatalogueService } from '../../application/catalogue.js';
import type { LineTestService } from '../../application/line-tests.js';
import type { RendezVousService } from '../../application/rendezvous.js';
import type { SignalisationService } from '../../application/signalisation.js';
import type { TravauxService } from '../../application/travaux.js';
import type { WebAccountService } from '../../application/web-accounts.js';
import type { Catalogue } from '../../domain/catalogue.js';
import { WEB_PORTAL_VIEWS_DIR } from '../paths.js';
import { assetRoutes } from './assets.js';
import { fieldServiceRoutes } from './field-service-routes.js';
import { homeRoutes } from './home-routes.js';
import { documentationRoutes } from './documentation-routes.js';
import { noticeBoardRoutes, unreadNoticesHook } from './notice-board-routes.js';
import type { NoticeService } from '../../application/notices.js';
import { maintenanceGuard, maintenanceNoticeHook } from './maintenance-notice.js';
import { COOKIE_FLAGS, PRE_SESSION_COOKIE, SESSION_COOKIE, sendMessage } from './render.js';
import { serviceRefusal, type PortalServiceRules } from './service-rules.js';
import { signInRoutes } from './sign-in-routes.js';
import { signalisationRoutes, type PortalRequestSchema } from './signalisation-routes.js';
import { consoleRoutes } from './console/index.js';
import type { ConsoleApi } from './console/api.js';
import type { OneTimeDownloadService } from '../../application/one-time-downloads.js';
import type { PushAdminService } from '../../application/push.js';
import { notificationsRoutes } from './notifications-routes.js';

/** The use cases the portal's pages call: the same ones the web services call. */
export interface PortalUseCases {
  signalisation: SignalisationService;
  rendezVous: RendezVousService;
  catalogue: CatalogueService;
  lineTests: LineTestService;
  travaux: TravauxService;
}

/** What every page family plugin receives as options. */
export interface PortalPageDeps {
  useCases: PortalUseCases;
  /** The catalogue as loaded (offers, form versions and their field models, nomenclatures). */
  catalogue: Catalogue;
  rules: PortalServiceRules;
  /** The contract's schema checks of the deposit and complement forms (fault 101, as in SOAP). */
  requestSchema: PortalRequestSchema;
  /** The push notifications (absent: no /notifications page), decision 0023. */
  push?: PushAdminService;
}

export interface WebPortalOptions {
  accounts: WebAccountService;
  /** The use cases and catalogue of the pages (absent: the sign-in and account pages only). */
  pages?: Omit<PortalPageDeps, 'rules'>;
  /** The server certificate and key (the operators' port's PKI). */
  tls: { certPem: string; keyPem: string };
  logger: Logger;
  /** integration or production: shown in the header. */
  platform: string;
  /** Maintenance, rate limits and volumetry, as the web services apply them (service-rules.ts). */
  rules: PortalServiceRules;
  /** The support console (/console, decision 0021) and its client of the admin API; absent: no console. */
  console?: { api: ConsoleApi; downloads: OneTimeDownloadService };
  /** The notices to the operators: the notice board /avis and the unread count in the navigation (decision 0022); absent: none. */
  notices?: NoticeService;
  /** Further route plugins (the portal's later pages), registered after the foundation's. */
  routes?: FastifyPluginAsync[];
}

/** The Content-Security-Policy of every answer: this origin only, no inline script or style. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // Bootstrap's form controls draw their arrows and ticks with data: SVG images.
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

export async function buildWebPortal(options: WebPortalOptions) {
  const { accounts } = options;
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'web-portal' }),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'idRequete' }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
    https: { key: options.tls.keyPem, cert: options.tls.certPem, minVersion: 'TLSv1.2' },
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  // Uploaded files (the console's CSR and certificates): small, one per form, read into the body
  // with the other fields before the CSRF check (multipart/form-data forms carry _csrf too).
  await app.register(fastifyMultipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 64 * 1024, files: 1, fields: 50 } });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: WEB_PORTAL_VIEWS_DIR, autoEscape: true, cache: true }) },
    templates: WEB_PORTAL_VIEWS_DIR,
    production: true,
    defaultContext: { platform: options.platform === 'production' ? 'production' : 'intégration' },
  });

  app.decorateRequest('portal', null as never);
  // The session of the request: an unknown, revoked or expired one is forgotten by the browser too.
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = await accounts.session(token);
    request.portal = { session, token: session ? token : undefined };
    if (token !== undefined && !session) reply.clearCookie(SESSION_COOKIE, COOKIE_FLAGS);
    // Before sign-in, the sign-in form's token comes from this cookie (double submit).
    if (!session && request.cookies[PRE_SESSION_COOKIE] === undefined && request.method === 'GET') {
      const value = randomBytes(32).toString('base64url');
      reply.setCookie(PRE_SESSION_COOKIE, value, COOKIE_FLAGS);
      request.cookies[PRE_SESSION_COOKIE] = value;
    }
  });
  // Every page shows a maintenance window in force and the next announced one (maintenance-notice.ts).
  app.addHook('onRequest', maintenanceNoticeHook(options.rules));
  // Every POST carries the token of its session (or, before sign-in, of the pre-session cookie):
  // a page of another site cannot make the browser post a form here.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = typeof body?._csrf === 'string' ? body._csrf : '';
    const expected = request.portal.session?.csrfToken ?? request.cookies[PRE_SESSION_COOKIE] ?? '';
    if (!sameToken(sent, expected)) {
      request.log.warn({ url: request.url }, 'portal form refused: CSRF token missing or wrong');
      await sendMessage(request, reply, 403, 'Formulaire refusé', 'Le jeton de sécurité du formulaire est absent ou périmé : rechargez la page et recommencez.');
      return reply;
    }
    return undefined;
  });
  // The unread notices of an operator's user, counted for the navigation of every page.
  if (options.notices) app.addHook('preHandler', unreadNoticesHook(options.notices));
  // During a maintenance window an action is refused before its handler runs (nothing half done).
  app.addHook('preHandler', maintenanceGuard(options.rules));
  // Pages hold an operator's data: never kept by a cache.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (/^text\/(html|plain)/.test(String(reply.getHeader('content-type') ?? ''))) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, utilisateur: request.portal?.session?.user.identifier },
      'portal request',
    );
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendMessage(request, reply, 404, 'Page introuvable', "Cette page n'existe pas ou vous n'y avez pas accès."),
  );
  app.setErrorHandler(async (error, request, reply) => {
    // A maintenance window (402) or the operator's rate limit (401): the page says so, with the fault's text.
    const refusal = serviceRefusal(error);
    if (refusal) return sendMessage(request, reply, refusal.status, refusal.title, refusal.text);
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'portal error');
    if (status === 415 || status === 400 || status === 413) {
      return sendMessage(request, reply, status, 'Requête refusée', 'La requête envoyée est mal formée ou trop grande.');
    }
    return sendMessage(request, reply, 500, 'Erreur du service', 'Une erreur inattendue est survenue ; réessayez dans un instant.');
  });

  await app.register(assetRoutes);
  await app.register(signInRoutes, { accounts });
  await app.register(homeRoutes, { accounts });
  if (options.pages) {
    const deps: PortalPageDeps = { ...options.pages, rules: options.rules };
    // The page families (one plugin each, registered with `deps`): signalisations, rendez-vous,
    // tests and works, documentation space.
    await app.register(documentationRoutes, deps);
    await app.register(signalisationRoutes, deps);
    await app.register(fieldServiceRoutes, deps);
    if (deps.push) await app.register(notificationsRoutes, { push: deps.push });
  }
  if (options.notices) await app.register(noticeBoardRoutes, { notices: options.notices });
  if (options.console) await app.register(consoleRoutes, { api: options.console.api, downloads: options.console.downloads });
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}

export type WebPortalApp = Awaited<ReturnType<typeof buildWebPortal>>;
