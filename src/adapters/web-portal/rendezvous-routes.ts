// Appointments of a ticket (issue 13, point 4): the ticket's appointments (consulterRendezVous),
// the free slots of a type over a period (rechercherCreneaux), booking one (reserverCreneau),
// moving (reporterRendezVous) and cancelling (annulerRendezVous) an appointment. Each action runs
// the use case of the SOAP operation under its name (maintenance, rate limit, volumetry), with the
// session's operator: another operator's ticket or appointment is the same 404 as an unknown one.
// From 01:00 to 04:00 Paris time the page shows the rule (fault 321) instead of slots.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Creneau, RendezVous } from '../../application/rendezvous-ports.js';
import { EsavFault } from '../../domain/faults.js';
import { assertSlotSearchOpen, isTypeRendezVous, slotIdentifier, TYPES_RENDEZ_VOUS, type TypeRendezVous } from '../../domain/rendezvous.js';
import { durationText, formErrorOf, refusedUnlessGranted, type FormError, type FieldServiceDeps } from './field-service-common.js';
import { parisInputValue, parisLong, parseParisInput } from './paris-time.js';
import { requireSignedIn, sendMessage, sendPage, sessionOf } from './render.js';
import { underServiceRules } from './service-rules.js';

export const TYPE_LABELS: Readonly<Record<TypeRendezVous, string>> = {
  SAV: 'SAV',
  SAV_PLUS: 'SAV+',
  EXPERTISE_CONTRADICTOIRE: 'Expertise contradictoire',
};

const SEARCH_INPUTS = ['typeRendezVous', 'periode.debut', 'periode.fin', 'periode', 'idCreneau', 'idRendezVous'] as const;
const DAY_MS = 24 * 3600 * 1000;

interface SearchQuery {
  typeRendezVous?: string;
  debut?: string;
  fin?: string;
  /** The appointment being moved: the slots found are offered for it. */
  report?: string;
}

interface Params {
  reference: string;
}

/** Unknown ticket (310) or ticket out of the history (312): the page does not exist for this user. */
function isMissingTicket(error: unknown): error is EsavFault {
  return error instanceof EsavFault && (error.code === 310 || error.code === 312);
}

const rendezVousView = (r: RendezVous, now: Date) => ({
  idRendezVous: r.reference,
  type: TYPE_LABELS[r.creneau.type],
  typeCode: r.creneau.type,
  debut: parisLong(r.creneau.debut),
  fin: parisLong(r.creneau.fin),
  statut: r.statut === 'RESERVE' ? 'Réservé' : 'Annulé',
  modifiable: r.statut === 'RESERVE' && r.creneau.debut.getTime() > now.getTime(),
});

const slotView = (c: Creneau) => ({ idCreneau: slotIdentifier(c.id), debut: parisLong(c.debut), fin: parisLong(c.fin) });

