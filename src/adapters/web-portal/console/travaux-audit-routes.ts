// Console: planned works and incidents (list, publish, close or cancel) — the admin API's
// /admin/travaux… routes — and the support audit log (filters operator and certificate, paging
// by 100 more lines) — /admin/audit.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NATURES_TRAVAUX } from '../../../domain/travaux.js';
import { parisDateTime, parseParisInput } from '../paris-time.js';
import { apiRefusal } from './api.js';
import { formText, queryText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';


interface TravauxJson {
  reference: string;
  nature: string;
  etat: string;
  libelle: string;
  equipement: string;
  referencePm: string | null;
  dateDebut: string;
  dateFin: string | null;
  commentaire: string | null;
  perimetre: { type: string; reference: string }[];
  dateModification: string | null;
}

/** An ISO instant as the value of a datetime-local field, Paris time. */
const localInput = (iso: string | null): string => (iso ? new Date(iso).toLocaleString('sv-SE', { timeZone: 'Europe/Paris' }).slice(0, 16).replace(' ', 'T') : '');

const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');
const AUDIT_PAGE = 100;
const AUDIT_MAX = 1000;

export const travauxAuditConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function travauxPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    const open = queryText(request, 'tous') !== 'oui';
    const list = await api.call<{ travaux: { reference: string; nature: string; etat: string; libelle: string; equipement: string; dateDebut: string; dateFin: string | null; perimetre: { type: string; reference: string }[] }[] }>(
      'listTravaux', { query: { ouverts: open, limite: 200 } },
    );
    return sendConsolePage(request, reply, 'travaux', {
      title: 'Travaux et incidents',
      current: '/console/travaux',
      travaux: list.travaux,
      open,
      natures: NATURES_TRAVAUX.map((n) => ({ value: n, label: n })),
      when,
      ...extra,
    });
  }

  app.get('/console/travaux', async (request, reply) => travauxPage(request, reply));

  app.post('/console/travaux', async (request, reply) => {
    const values = {
      nature: formText(request, 'nature', 32),
      libelle: formText(request, 'libelle', 255),
      equipement: formText(request, 'equipement', 32),
      referencePm: formText(request, 'referencePm', 100),
      dateDebut: formText(request, 'dateDebut', 30),
      dateFin: formText(request, 'dateFin', 30),
      perimetre: formText(request, 'perimetre', 20_000),
    };
    const errors: FieldErrors = {};
    if (!(NATURES_TRAVAUX as readonly string[]).includes(values.nature)) errors.nature = 'Choisissez la nature.';
    if (values.libelle === '') errors.libelle = 'Saisissez le libellé.';
    if (!/^[A-Za-z0-9_]{1,32}$/.test(values.equipement)) errors.equipement = 'Code d’équipement attendu (lettres, chiffres, _).';
    const start = parseParisInput(values.dateDebut, { requireTime: true });
    const end = values.dateFin === '' ? undefined : parseParisInput(values.dateFin, { requireTime: true });
    if (!start) errors.dateDebut = 'Date et heure de début attendues.';
    if (values.dateFin !== '' && !end) errors.dateFin = 'Date et heure de fin attendues (ou vide).';
    const perimetre = values.perimetre
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map((l) => {
        const [type, ...rest] = l.split(/\s+/);
        return { type: type ?? '', reference: rest.join(' ') };
      });
    if (perimetre.length === 0 || perimetre.some((p) => !/^[A-Z0-9_]{1,32}$/.test(p.type) || p.reference === '')) {
      errors.perimetre = 'Une ligne par élément : TYPE référence (ex. COMMUNE 69123).';
    }
    if (Object.keys(errors).length > 0) return travauxPage(request, reply, { errors, values, status: 400 });
    try {
      await api.call('publishTravaux', {
        body: { nature: values.nature, libelle: values.libelle, equipement: values.equipement, ...(values.referencePm ? { referencePm: values.referencePm } : {}), dateDebut: start!.toISOString(), ...(end ? { dateFin: end.toISOString() } : {}), perimetre },
      });
      return travauxPage(request, reply, { notice: 'Publié.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return travauxPage(request, reply, { errors: refusalErrors(refusal.message, { nature: 'nature', libelle: 'libelle', equipement: 'equipement', referencePm: 'referencePm', dateDebut: 'dateDebut', dateFin: 'dateFin', perimetre: 'perimetre' }), values, status: 400 });
    }
  });

  async function detailPage(request: FastifyRequest, reply: FastifyReply, reference: string, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    try {
      const travaux = await api.call<TravauxJson>('getTravaux', { params: { reference } });
      const values = { libelle: travaux.libelle, dateDebut: localInput(travaux.dateDebut), dateFin: localInput(travaux.dateFin), commentaire: travaux.commentaire ?? '', ...(extra.values ?? {}) };
      return sendConsolePage(request, reply, 'travaux-detail', { title: `Travaux ${reference}`, current: '/console/travaux', travaux, when, ...extra, values });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (refusal) return sendConsolePage(request, reply, 'message', { title: 'Travaux introuvables', status: 404, message: refusal.message });
      throw error;
    }
  }

  app.get<{ Params: { reference: string } }>('/console/travaux/:reference', async (request, reply) => detailPage(request, reply, request.params.reference));

  app.post<{ Params: { reference: string } }>('/console/travaux/:reference', async (request, reply) => {
    const reference = request.params.reference;
    const values = { libelle: formText(request, 'libelle', 255), dateDebut: formText(request, 'dateDebut', 30), dateFin: formText(request, 'dateFin', 30), commentaire: formText(request, 'commentaire', 512) };
    const errors: FieldErrors = {};
    const start = parseParisInput(values.dateDebut, { requireTime: true });
    const end = values.dateFin === '' ? null : parseParisInput(values.dateFin, { requireTime: true });
    if (values.libelle === '') errors.libelle = 'Saisissez le libellé.';
    if (!start) errors.dateDebut = 'Date et heure de début attendues.';
    if (values.dateFin !== '' && !end) errors.dateFin = 'Date et heure de fin attendues (ou vide).';
    if (Object.keys(errors).length > 0) return detailPage(request, reply, reference, { errors, values, status: 400 });
    try {
      await api.call('updateTravaux', { params: { reference },
        body: { libelle: values.libelle, dateDebut: start!.toISOString(), dateFin: end ? end.toISOString() : null, commentaire: values.commentaire === '' ? null : values.commentaire },
      });
      return detailPage(request, reply, reference, { notice: 'Modifié : les opérateurs voient la mise à jour.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return detailPage(request, reply, reference, { errors: refusalErrors(refusal.message, { libelle: 'libelle', dateDebut: 'dateDebut', dateFin: 'dateFin', commentaire: 'commentaire' }), values, status: refusal.status === 404 ? 404 : 409 });
    }
  });

  app.post<{ Params: { reference: string } }>('/console/travaux/:reference/cloture', async (request, reply) => {
    const etat = formText(request, 'etat', 10) === 'ANNULE' ? 'ANNULE' : 'CLOTURE';
    const commentaire = formText(request, 'commentaire', 512);
    try {
      await api.call('closeTravaux', { params: { reference: request.params.reference }, body: { etat, ...(commentaire ? { commentaire } : {}) } });
      return travauxPage(request, reply, { notice: `${request.params.reference} : ${etat === 'ANNULE' ? 'annulé' : 'clôturé'}.` });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return travauxPage(request, reply, { errors: { _general: refusal.message }, status: 409 });
    }
  });

  app.get('/console/audit', async (request, reply) => {
    const operator = queryText(request, 'operateur');
    const certificate = queryText(request, 'certificat', 100);
    const requested = Number(queryText(request, 'limite') || AUDIT_PAGE);
    const limit = Number.isInteger(requested) ? Math.min(AUDIT_MAX, Math.max(AUDIT_PAGE, requested)) : AUDIT_PAGE;
    const errors: FieldErrors = {};
    if (operator !== '' && !/^[A-Z0-9]{4}$/.test(operator)) errors.operateur = 'Code opérateur (4 caractères) attendu.';
    if (certificate !== '' && !/^[0-9A-Fa-f:]{64,95}$/.test(certificate)) errors.certificat = 'Empreinte SHA-256 complète attendue.';
    let events: { id: number; date: string; agent: string; action: string; operateur: string | null; certificat: string | null; details: unknown }[] = [];
    if (Object.keys(errors).length === 0) {
      events = (
        await api.call<{ evenements: typeof events }>('listAuditEvents', {
          query: { limite: limit, ...(operator ? { operateur: operator } : {}), ...(certificate ? { certificat: certificate } : {}) },
        })
      ).evenements;
    }
    const more = events.length === limit && limit < AUDIT_MAX ? new URLSearchParams({ ...(operator ? { operateur: operator } : {}), ...(certificate ? { certificat: certificate } : {}), limite: String(limit + AUDIT_PAGE) }).toString() : null;
    return sendConsolePage(request, reply, 'audit', {
      title: 'Journal d’audit',
      status: Object.keys(errors).length > 0 ? 400 : 200,
      errors,
      values: { operateur: operator, certificat: certificate },
      events: events.map((e) => ({ ...e, details: JSON.stringify(e.details ?? {}) })),
      more,
      when,
    });
  });
};
