// The console's operator life cycle page (issue 14): an operator's state (ACTIF, SUSPENDU,
// RESILIE, with dates) and the forms to suspend (with a reason), reactivate, and record the
// termination (two months' notice, checked by the admin API, whose refusal names the rule).
// Through the admin API only.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal, segment, type AdminOperationId } from './api.js';
import { agentOf, formText, queryText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';


/** An operator as the admin API answers it (GET /admin/operateurs/:code), what this page reads. */
interface OperatorJson {
  code: string;
  raisonSociale: string;
  etat: 'ACTIF' | 'SUSPENDU' | 'RESILIE';
  certificatsActifs: number;
  suspension: { le: string | null; par: string | null; motif: string | null } | null;
  resiliation: { date: string; notifieeLe: string | null; enregistreePar: string | null; motif: string | null } | null;
}

const CODE = /^[A-Z0-9]{4}$/;
const ACTIONS = {
  suspension: { operation: 'suspendOperator', fields: ['motif'], done: 'Opérateur suspendu : ses certificats et ses utilisateurs du portail sont arrêtés.' },
  reactivation: { operation: 'reactivateOperator', fields: ['motif'], done: 'Opérateur réactivé.' },
  resiliation: { operation: 'terminateOperator', fields: ['date', 'notifieeLe', 'motif'], done: 'Résiliation enregistrée.' },
} as const satisfies Record<string, { operation: AdminOperationId; fields: readonly string[]; done: string }>;
type Action = keyof typeof ACTIONS;

export const lifecycleConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function page(request: FastifyRequest, reply: FastifyReply, code: string, status: number, action: Action | null, errors: FieldErrors, values: Record<string, string>) {
    let operator: OperatorJson | null = null;
    let missing: string | null = null;
    try {
      operator = CODE.test(code) ? await api.call<OperatorJson>('getOperator', { params: { code } }) : null;
      if (!operator) missing = `opérateur ${code} inconnu`;
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      missing = refusal.message;
    }
    return sendConsolePage(request, reply, 'operateur-cycle-de-vie', {
      title: operator ? `Cycle de vie de ${operator.code}` : 'Opérateur introuvable',
      current: '/console/operateurs',
      status: missing ? 404 : status,
      operator,
      missing,
      action,
      errors,
      values,
      notice: queryText(request, 'fait', 300) || null,
      when: (iso: string | null) => (iso ? parisDateTime(new Date(iso)) : '—'),
    });
  }

  app.get<{ Params: { code: string } }>('/console/operateurs/:code/cycle-de-vie', async (request, reply) => page(request, reply, request.params.code, 200, null, {}, {}));

  for (const action of Object.keys(ACTIONS) as Action[]) {
    app.post<{ Params: { code: string } }>(`/console/operateurs/:code/${action}`, async (request, reply) => {
      const code = request.params.code;
      if (!CODE.test(code)) return page(request, reply, code, 404, null, {}, {});
      const values: Record<string, string> = {};
      for (const field of ACTIONS[action].fields) {
        const value = formText(request, field, 500);
        if (value !== '') values[field] = value;
      }
      try {
        await api.call(ACTIONS[action].operation, { params: { code }, body: { agent: agentOf(request), ...values } });
      } catch (error) {
        const refusal = apiRefusal(error);
        if (!refusal) throw error;
        const fields = Object.fromEntries([...ACTIONS[action].fields.map((f) => [f, f]), ['agent', '_general']]);
        const errors = refusal.status === 409 ? { _general: refusal.message } : refusalErrors(refusal.message, fields);
        return page(request, reply, code, refusal.status === 404 ? 404 : refusal.status === 409 ? 409 : 400, action, errors, values);
      }
      return reply.redirect(`/console/operateurs/${segment(code)}/cycle-de-vie?fait=${encodeURIComponent(ACTIONS[action].done)}`, 303);
    });
  }
};
