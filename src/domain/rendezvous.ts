// Technician appointments (rendez-vous SAV, SAV+, expertise contradictoire; spec §2.4): the
// capacity model (weekly working patterns per zone and type → technician slots), the night rule
// of the slot search and the identifiers of slots and appointments. Pure rules: no I/O.
import { EsavFault } from './faults.js';
import type { HolidayCalendar } from './holidays.js';
import { addDays, isoWeekday, parisDayOf, parisTimeOn, parisWallTime, type ParisDay } from './paris-calendar.js';

export const TYPES_RENDEZ_VOUS = ['SAV', 'SAV_PLUS', 'EXPERTISE_CONTRADICTOIRE'] as const;
export type TypeRendezVous = (typeof TYPES_RENDEZ_VOUS)[number];

export function isTypeRendezVous(value: string): value is TypeRendezVous {
  return (TYPES_RENDEZ_VOUS as readonly string[]).includes(value);
}

/** RESERVE: the slot is held for the appointment; ANNULE: cancelled, the slot is free again. */
export const STATUTS_RENDEZ_VOUS = ['RESERVE', 'ANNULE'] as const;
export type StatutRendezVous = (typeof STATUTS_RENDEZ_VOUS)[number];

/** Through which contract the appointment was booked. */
export type CanalRendezVous = 'ESAV' | 'INTEROP';

// ---------------------------------------------------------------------------------------------
// The night rule: no slot search from 01:00 to 04:00 Europe/Paris (fault 321).

export const SLOT_SEARCH_CLOSED_FROM_HOUR = 1;
export const SLOT_SEARCH_CLOSED_UNTIL_HOUR = 4;

/**
 * True from 01:00:00.000 (inclusive) to 04:00:00.000 (exclusive), Europe/Paris wall-clock time.
 * Read on the wall clock, so the window is 2 hours of real time on the spring-forward night
 * (01:00 CET → 04:00 CEST) and 4 hours on the fall-back night (01:00 CEST → 04:00 CET).
 */
export function isSlotSearchClosed(now: Date): boolean {
  const { hour } = parisWallTime(now);
  return hour >= SLOT_SEARCH_CLOSED_FROM_HOUR && hour < SLOT_SEARCH_CLOSED_UNTIL_HOUR;
}

/** Fault 321 during the night window, with `reessayerApres` = seconds until 04:00 Paris. */
export function assertSlotSearchOpen(now: Date): void {
  if (!isSlotSearchClosed(now)) return;
  const reopening = parisTimeOn(parisDayOf(now), SLOT_SEARCH_CLOSED_UNTIL_HOUR);
  const seconds = Math.max(1, Math.ceil((reopening.getTime() - now.getTime()) / 1000));
  throw new EsavFault(321, 'Recherche de créneaux indisponible de 01:00 à 04:00 (heure de Paris)', { reessayerApres: seconds });
}

// ---------------------------------------------------------------------------------------------
// Capacity: weekly working patterns → technician slots.

/**
 * One line of a zone's weekly planning: on ISO weekday `jour` (1 = Monday … 7 = Sunday), from
 * `debut` to `fin` (HH:MM, Europe/Paris), `techniciens` technicians each take appointments of
 * `dureeMinutes`. A pattern yields ⌊(fin − debut) / duree⌋ consecutive windows per technician.
 */
export interface WorkingPattern {
  /** The zone: INSEE code of the commune. */
  codeInsee: string;
  type: TypeRendezVous;
  jour: number;
  debut: string;
  fin: string;
  dureeMinutes: number;
  techniciens: number;
  /** Whether the pattern also applies on public holidays (false: no slot on those days). */
  joursFeries: boolean;
}

