// What every page of the portal shares: the request's portal context (session, cookie value), the
// cookie names and flags, the page renderer (the layout gets the session, the CSRF token and the
// navigation), and the answers for "not signed in", "not found" and "forbidden".
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalSession } from '../../application/web-accounts.js';
import { ALL_OPERATIONS } from '../../domain/identity.js';
import type { MaintenanceNotice } from './maintenance-notice.js';
import { CONSOLE_NAVIGATION } from './console/navigation.js';

/** `__Host-`: the browser keeps it only if Secure, Path=/ and without Domain (no subdomain can set it). */
export const SESSION_COOKIE = '__Host-esav_session';
/** Before sign-in, the sign-in form's CSRF token is bound to this cookie (double submit). */
export const PRE_SESSION_COOKIE = '__Host-esav_csrf';

export const COOKIE_FLAGS = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' } as const;

export interface PortalContext {
  /** The live session of the cookie (pending second factor or signed in), if any. */
  session: PortalSession | undefined;
  /** The cookie's session id, when it names a live session. */
  token: string | undefined;
  /** The maintenance banner of the request's pages (maintenance-notice.ts). */
  maintenance?: MaintenanceNotice | undefined;
  /** The operator user's unread notices (notice-board-routes.ts); undefined: no notice board. */
  unreadNotices?: number | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    portal: PortalContext;
  }
}

/** Entries of the main navigation; later pages (signalisations, rendez-vous, tests) add theirs. */
export interface NavEntry {
  href: string;
  label: string;
  /** A count shown next to the label (the unread notices), with its meaning for screen readers. */
  badge?: { count: number; label: string };
}

export const NAVIGATION: readonly NavEntry[] = [
  { href: '/accueil', label: 'Accueil' },
  { href: '/signalisations', label: 'Signalisations' },
  { href: '/tests', label: 'Tests de ligne' },
  { href: '/travaux', label: 'Travaux et incidents' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/avis', label: 'Avis' },
  { href: '/compte', label: 'Mon compte' },
  { href: '/documentation', label: 'Documentation' },
];

export interface PageOptions {
  title: string;
  status?: number;
  /** The current entry of the navigation. */
  current?: string;
  [key: string]: unknown;
}

export function csrfTokenOf(request: FastifyRequest): string {
  return request.portal.session?.csrfToken ?? request.cookies[PRE_SESSION_COOKIE] ?? '';
}

/** The operators' navigation: the notice board with its unread count (absent without a notice board). */
function operatorNavigation(unread: number | undefined): readonly NavEntry[] {
  return NAVIGATION.flatMap((entry) => {
    if (entry.href !== '/avis') return [entry];
    if (unread === undefined) return [];
    return [unread > 0 ? { ...entry, badge: { count: unread, label: unread === 1 ? 'avis non lu' : 'avis non lus' } } : entry];
  });
}

/** Renders `views/<template>.eta` inside the layout. */
export async function sendPage(request: FastifyRequest, reply: FastifyReply, template: string, options: PageOptions): Promise<FastifyReply> {
  const session = request.portal.session?.stage === 'ACTIVE' ? request.portal.session : undefined;
  const html = await reply.viewAsync(template, {
    ...options,
    session,
    csrf: csrfTokenOf(request),
    navigation: session ? (session.user.role === 'SUPPORT' ? CONSOLE_NAVIGATION : operatorNavigation(request.portal.unreadNotices)) : [],
    current: options.current ?? request.url.split('?')[0],
    maintenance: request.portal?.maintenance,
  });
  return reply
    .code(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(html);
}

/** The page or, for a client that does not take HTML, plain text. */
export async function sendMessage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
): Promise<FastifyReply> {
  const accepts = request.headers.accept;
  const html = accepts === undefined || accepts.includes('text/html') || accepts.includes('*/*');
  if (!html) return reply.code(status).type('text/plain; charset=utf-8').send(`${title}\n${message}\n`);
  return sendPage(request, reply, 'message', { title, message, status });
}

/** Where a signed-in user lands: the console for support staff, the accueil for operators' users. */
export function homeOf(session: PortalSession | undefined): string {
  return session?.user.role === 'SUPPORT' ? '/console' : '/accueil';
}

/**
 * preHandler of the operators' pages, reserved to signed-in users of an operator: others go to the
 * sign-in page; support staff (who have the console, /console) are refused (403).
 */
export async function requireSignedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.portal.session?.stage === 'ACTIVE' && request.portal.session.user.role === 'SUPPORT') {
    await sendMessage(request, reply, 403, 'Accès refusé', 'Ces pages sont celles des opérateurs ; le personnel du support utilise la console.');
    return;
  }
  if (request.portal.session?.stage === 'ACTIVE') return;
  if (request.method === 'GET' || request.method === 'HEAD') {
    await reply.redirect('/connexion', 303);
    return;
  }
  await sendMessage(request, reply, 401, 'Session terminée', 'Votre session a pris fin : reconnectez-vous.');
}

/** The signed-in session (after requireSignedIn). */
/** Whether the session's profile grants the SOAP operation (the same names as the SOAP profiles). */
export function grants(session: PortalSession, operation: string): boolean {
  return session.user.operations.includes(ALL_OPERATIONS) || session.user.operations.includes(operation);
}

export function sessionOf(request: FastifyRequest): PortalSession {
  const session = request.portal.session;
  if (session?.stage !== 'ACTIVE') throw new Error('requireSignedIn must guard this route');
  return session;
}
