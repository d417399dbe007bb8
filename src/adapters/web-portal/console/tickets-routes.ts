// Console: the signalisations of every operator (filters: operator, states, deposit dates), the
// detail, a state move and a comment — the admin API's /admin/signalisations routes, hence the
// same rules as the CLI's `signalisation …` commands.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ATTENTES, ETATS } from '../../../domain/signalisation.js';
import { parisDateTime } from '../paris-time.js';
import { apiRefusal, type ConsoleApi } from './api.js';
import { agentOf, formText, queryText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';


interface TicketJson {
  reference: string;
  operateur: string;
  offre: string;
  etat: string;
  dateEtat: string | null;
  dateDepot: string | null;
  defautDeclare: string;
  identifiantPrestation: string;
}

const DAY = /^\d{4}-\d\d-\d\d$/;
const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');

async function detailPage(request: FastifyRequest, reply: FastifyReply, api: ConsoleApi, reference: string, extra: { errors?: FieldErrors; values?: Record<string, string>; notice?: string | null; status?: number } = {}) {
  try {
    const detail = await api.call<Record<string, unknown> & { historique: { date: string; de: string; vers: string; acteur: string; motif: string | null }[]; commentaires: { date: string; auteur: string; texte: string }[] }>('getSignalisation', { params: { reference } });
    return sendConsolePage(request, reply, 'signalisation', {
      title: `Signalisation ${reference}`,
      current: '/console/signalisations',
      detail,
      etats: ETATS.map((e) => ({ value: e, label: e })),
      attentes: [{ value: '', label: '— aucune —' }, ...ATTENTES.map((a) => ({ value: a, label: a }))],
      when,
      ...extra,
    });
  } catch (error) {
    const refusal = apiRefusal(error);
    if (refusal?.status === 404) return sendConsolePage(request, reply, 'message', { title: 'Signalisation introuvable', status: 404, message: refusal.message });
    throw error;
  }
}

export const ticketsConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  app.get('/console/signalisations', async (request, reply) => {
    const operators = (await api.call<{ operateurs: { code: string; raisonSociale: string }[] }>('listOperators')).operateurs;
    const operator = queryText(request, 'operateur');
    const states = ((request.query as Record<string, unknown>).etat === undefined ? [] : ([] as unknown[]).concat((request.query as Record<string, unknown>).etat)).filter(
      (e): e is string => typeof e === 'string' && (ETATS as readonly string[]).includes(e),
    );
    const from = queryText(request, 'du');
    const to = queryText(request, 'au');
    const errors: FieldErrors = {};
    if (operator !== '' && !operators.some((o) => o.code === operator)) errors.operateur = 'Opérateur inconnu.';
    if (from !== '' && !DAY.test(from)) errors.du = 'Date attendue (AAAA-MM-JJ).';
    if (to !== '' && !DAY.test(to)) errors.au = 'Date attendue (AAAA-MM-JJ).';
    if (!errors.du && !errors.au && from && to && from > to) errors.au = 'La fin précède le début.';
    let tickets: TicketJson[] = [];
    if (Object.keys(errors).length === 0) {
      const codes = operator ? [operator] : operators.map((o) => o.code);
      for (const code of codes) {
        const list = await api.call<{ signalisations: TicketJson[] }>('listSignalisations', { query: { operateur: code, etat: states, limite: 500 } });
        tickets.push(...list.signalisations);
      }
      // Deposit days in Paris time, inclusive.
      const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' }) : '');
      tickets = tickets.filter((s) => (!from || day(s.dateDepot) >= from) && (!to || day(s.dateDepot) <= to));
      tickets.sort((a, b) => String(b.dateDepot).localeCompare(String(a.dateDepot)));
    }
    return sendConsolePage(request, reply, 'signalisations', {
      title: 'Signalisations',
      status: Object.keys(errors).length > 0 ? 400 : 200,
      tickets,
      errors,
      values: { operateur: operator, etat: states, du: from, au: to },
      operators: [{ value: '', label: 'Tous les opérateurs' }, ...operators.map((o) => ({ value: o.code, label: `${o.code} – ${o.raisonSociale}` }))],
      etats: ETATS.map((e) => ({ value: e, label: e })),
      when,
    });
  });

  // The dashboard sweep now (CLOS/VALIDE past their delay → CLOS_TABLEAU_DE_BORD), as `balayage`.
  app.post('/console/signalisations/balayage', async (request, reply) => {
    const result = await api.call<{ deplacees: string[] }>('sweepDashboard');
    return sendConsolePage(request, reply, 'message', {
      title: 'Balayage du tableau de bord',
      message: result.deplacees.length === 0 ? 'Aucune signalisation à classer.' : `Classées en CLOS_TABLEAU_DE_BORD : ${result.deplacees.join(', ')}.`,
    });
  });

  app.get<{ Params: { reference: string } }>('/console/signalisations/:reference', async (request, reply) => detailPage(request, reply, api, request.params.reference));

  app.post<{ Params: { reference: string } }>('/console/signalisations/:reference/transition', async (request, reply) => {
    const reference = request.params.reference;
    const values = { etat: formText(request, 'etat'), motif: formText(request, 'motif', 500), causeCloture: formText(request, 'causeCloture', 64), attente: formText(request, 'attente') };
    const errors: FieldErrors = {};
    if (!(ETATS as readonly string[]).includes(values.etat)) errors.etat = 'Choisissez l’état cible.';
    if (values.attente && !(ATTENTES as readonly string[]).includes(values.attente)) errors.attente = 'Attente inconnue.';
    if (Object.keys(errors).length > 0) return detailPage(request, reply, api, reference, { errors, values, status: 400 });
    try {
      await api.call('transitionSignalisation', { params: { reference },
        body: { agent: agentOf(request), etat: values.etat, ...(values.motif ? { motif: values.motif } : {}), ...(values.causeCloture ? { causeCloture: values.causeCloture } : {}), ...(values.attente ? { attente: values.attente } : {}) },
      });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, api, reference, { errors: refusalErrors(refusal.message, { etat: 'etat', motif: 'motif', causeCloture: 'causeCloture', attente: 'attente' }), values, status: refusal.status === 404 ? 404 : 409 });
    }
    return detailPage(request, reply, api, reference, { notice: `État passé à ${values.etat}.` });
  });

  app.post<{ Params: { reference: string } }>('/console/signalisations/:reference/commentaire', async (request, reply) => {
    const reference = request.params.reference;
    const texte = formText(request, 'texte', 2000);
    if (texte === '') return detailPage(request, reply, api, reference, { errors: { texte: 'Saisissez le commentaire (1 à 2000 caractères).' }, status: 400 });
    try {
      await api.call('commentSignalisation', { params: { reference }, body: { agent: agentOf(request), texte } });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, api, reference, { errors: refusalErrors(refusal.message, { texte: 'texte' }), values: { texte }, status: 400 });
    }
    return detailPage(request, reply, api, reference, { notice: 'Commentaire ajouté.' });
  });
};

