// The console's push notifications page (issue 15, decision 0023): the operators' callback
// subscriptions (register or change the URL and the CA, pause, resume) and, per operator, the
// events pushed with their delivery state (attempts, last error, next try) and the replay of the
// failed ones. Calls the admin API only; every change is audited with the staff member as agent.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiRefusal, segment } from './api.js';
import { agentOf, answered, formText, orRefusal, queryText, refusalErrors, sendConsolePage, supportSessionOf, type ConsolePageDeps, type FieldErrors } from './common.js';
import { parisDateTime } from '../paris-time.js';

/** A subscription as the admin API answers it (listPushSubscriptions, putPushSubscription…). */
interface SubscriptionJson {
  codeOperateur: string;
  url: string;
  autoriteDediee: boolean;
  etat: 'ACTIF' | 'SUSPENDU';
  suspenduPar: string | null;
  modifieLe: string;
}

/** An event as listPushEvents answers it. */
interface EventJson {
  idEvenement: string;
  referenceSignalisation: string;
  numeroSequence: number;
  typeEvenement: string;
  etat: string;
  horodatage: string;
  statut: 'PENDING' | 'DELIVERED' | 'FAILED';
  tentatives: number;
  derniereErreur: string | null;
  prochaineTentative: string | null;
  livreLe: string | null;
}

const FIELDS = { 'code opérateur': 'code', 'opérateur': 'code', url: 'url', ca: 'autorite', autorite: 'autorite', agent: '_general' };
const CODE = /^[A-Z0-9]{4}$/;
const STATUTS = ['PENDING', 'DELIVERED', 'FAILED'];
const STATUS_LABELS: Record<string, string> = { PENDING: 'en attente', DELIVERED: 'livré', FAILED: 'en échec' };
const when = (iso: string | null | undefined): string => (iso ? parisDateTime(new Date(iso)) : '—');

export const pushConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function listPage(request: FastifyRequest, reply: FastifyReply, status: number, errors: FieldErrors, values: Record<string, unknown>) {
    const list = await api.call<{ abonnements: SubscriptionJson[] }>('listPushSubscriptions');
    return sendConsolePage(request, reply, 'notifications', {
      title: 'Notifications poussées',
      current: '/console/notifications',
      status,
      user: supportSessionOf(request).user,
      subscriptions: list.abonnements,
      errors,
      values,
      notice: queryText(request, 'fait', 200) || null,
      when,
    });
  }

  app.get('/console/notifications', async (request, reply) => listPage(request, reply, 200, {}, {}));

  app.post('/console/notifications', async (request, reply) => {
    const values = { code: formText(request, 'code', 4).toUpperCase(), url: formText(request, 'url', 2000), autorite: formText(request, 'autorite', 65536) };
    try {
      await api.call('putPushSubscription', {
        params: { code: values.code || '-' },
        body: { agent: agentOf(request), url: values.url, autorite: values.autorite || null },
      });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      const errors = refusal.status === 404 ? { code: refusal.message } : refusalErrors(refusal.message, FIELDS);
      return listPage(request, reply, refusal.status === 404 ? 404 : refusal.status === 409 ? 409 : 400, errors, values);
    }
    return reply.redirect(`/console/notifications?fait=${encodeURIComponent(`Abonnement de ${values.code} enregistré.`)}`, 303);
  });

  for (const [action, operationId, label] of [
    ['suspension', 'pausePushSubscription', 'suspendu : les évènements s’accumulent'],
    ['reprise', 'resumePushSubscription', 'repris : les évènements en attente partent dans l’ordre'],
  ] as const) {
    app.post<{ Params: { code: string } }>(`/console/notifications/:code/${action}`, async (request, reply) => {
      const code = request.params.code;
      if (!CODE.test(code)) return listPage(request, reply, 404, { _general: `opérateur ${code} inconnu` }, {});
      const result = await orRefusal(request, reply, () => api.call(operationId, { params: { code }, body: { agent: agentOf(request) } }));
      if (answered(result)) return result;
      return reply.redirect(`/console/notifications?fait=${encodeURIComponent(`Abonnement de ${code} ${label}.`)}`, 303);
    });
  }

  app.get<{ Params: { code: string } }>('/console/notifications/:code', async (request, reply) => {
    const code = request.params.code;
    const statut = queryText(request, 'statut', 20);
    const reference = queryText(request, 'reference', 32).toUpperCase();
    const query = { ...(STATUTS.includes(statut) ? { statut } : {}), ...(/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(reference) ? { reference } : {}), limite: 200 };
    if (!CODE.test(code)) return listPage(request, reply, 404, { _general: `opérateur ${code} inconnu` }, {});
    const result = await orRefusal(request, reply, () =>
      api.call<{ abonnement: SubscriptionJson; evenements: EventJson[] }>('listPushEvents', { params: { code }, query }),
    );
    if (answered(result)) return result;
    return sendConsolePage(request, reply, 'notifications-evenements', {
      title: `Notifications de ${code}`,
      current: '/console/notifications',
      user: supportSessionOf(request).user,
      subscription: result.abonnement,
      events: result.evenements,
      filter: { statut: query.statut ?? '', reference: query.reference ?? '' },
      notice: queryText(request, 'fait', 200) || null,
      statusLabel: (s: string) => STATUS_LABELS[s] ?? s,
      when,
    });
  });

  app.post<{ Params: { code: string } }>('/console/notifications/:code/rejeu', async (request, reply) => {
    const code = request.params.code;
    if (!CODE.test(code)) return listPage(request, reply, 404, { _general: `opérateur ${code} inconnu` }, {});
    const eventId = formText(request, 'idEvenement', 36);
    const result = await orRefusal(request, reply, () =>
      api.call<{ rejoues: number }>('replayPushEvents', { params: { code }, body: { agent: agentOf(request), ...(eventId ? { idEvenement: eventId } : {}) } }),
    );
    if (answered(result)) return result;
    return reply.redirect(`/console/notifications/${segment(code)}?fait=${encodeURIComponent(`${result.rejoues} évènement(s) rejoué(s).`)}`, 303);
  });
};