export const rendezVousRoutes: FastifyPluginAsync<FieldServiceDeps> = async (app, deps) => {
  const { rules } = deps;
  const service = deps.useCases.rendezVous;
  app.addHook('preHandler', requireSignedIn);

  const base = (reference: string) => `/signalisations/${encodeURIComponent(reference)}/rendez-vous`;

  async function showPage(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    query: SearchQuery,
    extra: { status?: number; error?: FormError; notice?: string } = {},
  ): Promise<FastifyReply> {
    if (await refusedUnlessGranted(request, reply, 'consulterRendezVous')) return reply;
    const { operatorCode } = sessionOf(request).user;
    const { reference } = request.params;
    const now = rules.clock.now();
    let list: RendezVous[];
    try {
      list = await underServiceRules(rules, operatorCode, 'consulterRendezVous', () =>
        service.consult({ operatorCode }, { key: { referenceSignalisation: reference } }),
      );
    } catch (error) {
      if (isMissingTicket(error)) return sendMessage(request, reply, 404, 'Signalisation inconnue', error.libelle);
      throw error;
    }

    const moving = query.report === undefined ? undefined : list.find((r) => r.reference === query.report && r.statut === 'RESERVE');
    const type = moving?.creneau.type ?? (query.typeRendezVous && isTypeRendezVous(query.typeRendezVous) ? query.typeRendezVous : 'SAV');
    const search = {
      typeRendezVous: type,
      debut: query.debut ?? parisInputValue(now),
      fin: query.fin ?? parisInputValue(new Date(now.getTime() + 7 * DAY_MS)),
    };

    // The night rule: fault 321's text and when to come back, instead of the search and its slots.
    let nuit: { texte: string; retour: string } | undefined;
    try {
      assertSlotSearchOpen(now);
    } catch (error) {
      if (!(error instanceof EsavFault)) throw error;
      nuit = { texte: error.libelle, retour: durationText(error.reessayerApres ?? 60) };
    }

    // After a refused action, the same search again: its slots with the action's fault on them.
    let error = extra.error;
    let slots: ReturnType<typeof slotView>[] | undefined;
    const asked = query.debut !== undefined || query.fin !== undefined || query.typeRendezVous !== undefined;
    if (asked && !nuit) {
      const found = await searchSlots(operatorCode, reference, search);
      if ('slots' in found) slots = found.slots;
      else if ('nuit' in found) nuit = found.nuit;
      else error ??= found.error;
    }

    return sendPage(request, reply, 'rendez-vous', {
      title: `Rendez-vous de la signalisation ${reference}`,
      current: '/signalisations',
      status: extra.status ?? (error ? 422 : 200),
      reference,
      base: base(reference),
      rendezVous: list.map((r) => rendezVousView(r, now)),
      types: TYPES_RENDEZ_VOUS.map((code) => ({ code, libelle: TYPE_LABELS[code] })),
      search,
      moving: moving ? rendezVousView(moving, now) : undefined,
      slots,
      nuit,
      error,
      notice: extra.notice,
    });
  }

  type SearchOutcome = { slots: ReturnType<typeof slotView>[] } | { nuit: { texte: string; retour: string } } | { error: FormError };

  /** rechercherCreneaux with the form's values (read as Paris time), or why it gave no slots. */
  async function searchSlots(operatorCode: string, reference: string, search: { typeRendezVous: string; debut: string; fin: string }): Promise<SearchOutcome> {
    const debut = parseParisInput(search.debut);
    const fin = parseParisInput(search.fin);
    if (!isTypeRendezVous(search.typeRendezVous)) return { error: { code: 101, texte: 'Choisissez un type de rendez-vous de la liste', champ: 'typeRendezVous' } };
    if (!debut) return { error: { code: 101, texte: 'Date et heure de début attendues (JJ/MM/AAAA HH:MM)', champ: 'periode.debut' } };
    if (!fin) return { error: { code: 101, texte: 'Date et heure de fin attendues (JJ/MM/AAAA HH:MM)', champ: 'periode.fin' } };
    const type = search.typeRendezVous;
    try {
      const found = await underServiceRules(rules, operatorCode, 'rechercherCreneaux', () =>
        service.search({ operatorCode }, { key: { referenceSignalisation: reference }, type, periode: { debut, fin } }),
      );
      return { slots: found.map(slotView) };
    } catch (caught) {
      if (caught instanceof EsavFault && caught.code === 321) return { nuit: { texte: caught.libelle, retour: durationText(caught.reessayerApres ?? 60) } };
      const error = formErrorOf(caught, SEARCH_INPUTS);
      if (!error) throw caught;
      // The period's fault (debut after fin) is shown on its first input.
      return { error: error.champ === 'periode' ? { ...error, champ: 'periode.debut' } : error };
    }
  }

  app.get<{ Params: Params; Querystring: SearchQuery & { fait?: string } }>('/signalisations/:reference/rendez-vous', async (request, reply) => {
    const notice = typeof request.query.fait === 'string' ? request.query.fait : undefined;
    const notices: Record<string, string> = {
      reserve: 'Le rendez-vous est réservé.',
      reporte: 'Le rendez-vous est reporté.',
      annule: 'Le rendez-vous est annulé : son créneau est de nouveau libre.',
    };
    return showPage(request, reply, request.query, notice && notices[notice] ? { notice: notices[notice] } : {});
  });

  /** Runs an action; a fault of the form is shown on the page (same search), a missing ticket is 404. */
  async function act(
    request: FastifyRequest<{ Params: Params & { idRendezVous?: string }; Body: Record<string, string> }>,
    reply: FastifyReply,
    operation: string,
    action: (operatorCode: string) => Promise<unknown>,
    done: string,
  ): Promise<FastifyReply> {
    if (await refusedUnlessGranted(request, reply, operation)) return reply;
    const { operatorCode } = sessionOf(request).user;
    try {
      await underServiceRules(rules, operatorCode, operation, () => action(operatorCode));
    } catch (caught) {
      if (isMissingTicket(caught)) return sendMessage(request, reply, 404, 'Signalisation inconnue', caught.libelle);
      // Another operator's appointment is the same 320 as an unknown one: shown as such.
      const error = formErrorOf(caught, SEARCH_INPUTS);
      if (!error) throw caught;
      const body = request.body ?? {};
      const query: SearchQuery = {};
      for (const key of ['typeRendezVous', 'debut', 'fin', 'report'] as const) if (typeof body[key] === 'string' && body[key] !== '') query[key] = body[key];
      return showPage(request, reply, query, { status: 422, error });
    }
    return reply.redirect(`${base(request.params.reference)}?fait=${done}`, 303);
  }

  const field = (body: Record<string, string> | undefined, name: string) => (typeof body?.[name] === 'string' ? body[name].trim() : '');

  app.post<{ Params: Params; Body: Record<string, string> }>('/signalisations/:reference/rendez-vous/reserver', async (request, reply) => {
    const idCreneau = field(request.body, 'idCreneau');
    const key = { referenceSignalisation: request.params.reference };
    return act(request, reply, 'reserverCreneau', async (operatorCode) => {
      if (idCreneau === '') throw new EsavFault(101, 'Choisissez un créneau', { champ: 'idCreneau' });
      return service.book({ operatorCode }, { key, idCreneau });
    }, 'reserve');
  });

  app.post<{ Params: Params & { idRendezVous: string }; Body: Record<string, string> }>(
    '/signalisations/:reference/rendez-vous/:idRendezVous/reporter',
    async (request, reply) => {
      const idCreneau = field(request.body, 'idCreneau');
      const key = { referenceSignalisation: request.params.reference };
      return act(request, reply, 'reporterRendezVous', async (operatorCode) => {
        if (idCreneau === '') throw new EsavFault(101, 'Choisissez un créneau', { champ: 'idCreneau' });
        return service.reschedule({ operatorCode }, { key, idRendezVous: request.params.idRendezVous, idCreneau });
      }, 'reporte');
    },
  );

  app.post<{ Params: Params & { idRendezVous: string }; Body: Record<string, string> }>(
    '/signalisations/:reference/rendez-vous/:idRendezVous/annuler',
    async (request, reply) => {
      const key = { referenceSignalisation: request.params.reference };
      return act(request, reply, 'annulerRendezVous', (operatorCode) => service.cancel({ operatorCode }, { key, idRendezVous: request.params.idRendezVous }), 'annule');
    },
  );
};
