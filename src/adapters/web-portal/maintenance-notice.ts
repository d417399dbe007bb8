// Maintenance shown and applied in the portal (issue 13, point 7). Every page carries a banner
// during a maintenance window (why, and its planned end, Paris time) and announces the next works
// window ahead of time. During a window, reading stays open (the documentation, the account pages)
// but actions are refused before their handler runs, with the service rules' page (503 "Service en
// maintenance", the fault 402's own text): nothing is half done. The actions that stay open are the
// account's own security ones, which stand for no SOAP operation: signing in (to read), the second
// factor, signing out and revoking a session. The actions that stand for a SOAP operation also run
// through underServiceRules (service-rules.ts), which refuses them the same way; this guard makes
// the refusal hold for every action, whoever wrote its route.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parisLong } from './paris-time.js';
import type { PortalServiceRules } from './service-rules.js';

export interface MaintenanceNotice {
  /** The window in force: what it is and its planned end. */
  current?: { what: string; until: string };
  /** The next announced works window, shown ahead of time. */
  upcoming?: { what: string; from: string; until: string };
}

/** Routes (Fastify patterns) of the POSTs that stay open during maintenance. */
export const OPEN_DURING_MAINTENANCE: ReadonlySet<string> = new Set([
  '/connexion',
  '/connexion/totp',
  '/deconnexion',
  '/compte/sessions/:id/revoquer',
]);

/** What the banner says at `now` (undefined: nothing to show). */
export function maintenanceNotice(rules: PortalServiceRules, now: Date): MaintenanceNotice | undefined {
  const state = rules.maintenance.current?.(now);
  const next = rules.maintenance.upcomingWorks?.(now);
  if (!state && !next) return undefined;
  const notice: MaintenanceNotice = {};
  if (state) {
    const what = state.nature === 'NOCTURNE' ? 'maintenance nocturne' : `travaux${state.reference ? ` ${state.reference}` : ''} : ${state.motif}`;
    notice.current = { what, until: parisLong(state.end) };
  }
  // During a window, the next one is shown only if it is another one.
  if (next && (!state || next.start.getTime() >= state.end.getTime())) {
    notice.upcoming = { what: `travaux ${next.reference} : ${next.motif}`, from: parisLong(next.start), until: parisLong(next.end) };
  }
  return notice;
}

/** onRequest hook (after the session's): the banner of the request's pages. */
export function maintenanceNoticeHook(rules: PortalServiceRules) {
  return async (request: FastifyRequest): Promise<void> => {
    request.portal.maintenance = maintenanceNotice(rules, rules.clock.now());
  };
}

/**
 * preHandler (after the CSRF check): an action outside the open ones is refused during a
 * maintenance window, by the fault 402 that the error handler turns into the service rules' page.
 */
export function maintenanceGuard(rules: PortalServiceRules) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (request.method !== 'POST' || OPEN_DURING_MAINTENANCE.has(request.routeOptions.url ?? '')) return;
    rules.maintenance.assertOpen(rules.clock.now());
  };
}
