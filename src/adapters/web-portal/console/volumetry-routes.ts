// Console: volumetry as charts (requests per day, per operator and kind; peaks per minute) from
// the admin API's /admin/volumetrie, each chart with its data table; and the running state (the
// line-test queue and the error rates of /admin/exploitation), maintenance windows and rate limits.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { VOLUMETRY_KINDS, VOLUMETRY_KIND_LABELS } from '../../../domain/volumetry.js';
import { parisDateTime, parseParisInput } from '../paris-time.js';
import { apiRefusal } from './api.js';
import { agentOf, formText, queryText, refusalErrors, sendConsolePage, type ConsolePageDeps, type FieldErrors } from './common.js';
import { PALETTE, groupedBarChart } from './svg-charts.js';


interface VolumetryJson {
  lignes: { operateur: string; minute?: string; compteurs: Record<string, number>; total: number }[];
  totaux: Record<string, number>;
  total: number;
}

const DAY = /^\d{4}-\d\d-\d\d$/;
const MAX_DAYS = 31;
const MAX_PEAK_DAYS = 7;
const when = (iso: string | null | undefined) => (iso ? parisDateTime(new Date(iso)) : '');
const parisDay = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
/** Midnight of a Paris day, as an ISO instant with its offset. */
const parisMidnight = (day: string): Date => parseParisInput(`${day}T00:00`, { requireTime: true }) ?? new Date(`${day}T00:00:00Z`);
const nextDay = (day: string): string => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

