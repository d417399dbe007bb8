// Technicians' capacity administration (issue 14, decision 0018): the exceptions to the weekly
// working patterns (closures, extra capacity), the provider's own non-working days, what capacity
// a zone plans on a day, and how the stored slots are brought in line with it (regeneration).
// Pure rules: no I/O, no clock of their own.
import type { HolidayCalendar } from './holidays.js';
import { addDays, isoWeekday, isParisDay, parisTimeOn, type ParisDay } from './paris-calendar.js';
import { isTypeRendezVous, slotsOfDay, type TypeRendezVous, type WorkingPattern } from './rendezvous.js';

/** A commune (INSEE code, the zone of a prestation). */
export const COMMUNE = /^[0-9][0-9AB][0-9]{3}$/;
/**
 * The zones an exception applies to: a commune, a département (2 characters, 2A/2B, or 971…976:
 * every commune whose INSEE code starts with it), or null: every zone.
 */
export const PERIMETRE = /^([0-9][0-9AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-6])$/;

export type Perimetre = string | null;

export function perimeterCovers(perimetre: Perimetre, codeInsee: string): boolean {
  return perimetre === null || codeInsee.startsWith(perimetre);
}

/** Extra capacity on one Paris day: a one-day pattern on top of the weekly ones. */
export interface CapacityExtra {
  codeInsee: string;
  type: TypeRendezVous;
  jour: ParisDay;
  debut: string;
  fin: string;
  dureeMinutes: number;
  techniciens: number;
}

/** No free slot offered in [debut, fin) for the zones of the perimeter and the type (null: all). */
export interface Closure {
  perimetre: Perimetre;
  type: TypeRendezVous | null;
  debut: Date;
  fin: Date;
}

/** A non-working day of the provider (on top of the national public holidays). */
export interface NonWorkingDay {
  jour: ParisDay;
  perimetre: Perimetre;
}

export function closureCovers(c: Closure, slot: { codeInsee: string; type: TypeRendezVous; debut: Date; fin: Date }): boolean {
  return (
    perimeterCovers(c.perimetre, slot.codeInsee) &&
    (c.type === null || c.type === slot.type) &&
    c.debut.getTime() < slot.fin.getTime() &&
    slot.debut.getTime() < c.fin.getTime()
  );
}

/** The zone's calendar: the national public holidays plus the provider's days that cover the zone. */
export function zoneCalendar(national: HolidayCalendar, days: readonly NonWorkingDay[], codeInsee: string): HolidayCalendar {
  const own = new Set(days.filter((d) => perimeterCovers(d.perimetre, codeInsee)).map((d) => d.jour));
  return { isHoliday: (day) => own.has(day) || national.isHoliday(day) };
}

// ---------------------------------------------------------------------------------------------
// Validation, in support staff's words (the field named first).

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export interface Problem {
  champ: string;
  message: string;
}

/** The problem of a window (debut, fin, dureeMinutes, techniciens), fields prefixed by `at`. */
function windowProblem(w: { debut: string; fin: string; dureeMinutes: number; techniciens: number }, at: string): Problem | undefined {
  if (!HHMM.test(w.debut)) return { champ: `${at}debut`, message: 'heure HH:MM attendue' };
  if (!HHMM.test(w.fin)) return { champ: `${at}fin`, message: 'heure HH:MM attendue' };
  if (minutesOf(w.fin) <= minutesOf(w.debut)) return { champ: `${at}fin`, message: `doit suivre le début (${w.debut})` };
  if (!Number.isInteger(w.dureeMinutes) || w.dureeMinutes < 15) return { champ: `${at}dureeMinutes`, message: 'au moins 15 minutes' };
  if (w.dureeMinutes > minutesOf(w.fin) - minutesOf(w.debut)) {
    return { champ: `${at}dureeMinutes`, message: `plus longue que la plage ${w.debut}-${w.fin}` };
  }
  if (!Number.isInteger(w.techniciens) || w.techniciens < 1 || w.techniciens > 100) return { champ: `${at}techniciens`, message: 'entre 1 et 100' };
  return undefined;
}

/**
 * The first problem of a weekly pattern set of one zone and type (`plages[i].champ`): each line
 * valid, and no two lines of one weekday overlapping (the capacity of a window would be counted
 * twice).
 */
