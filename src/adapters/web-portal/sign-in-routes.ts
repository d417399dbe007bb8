// Sign-in (password, then the TOTP second factor when the user has one or its operator requires
// it) and sign-out. The session id goes in a `__Host-` cookie, Secure, HttpOnly, SameSite=Strict;
// a new id is issued at each step, so an id seen before sign-in is worth nothing after.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientInfo, WebAccountService } from '../../application/web-accounts.js';
import { COOKIE_FLAGS, SESSION_COOKIE, homeOf, sendPage } from './render.js';
import { parisTime } from './paris-time.js';

function clientOf(request: FastifyRequest): ClientInfo {
  return { remoteAddress: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

function field(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

async function signInPage(request: FastifyRequest, reply: FastifyReply, status: number, error: string | null, identifier = '') {
  const notice = (request.query as Record<string, unknown>).deconnecte === '1' ? 'Vous êtes déconnecté.' : null;
  return sendPage(request, reply, 'connexion', { title: 'Connexion', status, error, identifier, notice: error ? null : notice });
}

export const signInRoutes: FastifyPluginAsync<{ accounts: WebAccountService }> = async (app, { accounts }) => {
  app.get('/', async (request, reply) => reply.redirect(request.portal.session?.stage === 'ACTIVE' ? homeOf(request.portal.session) : '/connexion', 303));

  app.get('/connexion', async (request, reply) => {
    const stage = request.portal.session?.stage;
    if (stage === 'ACTIVE') return reply.redirect(homeOf(request.portal.session), 303);
    if (stage === 'TOTP') return reply.redirect('/connexion/totp', 303);
    return signInPage(request, reply, 200, null);
  });

  app.post('/connexion', async (request, reply) => {
    const identifier = field(request, 'identifiant').slice(0, 200);
    const password = field(request, 'motDePasse').slice(0, 1024);
    if (identifier === '' || password === '') {
      return signInPage(request, reply, 400, "Saisissez votre identifiant et votre mot de passe.", identifier);
    }
    // A session already open in this browser ends: the new sign-in replaces it.
    if (request.portal.token) await accounts.signOut(request.portal.token, clientOf(request));
    const result = await accounts.signIn(identifier, password, clientOf(request));
    if (result.kind === 'refused') {
      if (result.reason === 'throttled') {
        return signInPage(request, reply, 429, 'Trop de tentatives de connexion depuis votre poste : réessayez dans quelques minutes.', identifier);
      }
      if (result.reason === 'locked') {
        const until = result.lockedUntil ? ` jusqu'à ${parisTime(result.lockedUntil)}` : '';
        return signInPage(request, reply, 423, `Trop d'échecs de connexion : ce compte est verrouillé${until}.`, identifier);
      }
      if (result.reason === 'operator') {
        return signInPage(request, reply, 403, "L'accès de votre opérateur au service e-SAV est suspendu ou résilié : contactez le support du fournisseur.", identifier);
      }
      return signInPage(request, reply, 401, 'Identifiant ou mot de passe incorrect.', identifier);
    }
    reply.setCookie(SESSION_COOKIE, result.token, COOKIE_FLAGS);
    return reply.redirect(result.kind === 'totp' ? '/connexion/totp' : homeOf(result.session), 303);
  });

  app.get('/connexion/totp', async (request, reply) => {
    const session = request.portal.session;
    if (session?.stage === 'ACTIVE') return reply.redirect(homeOf(session), 303);
    if (session?.stage !== 'TOTP') return reply.redirect('/connexion', 303);
    return sendPage(request, reply, 'totp', { title: 'Second facteur', enrolment: session.enrolment, support: session.user.role === 'SUPPORT', error: null });
  });

  app.post('/connexion/totp', async (request, reply) => {
    const session = request.portal.session;
    const token = request.portal.token;
    if (session?.stage !== 'TOTP' || token === undefined) return reply.redirect('/connexion', 303);
    const result = await accounts.completeTotp(token, field(request, 'code').slice(0, 20), clientOf(request));
    if (result.kind === 'signed-in') {
      reply.setCookie(SESSION_COOKIE, result.token, COOKIE_FLAGS);
      return reply.redirect(homeOf(result.session), 303);
    }
    if (result.reason === 'code') {
      return sendPage(request, reply, 'totp', { title: 'Second facteur', status: 401, enrolment: session.enrolment, support: session.user.role === 'SUPPORT', error: 'Code incorrect ou déjà utilisé.' });
    }
    reply.clearCookie(SESSION_COOKIE, COOKIE_FLAGS);
    request.portal = { session: undefined, token: undefined };
    const message = result.reason === 'locked' ? "Trop d'échecs de connexion : ce compte est verrouillé." : 'Étape expirée : reconnectez-vous.';
    return signInPage(request, reply, result.reason === 'locked' ? 423 : 401, message);
  });

  app.post('/deconnexion', async (request, reply) => {
    if (request.portal.token) await accounts.signOut(request.portal.token, clientOf(request));
    reply.clearCookie(SESSION_COOKIE, COOKIE_FLAGS);
    return reply.redirect('/connexion?deconnecte=1', 303);
  });
};
