// Technicians' capacity administration (issue 14, decision 0018): weekly patterns per commune and
// appointment type, exceptions (closures, extra capacity), the provider's non-working days on top
// of the national public holidays, and the view of booked versus free slots. Every change names
// the support staff member (`agent`), is audited in the same transaction, and regenerates the
// future free slots at once, in PostgreSQL: every process's slot search sees it without restart.
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import {
  closureCovers,
  COMMUNE,
  extraProblem,
  patternSetProblem,
  PERIMETRE,
  plannedWindows,
  windowKey,
  zoneCalendar,
  type CapacityExtra,
  type Closure,
  type Perimetre,
  type Problem,
} from '../domain/capacity.js';
import { addDays, isParisDay, parisDayOf, parisDayStart, type ParisDay } from '../domain/paris-calendar.js';
import { DEFAULT_HORIZON_DAYS, type TypeRendezVous, type WorkingPattern } from '../domain/rendezvous.js';
import { UseCaseError } from './errors.js';
import { keysetPage, pageSize } from './paging.js';
import type {
  BookedAppointment,
  CapacityAdminRepository,
  CapacityExtraRecord,
  ClosureConflicts,
  ClosureKey,
  ExtraKey,
  PatternKey,
  ClosureRecord,
  NonWorkingDayRecord,
  Regeneration,
} from './capacity-ports.js';
import type { CapacityRepository } from './rendezvous-ports.js';

/** At most this many days in one view. */
export const MAX_VIEW_DAYS = 92;

export interface CapacityAdminDeps {
  repository: CapacityAdminRepository;
  /** The search's generation (rolling horizon), so that the view shows the days it asks for. */
  slots: Pick<CapacityRepository, 'ensureSlots'>;
  /** The national public holidays (date-holidays, decision 0005). */
  calendar: HolidayCalendar;
  /** The names of the national holidays of a year, for the list (day → name). */
  holidayNames: (year: number) => ReadonlyMap<ParisDay, string>;
  clock: Clock;
  horizonDays?: number;
}

/** A weekly line as support staff give it (commune and type come with the set). */
export type PatternLine = Pick<WorkingPattern, 'jour' | 'debut' | 'fin' | 'dureeMinutes' | 'techniciens' | 'joursFeries'>;

export interface NewClosure {
  perimetre: Perimetre;
  type: TypeRendezVous | null;
  debut: Date;
  fin: Date;
  motif: string;
}

export interface NonWorkingDayView {
  jour: ParisDay;
  libelle: string;
  /** NATIONAL: date-holidays; FOURNISSEUR: added by support staff. */
  source: 'NATIONAL' | 'FOURNISSEUR';
  perimetre: Perimetre;
  record: NonWorkingDayRecord | null;
}

/** The counts of a window, of a day or of the whole view. */
export interface Totals {
  /** Technicians planned (patterns + extra capacity, holidays applied). */
  capacite: number;
  /** Live appointments. */
  reserves: number;
  /** Free slots the search offers (or offered, for a past window). */
  libres: number;
  /** Planned capacity not booked that a closure hides. */
  fermes: number;
  /** Booked beyond the planned capacity. */
  horsCapacite: number;
  /** Booked in a closure. */
  conflits: number;
}

export interface WindowView extends Totals {
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
}

export interface DayView extends Totals {
  jour: ParisDay;
  /** Holiday of the zone that day (national or the provider's), if any. */
  ferie: string | null;
  creneaux: WindowView[];
}

export interface AppointmentToHandle extends BookedAppointment {
  raison: 'FERMETURE' | 'HORS_CAPACITE';
}

export interface CapacityView {
  codeInsee: string;
  type: TypeRendezVous | null;
  du: ParisDay;
  au: ParisDay;
  jours: DayView[];
  total: Totals;
  /** Booked appointments to handle: in a closure, or beyond the capacity. */
  aTraiter: AppointmentToHandle[];
}

const invalid = (p: Problem) => new UseCaseError('invalid', `requête invalide : ${p.champ} : ${p.message}`);

/** Default and maximum lines of one page of the pattern and extra-capacity lists. */
export const LIST_DEFAULT = 1000;
export const LIST_MAX = 5000;

