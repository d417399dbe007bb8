// What every console page shares (decision 0021): the guard that admits support staff only, the
// agent written to the audit log (the staff member's identifier), form fields, the rendering of a
// console page and of the admin API's refusals (a field's message beside the field, or a banner).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OneTimeDownloadService } from '../../../application/one-time-downloads.js';
import type { PortalSession } from '../../../application/web-accounts.js';
import { sendMessage, sendPage, type PageOptions } from '../render.js';
import { apiRefusal, type ConsoleApi } from './api.js';

/** What every console page family plugin receives as options. */
export interface ConsolePageDeps {
  api: ConsoleApi;
  /** The one-time downloads (generated PKCS#12), kept in PostgreSQL for any portal process. */
  downloads: OneTimeDownloadService;
}

/** preHandler of every console page: signed-in support staff only (operators' users: 403). */
export async function requireSupport(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = request.portal.session;
  if (session?.stage === 'ACTIVE' && session.user.role === 'SUPPORT') return;
  if (session?.stage === 'ACTIVE') {
    await sendMessage(request, reply, 403, 'Accès refusé', 'La console est réservée au personnel du support.');
    return;
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    await reply.redirect('/connexion', 303);
    return;
  }
  await sendMessage(request, reply, 401, 'Session terminée', 'Votre session a pris fin : reconnectez-vous.');
}

export function supportSessionOf(request: FastifyRequest): PortalSession {
  const session = request.portal.session;
  if (session?.stage !== 'ACTIVE' || session.user.role !== 'SUPPORT') throw new Error('requireSupport must guard this route');
  return session;
}

/** The agent the admin API writes to the audit log: the staff member's identifier. */
export function agentOf(request: FastifyRequest): string {
  return supportSessionOf(request).user.identifier;
}

/** A text field of the posted form (trimmed; '' when absent). */
export function formText(request: FastifyRequest, name: string, max = 4000): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/** The values of a multi-valued field (checkboxes, multiple select). */
export function formList(request: FastifyRequest, name: string): string[] {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** A query string parameter (first value; '' when absent). */
export function queryText(request: FastifyRequest, name: string, max = 200): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one.trim().slice(0, max) : '';
}

export type FieldErrors = Record<string, string>;

/**
 * The admin API's refusal placed on the form's field it names ("profil : profil X inconnu",
 * "requête invalide : corps : champ motif obligatoire"), or on `_general` when it names none.
 * `fields` maps the API's field names to the form's.
 */
export function refusalErrors(message: string, fields: Record<string, string>): FieldErrors {
  const text = message.replace(/^requête invalide : /, '');
  for (const [apiName, formName] of Object.entries(fields)) {
    const escaped = apiName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|champ |\\b)${escaped}( :|\\b.*obligatoire)`).test(text)) return { [formName]: text };
  }
  return { _general: text };
}

/** Renders `views/console/<template>.eta` inside the layout (the console navigation). */
export function sendConsolePage(request: FastifyRequest, reply: FastifyReply, template: string, options: PageOptions): Promise<FastifyReply> {
  return sendPage(request, reply, `console/${template}`, { errors: {}, values: {}, notice: null, ...options });
}

/**
 * Runs an admin API call of a page; a refusal (4xx) becomes the message page with the API's text
 * (404: "introuvable"). Other errors go to the portal's error handler.
 */
export async function orRefusal<T>(request: FastifyRequest, reply: FastifyReply, call: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await call();
  } catch (error) {
    const refusal = apiRefusal(error);
    if (!refusal) throw error;
    const title = refusal.status === 404 ? 'Introuvable' : 'Demande refusée';
    return sendMessage(request, reply, refusal.status === 404 ? 404 : refusal.status === 409 ? 409 : 400, title, refusal.message);
  }
}

/** Whether `orRefusal` answered already (the page was sent). */
export function answered(value: unknown): value is FastifyReply {
  return typeof value === 'object' && value !== null && 'sent' in value && typeof (value as FastifyReply).send === 'function';
}