export const volumetryConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  app.get('/console/volumetrie', async (request, reply) => {
    const today = parisDay(new Date());
    const weekAgo = parisDay(new Date(Date.now() - 6 * 86_400_000));
    const from = queryText(request, 'du') || weekAgo;
    const to = queryText(request, 'au') || today;
    const errors: FieldErrors = {};
    if (!DAY.test(from)) errors.du = 'Date attendue (AAAA-MM-JJ).';
    if (!DAY.test(to)) errors.au = 'Date attendue (AAAA-MM-JJ).';
    const days: string[] = [];
    if (Object.keys(errors).length === 0) {
      for (let d = from; d <= to && days.length <= MAX_DAYS; d = nextDay(d)) days.push(d);
      if (days.length === 0) errors.au = 'La fin précède le début.';
      else if (days.length > MAX_DAYS) errors.au = `${MAX_DAYS} jours au plus.`;
    }
    if (Object.keys(errors).length > 0) {
      return sendConsolePage(request, reply, 'volumetrie', { title: 'Volumétrie', status: 400, errors, values: { du: from, au: to }, days: [], charts: null });
    }
    // One total per day (Paris days), then the peaks per minute over the last days of the range.
    const perDay = await Promise.all(
      days.map((day) =>
        api.call<VolumetryJson>('getVolumetry', { query: { debut: parisMidnight(day).toISOString(), fin: parisMidnight(nextDay(day)).toISOString(), detail: 'total' } }),
      ),
    );
    const peakDays = days.slice(-MAX_PEAK_DAYS);
    // The busiest minute of each operator, computed by the database (detail=pic): one line per
    // operator whatever the traffic, where the minutes themselves would be ≈ 115 000 a day.
    const perMinute = await api.call<VolumetryJson>('getVolumetry', {
      query: { debut: parisMidnight(peakDays[0]!).toISOString(), fin: parisMidnight(nextDay(peakDays.at(-1)!)).toISOString(), detail: 'pic' },
    });
    const operators = [...new Set(perDay.flatMap((r) => r.lignes.map((l) => l.operateur)).concat(perMinute.lignes.map((l) => l.operateur)))].sort();
    const kinds = [...VOLUMETRY_KINDS];
    // Per day and operator.
    const dayRows = days.map((day, i) => ({
      day,
      total: perDay[i]!.total,
      byOperator: operators.map((op) => perDay[i]!.lignes.filter((l) => l.operateur === op).reduce((n, l) => n + l.total, 0)),
    }));
    // Per operator and kind, over the range.
    const kindRows = operators.map((op) => ({
      operator: op,
      byKind: kinds.map((k) => perDay.reduce((n, r) => n + r.lignes.filter((l) => l.operateur === op).reduce((m, l) => m + (l.compteurs[k] ?? 0), 0), 0)),
    }));
    // Peak per minute, per operator.
    const peaks = operators.map((op) => {
      let best = { total: 0, minute: '' };
      for (const l of perMinute.lignes) if (l.operateur === op && l.total > best.total) best = { total: l.total, minute: l.minute ?? '' };
      return { operator: op, total: best.total, minute: best.minute };
    });
    const series = operators.map((op, k) => ({ name: op, colour: PALETTE[k % PALETTE.length]! }));
    const charts = {
      perDay: groupedBarChart({
        id: 'graphique-jours',
        title: 'Requêtes par jour et par opérateur',
        description: `Du ${from} au ${to} : ${dayRows.reduce((n, d) => n + d.total, 0)} requêtes ; détail dans le tableau qui suit.`,
        categories: days.map((d) => d.slice(5)),
        series,
        values: dayRows.map((d) => d.byOperator),
      }),
      perKind: groupedBarChart({
        id: 'graphique-types',
        title: 'Requêtes par opérateur et par type',
        description: 'Pour chaque type de requête, une barre par opérateur ; détail dans le tableau qui suit.',
        categories: kinds.map((k) => k),
        series,
        values: kinds.map((_k, i) => kindRows.map((r) => r.byKind[i]!)),
      }),
      peaks: groupedBarChart({
        id: 'graphique-pics',
        title: 'Pic de requêtes par minute, par opérateur',
        description: `Sur les ${peakDays.length} derniers jours de la période ; détail dans le tableau qui suit.`,
        categories: operators,
        series: [{ name: 'pic par minute', colour: PALETTE[0]! }],
        values: peaks.map((p) => [p.total]),
      }),
    };
    return sendConsolePage(request, reply, 'volumetrie', {
      title: 'Volumétrie',
      values: { du: from, au: to },
      days,
      operators,
      dayRows,
      kinds: kinds.map((k) => ({ code: k, label: VOLUMETRY_KIND_LABELS[k] })),
      kindRows,
      peaks,
      charts,
      when,
    });
  });

  // ------------------------------------------------------------ running state, maintenance, limits
  async function exploitationPage(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number; notice?: string | null } = {}) {
    const [state, windows, limits] = await Promise.all([
      api.call<{ file: { enAttente: number; enReprise: number; enCours: number }; requetes: { total: number; erreurs: number; tauxErreur: number; parResultat: { resultat: string; nombre: number }[]; parOperation: { service: string; operation: string; total: number; erreurs: number; tauxErreur: number }[] } }>('getRunningState'),
      api.call<{ fenetres: { reference: string; debut: string; fin: string; motif: string; dateAnnulation: string | null }[] }>('listMaintenanceWindows', { query: { limite: 50 } }),
      api.call<{ limites: { operateur: string; requetesParMinute: number | null; aPartirDe: string; motif: string | null; enVigueur?: boolean }[] }>('listRateLimits'),
    ]);
    return sendConsolePage(request, reply, 'exploitation', { title: 'Exploitation : file, erreurs, maintenance, limites', state, windows: windows.fenetres, limits: limits.limites, when, ...extra });
  }

  app.get('/console/exploitation', async (request, reply) => exploitationPage(request, reply));

  app.post('/console/exploitation/maintenances', async (request, reply) => {
    const values = { debut: formText(request, 'debut', 30), fin: formText(request, 'fin', 30), motif: formText(request, 'motif', 255), forcer: formText(request, 'forcer', 3) };
    const errors: FieldErrors = {};
    const start = parseParisInput(values.debut, { requireTime: true });
    const end = parseParisInput(values.fin, { requireTime: true });
    if (!start) errors.debut = 'Date et heure de début attendues.';
    if (!end) errors.fin = 'Date et heure de fin attendues.';
    if (values.motif === '') errors.motif = 'Saisissez le motif annoncé aux opérateurs.';
    if (Object.keys(errors).length > 0) return exploitationPage(request, reply, { errors, values, status: 400 });
    try {
      // The notice period (two working days) may be forced by the staff member, audited (decision 0022).
      const force = values.forcer === 'oui' ? { force: true, agent: agentOf(request) } : { agent: agentOf(request) };
      await api.call('announceMaintenanceWindow', { body: { debut: start!.toISOString(), fin: end!.toISOString(), motif: values.motif, ...force } });
      return exploitationPage(request, reply, { notice: 'Fenêtre de maintenance annoncée.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return exploitationPage(request, reply, { errors: refusalErrors(refusal.message, { debut: 'debut', fin: 'fin', motif: 'motif' }), values, status: 400 });
    }
  });

  app.post<{ Params: { reference: string } }>('/console/exploitation/maintenances/:reference/annulation', async (request, reply) => {
    try {
      await api.call('cancelMaintenanceWindow', { params: { reference: request.params.reference }, body: { agent: agentOf(request) } });
      return exploitationPage(request, reply, { notice: 'Fenêtre annulée.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return exploitationPage(request, reply, { errors: { _general: refusal.message }, status: 409 });
    }
  });

  app.post('/console/exploitation/limites', async (request, reply) => {
    const values = { operateur: formText(request, 'operateur', 10), requetesParMinute: formText(request, 'requetesParMinute', 10), motif: formText(request, 'motif', 255), forcer: formText(request, 'forcer', 3) };
    const errors: FieldErrors = {};
    if (!/^[A-Z0-9]{4}$/.test(values.operateur)) errors.operateur = 'Code opérateur (4 caractères) attendu.';
    const perMinute = values.requetesParMinute === '' ? null : Number(values.requetesParMinute);
    if (perMinute !== null && (!Number.isInteger(perMinute) || perMinute < 1)) errors.requetesParMinute = 'Nombre entier ≥ 1 attendu (vide : lever la limite).';
    if (Object.keys(errors).length > 0) return exploitationPage(request, reply, { errors, values, status: 400 });
    try {
      // A limit set from now on is announced the day before: the staff member forces it (audited, decision 0022).
      const force = values.forcer === 'oui' ? { force: true } : {};
      await api.call('setRateLimit', {
        body: { operateur: values.operateur, requetesParMinute: perMinute, agent: agentOf(request), ...force, ...(values.motif ? { motif: `${values.motif} (${agentOf(request)})` } : { motif: `console (${agentOf(request)})` }) },
      });
      return exploitationPage(request, reply, { notice: 'Limite enregistrée.' });
    } catch (error) {
      const refusal = apiRefusal(error);
      if (!refusal) throw error;
      return exploitationPage(request, reply, { errors: refusalErrors(refusal.message, { operateur: 'operateur', requetesParMinute: 'requetesParMinute', motif: 'motif' }), values, status: 400 });
    }
  });
};