export function patternSetProblem(lines: readonly WorkingPattern[]): Problem | undefined {
  for (const [i, p] of lines.entries()) {
    if (!Number.isInteger(p.jour) || p.jour < 1 || p.jour > 7) return { champ: `plages[${i}].jour`, message: 'jour ISO de 1 (lundi) à 7 (dimanche)' };
    const problem = windowProblem(p, `plages[${i}].`);
    if (problem) return problem;
  }
  for (const [i, p] of lines.entries()) {
    for (const [j, q] of lines.entries()) {
      if (j <= i || p.jour !== q.jour) continue;
      if (minutesOf(p.debut) < minutesOf(q.fin) && minutesOf(q.debut) < minutesOf(p.fin)) {
        return { champ: `plages[${j}]`, message: `chevauche plages[${i}] (${p.debut}-${p.fin} le jour ${p.jour})` };
      }
    }
  }
  return undefined;
}

export function extraProblem(e: CapacityExtra): Problem | undefined {
  if (!COMMUNE.test(e.codeInsee)) return { champ: 'commune', message: 'code INSEE de commune attendu (5 caractères)' };
  if (!isTypeRendezVous(e.type)) return { champ: 'type', message: 'type de rendez-vous inconnu' };
  if (!isParisDay(e.jour)) return { champ: 'jour', message: 'date AAAA-MM-JJ attendue' };
  return windowProblem(e, '');
}

// ---------------------------------------------------------------------------------------------
// Planned capacity and regeneration.

/** A window of one type, and how many technicians take appointments in it. */
export interface PlannedWindow {
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
  capacite: number;
}

export const windowKey = (type: string, debut: Date, fin: Date): string => `${type}|${debut.toISOString()}|${fin.toISOString()}`;

/**
 * The capacity a zone plans on the days [from, to]: its weekly patterns (not on the zone's
 * holidays unless the pattern works on holidays) plus its extra capacity of those days (extra
 * capacity is explicit: it applies on a holiday too). Closures are not applied here: they hide
 * slots from the search, they do not remove capacity.
 */
export function plannedWindows(
  patterns: readonly WorkingPattern[],
  extras: readonly CapacityExtra[],
  from: ParisDay,
  to: ParisDay,
  calendar: HolidayCalendar,
): Map<string, PlannedWindow> {
  const out = new Map<string, PlannedWindow>();
  const add = (type: TypeRendezVous, debut: Date, fin: Date) => {
    const key = windowKey(type, debut, fin);
    const found = out.get(key);
    if (found) found.capacite += 1;
    else out.set(key, { type, debut, fin, capacite: 1 });
  };
  const always: HolidayCalendar = { isHoliday: () => false };
  for (let day = from; day <= to; day = addDays(day, 1)) {
    for (const s of slotsOfDay(patterns, day, calendar)) add(s.type, s.debut, s.fin);
    const ofDay = extras.filter((e) => e.jour === day);
    // An extra is a one-day pattern on that day's weekday, whatever the calendar says.
    const asPatterns = ofDay.map((e) => ({ ...e, jour: isoWeekday(day), joursFeries: true }));
    for (const s of slotsOfDay(asPatterns, day, always)) add(s.type, s.debut, s.fin);
  }
  return out;
}

/** A stored slot, as the regeneration sees it. */
export interface StoredSlot {
  id: number;
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
  technicien: number;
  /** Holds a live appointment. */
  reserve: boolean;
  /** Withdrawn by an earlier regeneration. */
  retire: boolean;
  /** Some appointment row (a cancelled one) references it: it cannot be deleted. */
  reference: boolean;
}

export interface SlotChanges {
  insert: Array<{ type: TypeRendezVous; debut: Date; fin: Date; technicien: number }>;
  /** Withdrawn slots offered again. */
  reactivate: number[];
  /** Free slots no longer planned, nobody references them. */
  delete: number[];
  /** Free slots no longer planned but referenced by a cancelled appointment: withdrawn. */
  retire: number[];
}

/**
 * What to change so that the stored slots starting after `now` give exactly the planned
 * capacity of each window, never touching a booked slot: in each window, free slots are added
 * (withdrawn ones first) or taken away until booked + free = capacity; a window with more booked
 * slots than capacity keeps them all ("hors capacité") and offers none. Slots that started are
 * left as they are. Technician numbers of new slots are the lowest unused at that start time.
 */
