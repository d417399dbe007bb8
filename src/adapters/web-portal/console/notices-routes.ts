// Console: the notices to the operators (decision 0022): the list (withdrawn ones included), a form
// to publish one by hand (kind, operators or all, dates, title, text; the contract's notice period
// may be forced, audited) and the withdrawal of one. Calls listNotices, createNotice, withdrawNotice.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NOTICE_KINDS, NOTICE_KIND_LABELS, WEB_SERVICE_CHANGES } from '../../../domain/notices.js';
import { parisDateTime, parseParisInput } from '../paris-time.js';
import { apiRefusal } from './api.js';
import { agentOf, formText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';

interface NoticeJson {
  reference: string;
  type: string;
  operateurs: string[] | null;
  titre: string;
  texte: string;
  datePublication: string;
  debut: string | null;
  fin: string | null;
  auteur: string;
  preavisForce: string | null;
  dateRetrait: string | null;
}

const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');
const CHANGE_LABELS: Record<string, string> = { ACCES: 'URL, adresse IP ou authentification (15 jours)', MINEURE: 'version mineure (2 mois)', MAJEURE: 'version majeure (6 mois)' };

export const noticesConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function page(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    const list = await api.call<{ envoiEmail: boolean; avis: NoticeJson[] }>('listNotices', { query: { retires: true, limite: 200 } });
    if (extra.status) reply.code(extra.status);
    return sendConsolePage(request, reply, 'avis', {
      title: 'Avis aux opérateurs',
      notices: list.avis,
      mailing: list.envoiEmail,
      kinds: NOTICE_KINDS.map((k) => ({ value: k, label: NOTICE_KIND_LABELS[k] })),
      changes: [{ value: '', label: '—' }, ...WEB_SERVICE_CHANGES.map((c) => ({ value: c, label: CHANGE_LABELS[c] ?? c }))],
      kindLabel: (k: string) => NOTICE_KIND_LABELS[k as keyof typeof NOTICE_KIND_LABELS] ?? k,
      when,
      ...extra,
    });
  }

  app.get('/console/avis', async (request, reply) => page(request, reply));

  app.post('/console/avis', async (request, reply) => {
    const values = {
      type: formText(request, 'type', 30) || 'AUTRE',
      operateurs: formText(request, 'operateurs', 3000),
      titre: formText(request, 'titre', 200),
      texte: formText(request, 'texte', 5000),
      debut: formText(request, 'debut', 30),
      fin: formText(request, 'fin', 30),
      changement: formText(request, 'changement', 10),
      forcer: formText(request, 'forcer', 3),
    };
    const errors: FieldErrors = {};
    const codes = values.operateurs.split(/[\s,;]+/).filter(Boolean);
    if (codes.some((c) => !/^[A-Z0-9]{4}$/.test(c))) errors.operateurs = 'Codes opérateurs de 4 caractères séparés par des virgules (vide : tous).';
    if (!(NOTICE_KINDS as readonly string[]).includes(values.type)) errors.type = 'Choisissez un type d’avis.';
    if (values.titre === '') errors.titre = 'Saisissez le titre de l’avis.';
    if (values.texte === '') errors.texte = 'Saisissez le texte de l’avis.';
    const start = values.debut ? parseParisInput(values.debut, { requireTime: true }) : undefined;
    const end = values.fin ? parseParisInput(values.fin, { requireTime: true }) : undefined;
    if (start === null) errors.debut = 'Date et heure attendues (ou vide).';
    if (end === null) errors.fin = 'Date et heure attendues (ou vide).';
    if (Object.keys(errors).length > 0) return page(request, reply, { errors, values, status: 400 });
    try {
      const created = await api.call<NoticeJson>('createNotice', {
        body: {
          agent: agentOf(request),
          type: values.type,
          titre: values.titre,
          texte: values.texte,
          ...(codes.length > 0 ? { operateurs: [...new Set(codes)] } : {}),
          ...(start ? { debut: start.toISOString() } : {}),
          ...(end ? { fin: end.toISOString() } : {}),
          ...(values.changement ? { changement: values.changement } : {}),
          ...(values.forcer === 'oui' ? { force: true } : {}),
        },
      });
      return page(request, reply, { notice: `Avis ${created.reference} publié.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return page(request, reply, { errors: refusalErrors(refusal.message, { titre: 'titre', texte: 'texte', operateurs: 'operateurs', debut: 'debut', fin: 'fin' }), values, status: refusal.status === 409 ? 409 : 400 });
    }
  });

  app.post<{ Params: { reference: string } }>('/console/avis/:reference/retrait', async (request, reply) => {
    try {
      await api.call('withdrawNotice', { params: { reference: request.params.reference }, body: { agent: agentOf(request) } });
      return page(request, reply, { notice: `Avis ${request.params.reference} retiré.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return page(request, reply, { errors: { _general: refusal.message }, status: refusal.status === 404 ? 404 : 409 });
    }
  });
};
