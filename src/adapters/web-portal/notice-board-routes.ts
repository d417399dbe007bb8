// The operators' notice board in the portal ("Espace Opérateurs", decision 0022): the notices that
// concern the user's operator, newest first, the unread ones highlighted; a notice is marked read
// one by one or all at once. The unread count shown in the navigation is read on every page by the
// hook `unreadNoticesHook` (registered by buildWebPortal when notices are given).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { NoticeService } from '../../application/notices.js';
import { NOTICE_KIND_LABELS, noticeIdOf, noticeReference } from '../../domain/notices.js';
import { parisDateTime } from './paris-time.js';
import { requireSignedIn, sendMessage, sendPage, sessionOf } from './render.js';

/** Sets request.portal.unreadNotices for an operator's user (a read failure leaves the badge out). */
export function unreadNoticesHook(notices: NoticeService) {
  return async (request: FastifyRequest): Promise<void> => {
    const session = request.portal?.session;
    if (!session || session.stage !== 'ACTIVE' || session.user.role === 'SUPPORT' || request.method !== 'GET') return;
    try {
      request.portal.unreadNotices = await notices.unreadCount(session.user.operatorCode, session.user.identifier);
    } catch (error) {
      request.log.warn({ err: error }, 'unread notices not counted');
    }
  };
}

export const noticeBoardRoutes: FastifyPluginAsync<{ notices: NoticeService }> = async (app, { notices }) => {
  app.addHook('preHandler', requireSignedIn);

  async function board(request: FastifyRequest, reply: FastifyReply, message: string | null) {
    const { user } = sessionOf(request);
    if (user.role === 'SUPPORT') return sendMessage(request, reply, 404, 'Page introuvable', "Cette page n'existe pas ou vous n'y avez pas accès.");
    const list = await notices.board(user.operatorCode, user.identifier);
    request.portal.unreadNotices = list.filter((n) => n.readAt === null).length;
    return sendPage(request, reply, 'avis', {
      title: 'Avis aux opérateurs',
      current: '/avis',
      message,
      notices: list.map((n) => ({
        reference: noticeReference(n.id),
        kind: NOTICE_KIND_LABELS[n.kind],
        title: n.title,
        body: n.body,
        publishedAt: parisDateTime(n.publishedAt),
        startsAt: n.startsAt ? parisDateTime(n.startsAt) : null,
        endsAt: n.endsAt ? parisDateTime(n.endsAt) : null,
        unread: n.readAt === null,
      })),
    });
  }

  app.get('/avis', async (request, reply) => board(request, reply, null));

  app.post('/avis/lus', async (request, reply) => {
    const { user } = sessionOf(request);
    await notices.markRead(user.operatorCode, user.identifier, 'all');
    return reply.redirect('/avis?lus=1', 303);
  });

  app.post<{ Params: { reference: string } }>('/avis/:reference/lu', async (request, reply) => {
    const { user } = sessionOf(request);
    const id = noticeIdOf(request.params.reference);
    if (id === undefined) return sendMessage(request, reply, 404, 'Avis introuvable', "Cet avis n'existe pas ou ne concerne pas votre opérateur.");
    await notices.markRead(user.operatorCode, user.identifier, [id]);
    return reply.redirect(`/avis#${noticeReference(id)}`, 303);
  });
};