export function reconcileSlots(planned: ReadonlyMap<string, PlannedWindow>, stored: readonly StoredSlot[], now: Date): SlotChanges {
  const changes: SlotChanges = { insert: [], reactivate: [], delete: [], retire: [] };
  const future = (d: Date) => d.getTime() > now.getTime();
  const byWindow = new Map<string, StoredSlot[]>();
  const usedNumbers = new Map<string, Set<number>>();
  for (const s of stored) {
    const startKey = `${s.type}|${s.debut.toISOString()}`;
    let used = usedNumbers.get(startKey);
    if (!used) usedNumbers.set(startKey, (used = new Set()));
    used.add(s.technicien);
    if (!future(s.debut)) continue;
    const key = windowKey(s.type, s.debut, s.fin);
    const list = byWindow.get(key);
    if (list) list.push(s);
    else byWindow.set(key, [s]);
  }
  const takeAway = (s: StoredSlot) => (s.reference ? changes.retire : changes.delete).push(s.id);
  for (const [key, slots] of byWindow) {
    const capacity = planned.get(key)?.capacite ?? 0;
    const booked = slots.filter((s) => s.reserve).length;
    const free = slots.filter((s) => !s.reserve && !s.retire).sort((a, b) => b.technicien - a.technicien);
    const surplus = booked + free.length - capacity;
    for (const s of free.slice(0, Math.max(0, surplus))) takeAway(s);
  }
  for (const [key, w] of planned) {
    if (!future(w.debut)) continue;
    const slots = byWindow.get(key) ?? [];
    const booked = slots.filter((s) => s.reserve).length;
    const free = slots.filter((s) => !s.reserve && !s.retire).length;
    let missing = w.capacite - booked - free;
    if (missing <= 0) continue;
    for (const s of slots.filter((x) => !x.reserve && x.retire).sort((a, b) => a.technicien - b.technicien)) {
      if (missing === 0) break;
      changes.reactivate.push(s.id);
      missing -= 1;
    }
    const startKey = `${w.type}|${w.debut.toISOString()}`;
    let used = usedNumbers.get(startKey);
    if (!used) usedNumbers.set(startKey, (used = new Set()));
    for (let technicien = 1; missing > 0; technicien++) {
      if (used.has(technicien)) continue;
      used.add(technicien);
      changes.insert.push({ type: w.type, debut: w.debut, fin: w.fin, technicien });
      missing -= 1;
    }
  }
  return changes;
}

/**
 * The booked slots beyond their window's planned capacity ("hors capacité"), after `now`: all of
 * a window that is no longer planned, the highest technician numbers of a window that shrank.
 */
export function overCapacity(planned: ReadonlyMap<string, PlannedWindow>, stored: readonly StoredSlot[], now: Date): number[] {
  const byWindow = new Map<string, StoredSlot[]>();
  for (const s of stored) {
    if (!s.reserve || s.debut.getTime() <= now.getTime()) continue;
    const key = windowKey(s.type, s.debut, s.fin);
    const list = byWindow.get(key);
    if (list) list.push(s);
    else byWindow.set(key, [s]);
  }
  const out: number[] = [];
  for (const [key, booked] of byWindow) {
    const excess = booked.length - (planned.get(key)?.capacite ?? 0);
    if (excess > 0) out.push(...booked.sort((a, b) => b.technicien - a.technicien).slice(0, excess).map((s) => s.id));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates as support staff type them.

const LOCAL = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant from `2026-12-10T08:00` (Europe/Paris wall time), `2026-12-10` (the start of that
 * Paris day; with `endOfDay`, the start of the next one, so that a day range includes it) or an
 * ISO-8601 instant with its offset. Undefined when it is none of those.
 */
export function parseParisInstant(value: string, endOfDay = false): Date | undefined {
  const local = LOCAL.exec(value);
  if (local) {
    const day = local[1]!;
    if (!isParisDay(day)) return undefined;
    if (local[2] === undefined) return parisTimeOn(endOfDay ? addDays(day, 1) : day, 0);
    const hour = Number(local[2]);
    const minute = Number(local[3]);
    if (hour > 23 || minute > 59) return undefined;
    return parisTimeOn(day, hour, minute);
  }
  if (!WITH_OFFSET.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
