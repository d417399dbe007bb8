// The operator's push notifications in the portal (issue 15, decision 0023): its callback
// subscription (URL, state), pause and resume by the operator itself (events accumulate while
// paused, then go in order), and the latest events with their delivery state. Registration of the
// URL and its CA stays with the provider's support (admin API, console). Needs a profile granting
// consulterEtatSignalisation (notifications replace polling it).
import type { FastifyPluginAsync } from 'fastify';
import { isUseCaseError } from '../../application/errors.js';
import type { PushAdminService } from '../../application/push.js';
import { refusedUnlessGranted } from './field-service-common.js';
import { parisDateTime } from './paris-time.js';
import { requireSignedIn, sendPage, sessionOf } from './render.js';

const STATUS_LABELS: Record<string, string> = { PENDING: 'en attente', DELIVERED: 'livré', FAILED: 'en échec' };
const OPERATION = 'consulterEtatSignalisation';

export const notificationsRoutes: FastifyPluginAsync<{ push: PushAdminService }> = async (app, { push }) => {
  app.addHook('preHandler', requireSignedIn);

  const subscriptionOf = async (operatorCode: string) => {
    try {
      return await push.show(operatorCode);
    } catch (error) {
      if (isUseCaseError(error) && error.kind === 'not-found') return undefined;
      throw error;
    }
  };

  app.get('/notifications', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, OPERATION)) return reply;
    const { user } = sessionOf(request);
    const subscription = await subscriptionOf(user.operatorCode);
    const events = subscription ? await push.events(user.operatorCode, { limit: 50 }) : [];
    const done = (request.query as Record<string, unknown>).fait;
    return sendPage(request, reply, 'notifications', {
      title: 'Notifications',
      user,
      subscription: subscription ? { url: subscription.url, paused: subscription.paused, pausedBy: subscription.pausedBy } : null,
      events: events.map((e) => ({
        reference: e.reference,
        seq: e.seq,
        kind: e.kind,
        etat: e.etat,
        at: parisDateTime(e.occurredAt),
        status: STATUS_LABELS[e.status] ?? e.status,
        statusCode: e.status,
        attempts: e.attempts,
        lastError: e.lastError ?? '',
      })),
      notice: done === 'suspendu' ? 'Notifications suspendues : les évènements s’accumulent.' : done === 'repris' ? 'Notifications reprises : les évènements en attente partent dans l’ordre.' : null,
    });
  });

  for (const [action, paused] of [['suspendre', true], ['reprendre', false]] as const) {
    app.post(`/notifications/${action}`, async (request, reply) => {
      if (await refusedUnlessGranted(request, reply, OPERATION)) return reply;
      const { user } = sessionOf(request);
      if (!(await subscriptionOf(user.operatorCode))) return reply.redirect('/notifications', 303);
      await push.setPaused(`operateur ${user.operatorCode} : ${user.identifier}`, user.operatorCode, paused);
      return reply.redirect(`/notifications?fait=${paused ? 'suspendu' : 'repris'}`, 303);
    });
  }
};