/**
 * The closures come by pages of CLOSURES_LIST_DEFAULT (CLOSURES_LIST_MAX at most), each with at
 * most CLOSURE_CONFLICTS_LISTED of its booked appointments: an answer of a few thousand
 * appointments at most, whatever the country's bookings.
 */
export const CLOSURES_LIST_DEFAULT = 100;
export const CLOSURES_LIST_MAX = 500;
export const CLOSURE_CONFLICTS_LISTED = 20;

/** A closure with its first booked appointments to handle and how many there are. */
export interface ClosureWithConflicts {
  fermeture: ClosureRecord;
  conflits: BookedAppointment[];
  conflitsTotal: number;
}

const withConflicts = (fermeture: ClosureRecord, conflicts: ReadonlyMap<number, ClosureConflicts>): ClosureWithConflicts => {
  const found = conflicts.get(fermeture.id);
  return { fermeture, conflits: found?.conflits ?? [], conflitsTotal: found?.total ?? 0 };
};


function checkCommune(codeInsee: string, champ = 'commune'): void {
  if (!COMMUNE.test(codeInsee)) throw invalid({ champ, message: 'code INSEE de commune attendu (5 caractères)' });
}

function checkPerimeter(perimetre: Perimetre): void {
  if (perimetre !== null && !PERIMETRE.test(perimetre)) {
    throw invalid({ champ: 'perimetre', message: 'code INSEE de commune (5 caractères) ou de département (2 ou 3) attendu' });
  }
}

const zero = (): Totals => ({ capacite: 0, reserves: 0, libres: 0, fermes: 0, horsCapacite: 0, conflits: 0 });

function addTo(t: Totals, w: Totals): void {
  t.capacite += w.capacite;
  t.reserves += w.reserves;
  t.libres += w.libres;
  t.fermes += w.fermes;
  t.horsCapacite += w.horsCapacite;
  t.conflits += w.conflits;
}

const bookedSummary = (list: readonly BookedAppointment[]) =>
  list.map((b) => ({ rendezVous: b.reference, operateur: b.operatorCode, commune: b.codeInsee, type: b.type, debut: b.debut.toISOString() }));

export class CapacityAdminService {
  private readonly horizonDays: number;

  constructor(private readonly deps: CapacityAdminDeps) {
    this.horizonDays = deps.horizonDays ?? DEFAULT_HORIZON_DAYS;
  }

  // ---------------------------------------------------------------- patterns

  /**
   * A page of the weekly patterns (every commune's, or one's): at most `limit` lines (LIST_MAX at
   * most) in (commune, type, day, start) order, and where the next page starts if more follow. A
   * national deployment has some 35 000 communes × 17 lines: never all of them in one answer.
   */
  async patterns(
    filter: { codeInsee?: string; type?: TypeRendezVous },
    page: { after?: PatternKey; limit?: number } = {},
  ): Promise<{ patterns: WorkingPattern[]; next: PatternKey | undefined }> {
    if (filter.codeInsee !== undefined) checkCommune(filter.codeInsee);
    const limit = pageSize(page.limit, { fallback: LIST_DEFAULT, max: LIST_MAX });
    const rows = await this.deps.repository.patterns({ ...filter, ...(page.after ? { after: page.after } : {}), limit: limit + 1 });
    const { items, next } = keysetPage(rows, limit, (last): PatternKey => ({ codeInsee: last.codeInsee, type: last.type, jour: last.jour, debut: last.debut }));
    return { patterns: items, next };
  }

  /** Replaces the weekly pattern set of a commune and type; the future free slots are regenerated. */
  async replacePatterns(codeInsee: string, type: TypeRendezVous, lines: readonly PatternLine[], agent: string) {
    checkCommune(codeInsee);
    const set = lines.map((l) => ({ ...l, codeInsee, type }));
    const problem = patternSetProblem(set);
    if (problem) throw invalid(problem);
    return this.changePatterns(codeInsee, type, agent, 'CAPACITE_PLANNING_REMPLACE', () => set);
  }

