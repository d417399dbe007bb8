// The console's capacity page (/console/capacite, issue 14, decisions 0018 and 0021): for one
// commune and appointment type, the booked versus free slots of a day range, the weekly pattern
// (add or replace a line, delete one), closures, extra capacity and non-working days (national
// ones listed, the provider's added or removed). Every read and change goes through the admin
// API (routes /admin/capacite…), audited with the staff member as agent; a refusal is shown on the
// form that caused it, with the values typed kept.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiRefusal } from './api.js';
import { agentOf, formText, queryText, sendConsolePage, supportSessionOf, type ConsolePageDeps } from './common.js';
import { ISO_WEEKDAY_NAMES } from '../../../domain/paris-calendar.js';
import { parisDateTime, parisTime } from '../paris-time.js';

// The admin API's JSON (src/adapters/admin-api/capacity-routes.ts), read structurally: the
// console depends on the API's answers, not on its code.
interface Counts {
  capacite: number;
  reserves: number;
  libres: number;
  fermes: number;
  horsCapacite: number;
  conflits: number;
}
interface BookedJson {
  idRendezVous: string;
  operateur: string;
  debut: string;
}
interface CapacityViewJson {
  jours: Array<Counts & { jour: string; ferie: string | null; creneaux: Array<Counts & { type: string; debut: string; fin: string }> }>;
  total: Counts;
  aTraiter: Array<BookedJson & { raison: string }>;
}
interface PatternJson {
  jour: number;
  debut: string;
  fin: string;
  dureeMinutes: number;
  techniciens: number;
  joursFeries: boolean;
}
interface ClosureJson {
  id: number;
  perimetre: string | null;
  type: string | null;
  debut: string;
  fin: string;
  motif: string;
  /** The first ones; `conflitsTotal` counts them all. */
  conflits: BookedJson[];
  conflitsTotal: number;
}
interface ExtraJson {
  id: number;
  jour: string;
  debut: string;
  fin: string;
  dureeMinutes: number;
  techniciens: number;
  motif: string | null;
}
interface NonWorkingDayJson {
  id: number | null;
  jour: string;
  libelle: string;
  source: string;
  perimetre: string | null;
}