/** A technician slot: one technician, one window. `technicien` numbers the parallel capacity. */
export interface SlotSeed {
  codeInsee: string;
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
  technicien: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Why a pattern is not usable, or undefined when it is. */
export function patternProblem(p: WorkingPattern): string | undefined {
  if (!/^[0-9][0-9AB][0-9]{3}$/.test(p.codeInsee)) return `codeInsee ${p.codeInsee} invalide`;
  if (!isTypeRendezVous(p.type)) return `type ${p.type} inconnu`;
  if (!Number.isInteger(p.jour) || p.jour < 1 || p.jour > 7) return `jour ${p.jour} hors 1..7`;
  if (!HHMM.test(p.debut) || !HHMM.test(p.fin)) return `horaires ${p.debut}-${p.fin} invalides (HH:MM)`;
  if (minutesOf(p.fin) <= minutesOf(p.debut)) return `fin ${p.fin} avant début ${p.debut}`;
  if (!Number.isInteger(p.dureeMinutes) || p.dureeMinutes < 15 || p.dureeMinutes > minutesOf(p.fin) - minutesOf(p.debut)) {
    return `durée ${p.dureeMinutes} min incompatible avec ${p.debut}-${p.fin}`;
  }
  if (!Number.isInteger(p.techniciens) || p.techniciens < 1 || p.techniciens > 100) return `techniciens ${p.techniciens} hors 1..100`;
  return undefined;
}

/** The technician slots the patterns give on one Paris calendar day. */
export function slotsOfDay(patterns: readonly WorkingPattern[], day: ParisDay, calendar: HolidayCalendar): SlotSeed[] {
  const weekday = isoWeekday(day);
  const holiday = calendar.isHoliday(day);
  const out: SlotSeed[] = [];
  for (const p of patterns) {
    if (p.jour !== weekday || (holiday && !p.joursFeries)) continue;
    const end = minutesOf(p.fin);
    for (let start = minutesOf(p.debut); start + p.dureeMinutes <= end; start += p.dureeMinutes) {
      const stop = start + p.dureeMinutes;
      const debut = parisTimeOn(day, Math.floor(start / 60), start % 60);
      const fin = parisTimeOn(day, Math.floor(stop / 60), stop % 60);
      // A window that the spring-forward gap squeezes to nothing is no slot.
      if (fin.getTime() <= debut.getTime()) continue;
      for (let technicien = 1; technicien <= p.techniciens; technicien++) {
        out.push({ codeInsee: p.codeInsee, type: p.type, debut, fin, technicien });
      }
    }
  }
  return out;
}

/** The slots of the days [from, to] (both included). */
export function slotsOfDays(patterns: readonly WorkingPattern[], from: ParisDay, to: ParisDay, calendar: HolidayCalendar): SlotSeed[] {
  const out: SlotSeed[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(...slotsOfDay(patterns, day, calendar));
  return out;
}

/** How far ahead slots are generated and offered (rolling horizon, in Paris calendar days). */
export const DEFAULT_HORIZON_DAYS = 28;

/**
 * The Paris days whose slots a search of [debut, fin) at `now` may show: from today (no slot in
 * the past) to the horizon. Undefined when the window lies wholly outside.
 */
export function searchableDays(now: Date, debut: Date, fin: Date, horizonDays: number): { from: ParisDay; to: ParisDay } | undefined {
  const today = parisDayOf(now);
  const last = addDays(today, horizonDays);
  const from = [parisDayOf(debut), today].sort().at(-1)!;
  const to = [parisDayOf(new Date(fin.getTime() - 1)), last].sort()[0]!;
  return from <= to ? { from, to } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Identifiers exchanged with the operators.

const SLOT_ID = /^CR-([1-9][0-9]{0,17})$/;

/** The public identifier of a slot (idCreneau, and idOI in the Interop'Fibre contract). */
export function slotIdentifier(id: number): string {
  return `CR-${id}`;
}

/** The slot's row id, or undefined when the identifier is not one of ours. */
export function parseSlotIdentifier(identifier: string): number | undefined {
  const m = SLOT_ID.exec(identifier.trim());
  if (!m) return undefined;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Appointment references look like RDV-0000000001 (generated by the database). */
export const RENDEZ_VOUS_REFERENCE = /^RDV-[0-9]{10,}$/;