  /** Adds one weekly line, or replaces the line of that weekday and start time. */
  async upsertPattern(codeInsee: string, type: TypeRendezVous, line: PatternLine, agent: string) {
    checkCommune(codeInsee);
    const alone = patternSetProblem([{ ...line, codeInsee, type }]);
    if (alone) throw invalid({ ...alone, champ: alone.champ.replace(/^plages\[0\]\./, '') });
    return this.changePatterns(codeInsee, type, agent, 'CAPACITE_PLANNING_MODIFIE', (current) => {
      const others = current.filter((p) => !(p.jour === line.jour && p.debut === line.debut));
      const problem = patternSetProblem([...others, { ...line, codeInsee, type }]);
      if (problem) throw invalid({ champ: 'debut', message: `la plage ${line.debut}-${line.fin} ${problem.message.replace(/^chevauche plages\[\d+\]/, 'chevauche une plage existante')}` });
      return [...others, { ...line, codeInsee, type }];
    });
  }

  /** Deletes the commune's lines of that type (all, or the one of that weekday and start). */
  async deletePatterns(codeInsee: string, type: TypeRendezVous, agent: string, one?: { jour: number; debut: string }) {
    checkCommune(codeInsee);
    return this.changePatterns(codeInsee, type, agent, 'CAPACITE_PLANNING_SUPPRIME', (current) => {
      const kept = one ? current.filter((p) => !(p.jour === one.jour && p.debut === one.debut)) : [];
      if (kept.length === current.length) {
        throw new UseCaseError('not-found', `aucune plage ${type} pour la commune ${codeInsee}${one ? ` le jour ${one.jour} à ${one.debut}` : ''}`);
      }
      return kept;
    });
  }