const TYPES = ['SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE'] as const;
const TYPE_LABELS: Record<string, string> = { SAV: 'SAV', SAV_PLUS: 'SAV+', EXPERTISE_CONTRADICTOIRE: 'Expertise contradictoire' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const COMMUNE = /^[0-9][0-9AB][0-9]{3}$/;

interface Filter {
  commune: string;
  type: string;
  du: string;
  au: string;
}

const todayInParis = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The page's filter: from the query string (GET) or the form's hidden fields (POST). */
function filterOf(read: (name: string) => string): Filter {
  const commune = COMMUNE.test(read('commune')) ? read('commune') : '75056';
  const type = (TYPES as readonly string[]).includes(read('type')) ? read('type') : 'SAV';
  const du = DAY.test(read('du')) ? read('du') : todayInParis();
  const au = DAY.test(read('au')) && read('au') >= du ? read('au') : addDays(du, 6);
  return { commune, type, du, au };
}

const CLOSURE_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\/[1-9]\d{0,14}$/;

const pageUrl = (f: Filter, fait?: string) =>
  `/console/capacite?${new URLSearchParams({ commune: f.commune, type: f.type, du: f.du, au: f.au, ...(fait ? { fait } : {}) })}`;

const DONE: Record<string, string> = {
  plage: 'Plage enregistrée ; les créneaux libres à venir sont régénérés.',
  planning: 'Planning remplacé ; les créneaux libres à venir sont régénérés.',
  'plage-supprimee': 'Plage supprimée ; les rendez-vous déjà réservés restent.',
  fermeture: 'Fermeture ajoutée : plus aucun créneau libre proposé dans la période.',
  'fermeture-levee': 'Fermeture levée : ses créneaux libres sont de nouveau proposés.',
  supplement: 'Capacité supplémentaire ajoutée.',
  'supplement-supprime': 'Capacité supplémentaire supprimée.',
  jour: 'Jour non travaillé ajouté.',
  'jour-supprime': 'Jour non travaillé retiré.',
};

/** A line of the weekly pattern form that cannot be read (shown as the form's refusal). */
class PatternLineError extends Error {
  readonly status = 400;
}

/**
 * The weekly pattern typed one line a slot range: « lundi 08:00 12:00 120 2 [fériés] » (the day by
 * its name or ISO number). Values are passed on as typed: the admin API checks them.
 */
function patternLines(text: string): { jour: number; debut: string; fin: string; dureeMinutes: number; techniciens: number; joursFeries: boolean }[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.map((line, index) => {
    const words = line.split(/\s+/);
    const [day, debut, fin, duration, technicians, holidays, ...extra] = words;
    const jour = /^\d$/.test(day ?? '') ? Number(day) : ISO_WEEKDAY_NAMES.indexOf((day ?? '').toLowerCase());
    const feries = holidays === undefined ? false : /^f[ée]ri[ée]s?$/i.test(holidays) ? true : null;
    if (jour < 1 || jour > 7 || !debut || !fin || !/^\d+$/.test(duration ?? '') || !/^\d+$/.test(technicians ?? '') || feries === null || extra.length > 0) {
      throw new PatternLineError(`ligne ${index + 1} : « ${line} » ne se lit pas comme « jour début fin durée techniciens [fériés] ».`);
    }
    return { jour, debut, fin, dureeMinutes: Number(duration), techniciens: Number(technicians), joursFeries: feries };
  });
}

/** The refusal of a form: which form, the API's message, the values typed. */
interface FormError {
  form: string;
  message: string;
  values: Record<string, string>;
}

export const capacityConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  async function render(request: FastifyRequest, reply: FastifyReply, filter: Filter, error?: FormError): Promise<FastifyReply> {
    const session = supportSessionOf(request);
    const year = Number(filter.du.slice(0, 4));
    // The closures come by pages (the API's default size): `fermeturesApres` is the API's `suivant`.
    const closuresAfter = request.method === 'GET' && CLOSURE_CURSOR.test(queryText(request, 'fermeturesApres')) ? queryText(request, 'fermeturesApres') : '';
    const [view, patterns, closures, extras, days] = await Promise.all([
      api.call<CapacityViewJson>('capacityView', { query: { ...filter } }),
      api.call<{ plannings: PatternJson[] }>('listCapacityPatterns', { query: { commune: filter.commune, type: filter.type } }),
      api.call<{ fermetures: ClosureJson[]; suivant: string | null }>('listCapacityClosures', {
        query: { commune: filter.commune, ...(closuresAfter ? { apres: closuresAfter } : {}) },
      }),
      api.call<{ supplements: ExtraJson[] }>('listCapacityExtras', { query: { commune: filter.commune, type: filter.type } }),
      api.call<{ jours: NonWorkingDayJson[] }>('listNonWorkingDays', { query: { annee: year, commune: filter.commune } }),
    ]);
    const fait = queryText(request, 'fait');
    return sendConsolePage(request, reply, 'capacite', {
      title: 'Capacité des techniciens',
      current: '/console/capacite',
      status: error ? 400 : 200,
      user: session.user,
      filter,
      types: TYPES,
      typeLabel: (t: string | null) => (t ? (TYPE_LABELS[t] ?? t) : 'tous'),
      dayName: (n: number) => ISO_WEEKDAY_NAMES[n] ?? String(n),
      view,
      patterns: patterns.plannings,
      closures: closures.fermetures,
      closuresNext: closures.suivant ? `${pageUrl(filter)}&${new URLSearchParams({ fermeturesApres: closures.suivant })}#titre-fermetures` : null,
      closuresFirst: closuresAfter ? `${pageUrl(filter)}#titre-fermetures` : null,
      extras: extras.supplements,
      days: days.jours,
      notice: error ? null : (DONE[fait] ?? null),
      formError: error ?? null,
      when: (iso: string) => parisDateTime(new Date(iso)),
      hour: (iso: string) => parisTime(new Date(iso)),
    });
  }

  app.get('/console/capacite', async (request, reply) => render(request, reply, filterOf((n) => queryText(request, n))));

  /** A change posted from a form: done → back to the page (303), refused (4xx) → the page with the message on that form. */
  function change(path: string, form: string, fait: string, call: (request: FastifyRequest, filter: Filter) => Promise<unknown>) {
    app.post(path, async (request, reply) => {
      const filter = filterOf((n) => formText(request, n, 200));
      try {
        await call(request, filter);
      } catch (error) {
        const refusal = apiRefusal(error);
        if (!refusal) throw error;
        const body = (request.body ?? {}) as Record<string, unknown>;
        const values = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'));
        return render(request, reply, filter, { form, message: refusal.message.replace(/^requête invalide : /, ''), values });
      }
      return reply.redirect(pageUrl(filter, fait), 303);
    });
  }

  /** The path parameters of a commune's and type's weekly pattern. */
  const zone = (f: Filter) => ({ commune: f.commune, type: f.type });
  const int = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);

  change('/console/capacite/plages', 'plage', 'plage', (request, f) =>
    api.call('upsertCapacityPattern', {
      params: zone(f),
      body: {
        agent: agentOf(request),
        jour: int(formText(request, 'jour')),
        debut: formText(request, 'debut'),
        fin: formText(request, 'fin'),
        dureeMinutes: int(formText(request, 'dureeMinutes')),
        techniciens: int(formText(request, 'techniciens')),
        joursFeries: formText(request, 'joursFeries') === 'oui',
      },
    }),
  );

  change('/console/capacite/plannings', 'planning', 'planning', (request, f) =>
    api.call('replaceCapacityPatterns', { params: zone(f), body: { agent: agentOf(request), plages: patternLines(formText(request, 'plages', 20_000)) } }),
  );

  change('/console/capacite/plages/suppression', 'plages', 'plage-supprimee', (request, f) =>
    api.call('deleteCapacityPatterns', { params: zone(f), body: { agent: agentOf(request), jour: int(formText(request, 'jour')), debut: formText(request, 'debut') } }),
  );

  change('/console/capacite/fermetures', 'fermeture', 'fermeture', (request) => {
    const perimetre = formText(request, 'perimetre');
    const type = formText(request, 'typeFermeture');
    return api.call('createCapacityClosure', {
      body: {
        agent: agentOf(request),
        ...(perimetre ? { perimetre } : {}),
        ...(type ? { type } : {}),
        debut: formText(request, 'debutFermeture'),
        fin: formText(request, 'finFermeture'),
        motif: formText(request, 'motif', 500),
      },
    });
  });

  change('/console/capacite/fermetures/suppression', 'fermetures', 'fermeture-levee', (request) =>
    api.call('deleteCapacityClosure', { params: { id: formText(request, 'id') }, body: { agent: agentOf(request) } }),
  );

  change('/console/capacite/supplements', 'supplement', 'supplement', (request, f) => {
    const motif = formText(request, 'motifSupplement', 500);
    return api.call('createCapacityExtra', {
      body: {
        agent: agentOf(request),
        commune: f.commune,
        type: f.type,
        jour: formText(request, 'jourSupplement'),
        debut: formText(request, 'debutSupplement'),
        fin: formText(request, 'finSupplement'),
        dureeMinutes: int(formText(request, 'dureeSupplement')),
        techniciens: int(formText(request, 'techniciensSupplement')),
        ...(motif ? { motif } : {}),
      },
    });
  });

  change('/console/capacite/supplements/suppression', 'supplements', 'supplement-supprime', (request) =>
    api.call('deleteCapacityExtra', { params: { id: formText(request, 'id') }, body: { agent: agentOf(request) } }),
  );

  change('/console/capacite/jours', 'jour', 'jour', (request) => {
    const perimetre = formText(request, 'perimetreJour');
    return api.call('createNonWorkingDay', {
      body: { agent: agentOf(request), jour: formText(request, 'jourNonTravaille'), libelle: formText(request, 'libelle', 500), ...(perimetre ? { perimetre } : {}) },
    });
  });

  change('/console/capacite/jours/suppression', 'jours', 'jour-supprime', (request) =>
    api.call('deleteNonWorkingDay', { params: { id: formText(request, 'id') }, body: { agent: agentOf(request) } }),
  );
};
