// The pages of a signed-in user that every operator's user has: the accueil (who I am, for which
// operator, with which rights) and my account (my open sessions, each revocable).
import type { FastifyPluginAsync } from 'fastify';
import { isUseCaseError } from '../../application/errors.js';
import type { WebAccountService } from '../../application/web-accounts.js';
import { COOKIE_FLAGS, SESSION_COOKIE, requireSignedIn, sendMessage, sendPage, sessionOf } from './render.js';
import { parisDateTime } from './paris-time.js';

export const homeRoutes: FastifyPluginAsync<{ accounts: WebAccountService }> = async (app, { accounts }) => {
  app.addHook('preHandler', requireSignedIn);

  app.get('/accueil', async (request, reply) => {
    const session = sessionOf(request);
    const operations = session.user.operations.includes('*') ? null : [...session.user.operations].sort();
    return sendPage(request, reply, 'accueil', { title: 'Accueil', user: session.user, operations });
  });

  app.get('/compte', async (request, reply) => {
    const session = sessionOf(request);
    const sessions = (await accounts.sessionsOf(session)).map((s) => ({
      ...s,
      createdAt: parisDateTime(s.createdAt),
      lastSeenAt: parisDateTime(s.lastSeenAt),
    }));
    return sendPage(request, reply, 'compte', { title: 'Mon compte', user: session.user, sessions });
  });

  app.post<{ Params: { id: string } }>('/compte/sessions/:id/revoquer', async (request, reply) => {
    const session = sessionOf(request);
    try {
      await accounts.revokeSession(session, request.params.id);
    } catch (error) {
      // Another user's session is answered as an unknown one.
      if (isUseCaseError(error) && error.kind === 'not-found') return sendMessage(request, reply, 404, 'Session inconnue', error.message);
      throw error;
    }
    if (request.params.id === session.publicId) {
      reply.clearCookie(SESSION_COOKIE, COOKIE_FLAGS);
      return reply.redirect('/connexion?deconnecte=1', 303);
    }
    return reply.redirect('/compte', 303);
  });
};