  private async changePatterns(
    codeInsee: string,
    type: TypeRendezVous,
    agent: string,
    action: string,
    next: (current: WorkingPattern[]) => WorkingPattern[],
  ): Promise<{ plannings: WorkingPattern[]; regeneration: Regeneration }> {
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const before = await repo.patterns({ codeInsee, type });
      const after = next(before);
      await repo.replacePatterns(codeInsee, type, after);
      const regeneration = await repo.regenerate(codeInsee, now);
      await repo.audit({
        at: now,
        actor: agent,
        action,
        details: {
          commune: codeInsee,
          type,
          avant: before.map(lineOf),
          apres: after.map(lineOf),
          creneauxAjoutes: regeneration.ajoutes,
          creneauxRetires: regeneration.retires,
          horsCapacite: bookedSummary(regeneration.horsCapacite),
        },
      });
      return { plannings: await repo.patterns({ codeInsee, type }), regeneration };
    });
  }

  // ---------------------------------------------------------------- extra capacity

  /**
   * A page of the extra capacity (kept after its day: the list grows with time): at most `limit`
   * (LIST_MAX at most) in (day, start, id) order, and where the next page starts if more follow.
   */
  async extras(
    filter: { codeInsee?: string; type?: TypeRendezVous; du?: ParisDay; au?: ParisDay },
    page: { after?: ExtraKey; limit?: number } = {},
  ): Promise<{ extras: CapacityExtraRecord[]; next: ExtraKey | undefined }> {
    if (filter.codeInsee !== undefined) checkCommune(filter.codeInsee);
    const limit = pageSize(page.limit, { fallback: LIST_DEFAULT, max: LIST_MAX });
    const rows = await this.deps.repository.extras({
      ...(filter.codeInsee ? { codeInsee: filter.codeInsee } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.du ? { from: filter.du } : {}),
      ...(filter.au ? { to: filter.au } : {}),
      ...(page.after ? { after: page.after } : {}),
      limit: limit + 1,
    });
    const { items, next } = keysetPage(rows, limit, (last): ExtraKey => ({ jour: last.jour, debut: last.debut, id: last.id }));
    return { extras: items, next };
  }

  async addExtra(extra: CapacityExtra & { motif: string | null }, agent: string): Promise<{ supplement: CapacityExtraRecord; regeneration: Regeneration }> {
    const problem = extraProblem(extra);
    if (problem) throw invalid(problem);
    const now = this.deps.clock.now();
    if (extra.jour < parisDayOf(now)) throw invalid({ champ: 'jour', message: 'jour passé' });
    return this.deps.repository.transaction(async (repo) => {
      const supplement = await repo.addExtra(extra, now, agent);
      const regeneration = await repo.regenerate(extra.codeInsee, now);
      await repo.audit({ at: now, actor: agent, action: 'CAPACITE_SUPPLEMENT_AJOUTE', details: { id: supplement.id, ...extraDetails(supplement), creneauxAjoutes: regeneration.ajoutes } });
      return { supplement, regeneration };
    });
  }

  async deleteExtra(id: number, agent: string): Promise<{ supplement: CapacityExtraRecord; regeneration: Regeneration }> {
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const supplement = await repo.deleteExtra(id);
      if (!supplement) throw new UseCaseError('not-found', `aucune capacité supplémentaire n° ${id}`);
      const regeneration = await repo.regenerate(supplement.codeInsee, now);
      await repo.audit({
        at: now,
        actor: agent,
        action: 'CAPACITE_SUPPLEMENT_SUPPRIME',
        details: { id, ...extraDetails(supplement), creneauxRetires: regeneration.retires, horsCapacite: bookedSummary(regeneration.horsCapacite) },
      });
      return { supplement, regeneration };
    });
  }

  // ---------------------------------------------------------------- closures

  /**
   * A page of the closures (overlapping the range, covering the commune), in (start, id) order: at
   * most `limit` (CLOSURES_LIST_MAX at most), each with its booked appointments to handle — the
   * first CLOSURE_CONFLICTS_LISTED and their total (a closure without a perimeter covers every
   * commune: its appointments are the whole country's) —, read in one statement for the page.
   */
  async closures(
    filter: { codeInsee?: string; type?: TypeRendezVous; debut?: Date; fin?: Date },
    page: { after?: ClosureKey; limit?: number } = {},
  ): Promise<{ fermetures: ClosureWithConflicts[]; next: ClosureKey | undefined }> {
    if (filter.codeInsee !== undefined) checkCommune(filter.codeInsee);
    const now = this.deps.clock.now();
    const limit = pageSize(page.limit, { fallback: CLOSURES_LIST_DEFAULT, max: CLOSURES_LIST_MAX });
    const rows = await this.deps.repository.closures({
      ...(filter.codeInsee ? { codeInsee: filter.codeInsee } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.debut ? { from: filter.debut } : {}),
      ...(filter.fin ? { to: filter.fin } : {}),
      ...(page.after ? { after: page.after } : {}),
      limit: limit + 1,
    });
    const { items, next } = keysetPage(rows, limit, (last): ClosureKey => ({ debut: last.debut, id: last.id }));
    const conflicts = await this.deps.repository.closureConflicts(items, now, CLOSURE_CONFLICTS_LISTED);
    return { fermetures: items.map((fermeture) => withConflicts(fermeture, conflicts)), next };
  }

  /** No free slot is offered in the closure from now on; the booked ones stay and are listed (the first CLOSURE_CONFLICTS_LISTED, and their total). */
  async addClosure(closure: NewClosure, agent: string): Promise<ClosureWithConflicts> {
    checkPerimeter(closure.perimetre);
    if (closure.fin.getTime() <= closure.debut.getTime()) throw invalid({ champ: 'fin', message: 'doit suivre le début' });
    const now = this.deps.clock.now();
    if (closure.fin.getTime() <= now.getTime()) throw invalid({ champ: 'fin', message: 'fermeture déjà terminée' });
    return this.deps.repository.transaction(async (repo) => {
      const fermeture = await repo.addClosure(closure, now, agent);
      const added = withConflicts(fermeture, await repo.closureConflicts([fermeture], now, CLOSURE_CONFLICTS_LISTED));
      await repo.audit({
        at: now,
        actor: agent,
        action: 'CAPACITE_FERMETURE_AJOUTEE',
        details: { id: fermeture.id, ...closureDetails(fermeture), conflits: bookedSummary(added.conflits), conflitsTotal: added.conflitsTotal },
      });
      return added;
    });
  }

  async deleteClosure(id: number, agent: string): Promise<ClosureRecord> {
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const fermeture = await repo.deleteClosure(id);
      if (!fermeture) throw new UseCaseError('not-found', `aucune fermeture n° ${id}`);
      await repo.audit({ at: now, actor: agent, action: 'CAPACITE_FERMETURE_SUPPRIMEE', details: { id, ...closureDetails(fermeture) } });
      return fermeture;
    });
  }

  // ---------------------------------------------------------------- non-working days

  /** The national public holidays of the year and the provider's days (covering the commune, when given). */
  async nonWorkingDays(year: number, codeInsee?: string): Promise<NonWorkingDayView[]> {
    if (codeInsee !== undefined) checkCommune(codeInsee);
    const national: NonWorkingDayView[] = [...this.deps.holidayNames(year)].map(([jour, libelle]) => ({
      jour,
      libelle,
      source: 'NATIONAL',
      perimetre: null,
      record: null,
    }));
    const own = await this.deps.repository.nonWorkingDays({ from: `${year}-01-01`, to: `${year}-12-31`, ...(codeInsee ? { codeInsee } : {}) });
    const provider: NonWorkingDayView[] = own.map((d) => ({ jour: d.jour, libelle: d.libelle, source: 'FOURNISSEUR', perimetre: d.perimetre, record: d }));
    return [...national, ...provider].sort((a, b) => a.jour.localeCompare(b.jour) || a.source.localeCompare(b.source));
  }

  /** A day without slots (but for patterns working on holidays) in the perimeter's zones; regenerated at once. */
  async addNonWorkingDay(input: { jour: ParisDay; perimetre: Perimetre; libelle: string }, agent: string): Promise<{ jour: NonWorkingDayRecord; regeneration: Regeneration }> {
    if (!isParisDay(input.jour)) throw invalid({ champ: 'jour', message: 'date AAAA-MM-JJ attendue' });
    checkPerimeter(input.perimetre);
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const jour = await repo.addNonWorkingDay(input, now, agent);
      if (!jour) throw new UseCaseError('refused', `refusé : le ${input.jour} est déjà un jour non travaillé ${input.perimetre ? `de ${input.perimetre}` : 'de toutes les zones'}`);
      const regeneration = await repo.regenerate(input.perimetre, now);
      await repo.audit({
        at: now,
        actor: agent,
        action: 'JOUR_NON_TRAVAILLE_AJOUTE',
        details: { id: jour.id, jour: jour.jour, perimetre: jour.perimetre, libelle: jour.libelle, creneauxRetires: regeneration.retires, horsCapacite: bookedSummary(regeneration.horsCapacite) },
      });
      return { jour, regeneration };
    });
  }

  async deleteNonWorkingDay(id: number, agent: string): Promise<{ jour: NonWorkingDayRecord; regeneration: Regeneration }> {
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (repo) => {
      const jour = await repo.deleteNonWorkingDay(id);
      if (!jour) throw new UseCaseError('not-found', `aucun jour non travaillé n° ${id}`);
      const regeneration = await repo.regenerate(jour.perimetre, now);
      await repo.audit({
        at: now,
        actor: agent,
        action: 'JOUR_NON_TRAVAILLE_SUPPRIME',
        details: { id, jour: jour.jour, perimetre: jour.perimetre, libelle: jour.libelle, creneauxAjoutes: regeneration.ajoutes },
      });
      return { jour, regeneration };
    });
  }

  // ---------------------------------------------------------------- booked versus free

  /** Per day and window of the commune: capacity, booked, free, closed; totals; appointments to handle. */
  async view(input: { codeInsee: string; type?: TypeRendezVous; du: ParisDay; au: ParisDay }): Promise<CapacityView> {
    checkCommune(input.codeInsee);
    if (!isParisDay(input.du)) throw invalid({ champ: 'du', message: 'date AAAA-MM-JJ attendue' });
    if (!isParisDay(input.au)) throw invalid({ champ: 'au', message: 'date AAAA-MM-JJ attendue' });
    if (input.au < input.du) throw invalid({ champ: 'au', message: 'doit suivre du' });
    if (addDays(input.du, MAX_VIEW_DAYS - 1) < input.au) throw invalid({ champ: 'au', message: `au plus ${MAX_VIEW_DAYS} jours` });
    const { codeInsee, du, au } = input;
    const type = input.type ?? null;
    const now = this.deps.clock.now();
    // The days the search can reach are generated first, as a search would.
    const today = parisDayOf(now);
    const from = du > today ? du : today;
    const last = addDays(today, this.horizonDays);
    const to = au < last ? au : last;
    if (from <= to) await this.deps.slots.ensureSlots(codeInsee, { from, to }, now);

    const repo = this.deps.repository;
    const start = parisDayStart(du);
    const end = parisDayStart(addDays(au, 1));
    const [patterns, extras, closures, ownDays, stored] = await Promise.all([
      repo.patterns({ codeInsee }),
      repo.extras({ codeInsee, from: du, to: au }),
      repo.closures({ codeInsee, from: start, to: end }),
      repo.nonWorkingDays({ from: du, to: au, codeInsee }),
      repo.slots(codeInsee, start, end),
    ]);
    const calendar = zoneCalendar(this.deps.calendar, ownDays, codeInsee);
    const planned = plannedWindows(patterns, extras, du, au, calendar);
    const names = new Map<string, string>();
    for (let y = Number(du.slice(0, 4)); y <= Number(au.slice(0, 4)); y++) for (const [d, n] of this.deps.holidayNames(y)) names.set(d, n);
    for (const d of ownDays) names.set(d.jour, d.libelle);

    const windows = new Map<string, WindowView & { booked: BookedAppointment[] }>();
    const windowOf = (t: TypeRendezVous, debut: Date, fin: Date) => {
      const key = windowKey(t, debut, fin);
      let w = windows.get(key);
      if (!w) windows.set(key, (w = { type: t, debut, fin, capacite: 0, reserves: 0, libres: 0, fermes: 0, horsCapacite: 0, conflits: 0, booked: [] }));
      return w;
    };
    for (const p of planned.values()) if (type === null || p.type === type) windowOf(p.type, p.debut, p.fin).capacite = p.capacite;
    const closed = (w: { type: TypeRendezVous; debut: Date; fin: Date }) => closures.some((c: Closure) => closureCovers(c, { codeInsee, ...w }));
    for (const s of stored) {
      if (type !== null && s.type !== type) continue;
      const w = windowOf(s.type, s.debut, s.fin);
      if (s.rendezVous) {
        w.reserves += 1;
        w.booked.push({ reference: s.rendezVous.reference, operatorCode: s.rendezVous.operatorCode, creneauId: s.id, codeInsee, type: s.type, debut: s.debut, fin: s.fin });
      } else if (!s.retire && !closed(s)) w.libres += 1;
    }
    const aTraiter: AppointmentToHandle[] = [];
    const byDay = new Map<ParisDay, DayView>();
    for (let day = du; day <= au; day = addDays(day, 1)) {
      byDay.set(day, { jour: day, ferie: calendar.isHoliday(day) ? (names.get(day) ?? 'jour férié') : null, creneaux: [], ...zero() });
    }
    const total = zero();
    const sorted = [...windows.values()].sort((a, b) => a.debut.getTime() - b.debut.getTime() || a.type.localeCompare(b.type) || a.fin.getTime() - b.fin.getTime());
    for (const { booked, ...w } of sorted) {
      const future = w.debut.getTime() > now.getTime();
      if (closed(w)) {
        w.fermes = Math.max(0, w.capacite - w.reserves);
        w.conflits = w.reserves;
        if (future) aTraiter.push(...booked.map((b) => ({ ...b, raison: 'FERMETURE' as const })));
      }
      w.horsCapacite = Math.max(0, w.reserves - w.capacite);
      if (future && w.horsCapacite > 0 && w.conflits === 0) {
        aTraiter.push(...booked.slice(-w.horsCapacite).map((b) => ({ ...b, raison: 'HORS_CAPACITE' as const })));
      }
      const day = byDay.get(parisDayOf(w.debut));
      if (!day) continue;
      day.creneaux.push(w);
      addTo(day, w);
      addTo(total, w);
    }
    return { codeInsee, type, du, au, jours: [...byDay.values()], total, aTraiter };
  }
}

function lineOf(p: WorkingPattern) {
  return { jour: p.jour, debut: p.debut, fin: p.fin, dureeMinutes: p.dureeMinutes, techniciens: p.techniciens, joursFeries: p.joursFeries };
}

function extraDetails(e: CapacityExtraRecord) {
  return { commune: e.codeInsee, type: e.type, jour: e.jour, debut: e.debut, fin: e.fin, dureeMinutes: e.dureeMinutes, techniciens: e.techniciens, motif: e.motif };
}

function closureDetails(c: ClosureRecord) {
  return { perimetre: c.perimetre, type: c.type, debut: c.debut.toISOString(), fin: c.fin.toISOString(), motif: c.motif };
}
