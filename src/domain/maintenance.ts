// Maintenance (spec §3): every night about 04:00 Europe/Paris for about 15 minutes (configurable)
// and during announced works windows (at least two working days' notice) the service answers
// fault 402 with the planned end. Pure: instants in, instants out.
//
// The nightly window is a Europe/Paris wall-clock time: its start is read with
// parisTimeOn on each Paris calendar day, so it stays at 04:00 local time on both
// sides of a DST change; its length is real time (15 minutes are 15 minutes, even on the night the
// clocks change). A start in the spring-forward gap (e.g. 02:30 on the last Sunday of March) is
// read with the winter offset (→ 03:30 CEST); in the autumn overlap the first occurrence is taken
// (see instantFromParisWallTime in src/domain/paris-calendar.ts).
import { EsavFault } from './faults.js';
import type { HolidayCalendar } from './holidays.js';
import { addDays, parisDayOf, parisTimeOn } from './paris-calendar.js';
import { addWorkingTime, WORKING_DAY_MS } from './working-time.js';

export interface NightlyMaintenance {
  /** Paris wall-clock start, 0–23 and 0–59. */
  hour: number;
  minute: number;
  /** Real-time length in minutes (≥ 1). */
  durationMinutes: number;
}

/** The default nightly window: 04:00 Europe/Paris for 15 minutes. */
export const DEFAULT_NIGHTLY_MAINTENANCE: NightlyMaintenance = { hour: 4, minute: 0, durationMinutes: 15 };

/** An announced works window (back office). */
export interface WorksWindow {
  reference: string;
  start: Date;
  end: Date;
  motif: string;
}

export type MaintenanceNature = 'NOCTURNE' | 'TRAVAUX';

/** The service is in maintenance: why, since when and until when (planned end). */
export interface MaintenanceState {
  nature: MaintenanceNature;
  /** The works window's reference (TRAVAUX). */
  reference?: string;
  motif: string;
  start: Date;
  /** Planned end: the end of every window chained to the current one (overlapping or touching). */
  end: Date;
}

interface Interval {
  nature: MaintenanceNature;
  reference?: string;
  motif: string;
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Minimum notice of an announced works window: two working days of working time. */
export const WORKS_NOTICE_WORKING_MS = 2 * WORKING_DAY_MS;
/** Longest announced works window. */
export const WORKS_MAX_DURATION_MS = 7 * DAY_MS;

/** The nightly windows that start on the Paris calendar days around `instant` (day before, same day, day after). */
export function nightlyWindowsAround(instant: Date, nightly: NightlyMaintenance): Array<{ start: Date; end: Date }> {
  const today = parisDayOf(instant);
  const windows: Array<{ start: Date; end: Date }> = [];
  for (const offset of [-1, 0, 1]) {
    const start = parisTimeOn(addDays(today, offset), nightly.hour, nightly.minute);
    windows.push({ start, end: new Date(start.getTime() + nightly.durationMinutes * MINUTE_MS) });
  }
  return windows;
}

function intervalsAround(now: Date, nightly: NightlyMaintenance | undefined, works: readonly WorksWindow[]): Interval[] {
  const intervals: Interval[] = [];
  if (nightly) {
    for (const n of nightlyWindowsAround(now, nightly)) {
      intervals.push({ nature: 'NOCTURNE', motif: 'maintenance nocturne', start: n.start.getTime(), end: n.end.getTime() });
    }
  }
  for (const w of works) {
    intervals.push({ nature: 'TRAVAUX', reference: w.reference, motif: w.motif, start: w.start.getTime(), end: w.end.getTime() });
  }
  return intervals;
}

/**
 * The maintenance in force at `now`, or undefined. Windows are half-open [start, end): at the
 * planned end exactly, the service answers again. When windows overlap or touch, the planned end
 * is that of the whole chain (a works window right after the nightly one gives the works' end).
 */
export function maintenanceAt(now: Date, nightly: NightlyMaintenance | undefined, works: readonly WorksWindow[]): MaintenanceState | undefined {
  const t = now.getTime();
  const intervals = intervalsAround(now, nightly, works);
  const current = intervals.filter((i) => i.start <= t && t < i.end);
  if (current.length === 0) return undefined;
  // The announced works first (their motif says more than the nightly one).
  current.sort((a, b) => (a.nature === b.nature ? a.start - b.start : a.nature === 'TRAVAUX' ? -1 : 1));
  const first = current[0]!;
  let end = Math.max(...current.map((i) => i.end));
  // Nightly windows of the following days could chain too: look them up as the end moves.
  for (let extended = true; extended; ) {
    extended = false;
    for (const i of [...intervals, ...intervalsAround(new Date(end), nightly, [])]) {
      if (i.start <= end && i.end > end) {
        end = i.end;
        extended = true;
      }
    }
  }
  return {
    nature: first.nature,
    ...(first.reference !== undefined ? { reference: first.reference } : {}),
    motif: first.motif,
    start: new Date(Math.min(...current.map((i) => i.start))),
    end: new Date(end),
  };
}

/**
 * For an instant at which the service is open (maintenanceAt(now) is undefined): the earliest start
 * of a window after `now`, in ms since the epoch (Infinity: none known). maintenanceAt is undefined
 * at every instant of [now, openUntil(now)): a window that contains such an instant starts at or
 * before it, so either at or before `now` — it would then contain `now`, or have ended — or after
 * `now`, no earlier than this start (the nightly windows of the next Paris day are among those
 * looked at, and every later one starts after them). What lets the gateway check maintenance once
 * per open period instead of once per request (MaintenanceService.assertOpen).
 */
export function openUntil(now: Date, nightly: NightlyMaintenance | undefined, works: readonly WorksWindow[]): number {
  const t = now.getTime();
  let next = Number.POSITIVE_INFINITY;
  for (const i of intervalsAround(now, nightly, works)) if (i.start > t && i.start < next) next = i.start;
  return next;
}

/** The next maintenance to start after `now` (for health and the back office), or undefined. */
export function nextMaintenance(now: Date, nightly: NightlyMaintenance | undefined, works: readonly WorksWindow[]): { start: Date; end: Date; nature: MaintenanceNature } | undefined {
  const t = now.getTime();
  const upcoming = intervalsAround(now, nightly, works)
    .filter((i) => i.start > t)
    .sort((a, b) => a.start - b.start)[0];
  if (!upcoming) return undefined;
  const state = maintenanceAt(new Date(upcoming.start), nightly, works);
  return { start: new Date(upcoming.start), end: state?.end ?? new Date(upcoming.end), nature: upcoming.nature };
}

/** Seconds until `end`, rounded up (at least 1): the fault's reessayerApres. */
export function secondsUntil(now: Date, end: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/** Fault 402 for a maintenance in force, with the planned end and reessayerApres. */
export function maintenanceFault(state: MaintenanceState, now: Date, formatInstant: (d: Date) => string): EsavFault {
  const why = state.nature === 'NOCTURNE' ? 'maintenance nocturne' : `travaux ${state.reference ?? ''} (${state.motif})`.replace('  ', ' ');
  return new EsavFault(402, `Service en maintenance (${why}) jusqu'au ${formatInstant(state.end)}`, {
    reessayerApres: secondsUntil(now, state.end),
  });
}

/** The earliest start an announced works window may have when announced at `now`. */
export function earliestWorksStart(now: Date, calendar: HolidayCalendar): Date {
  return addWorkingTime(now, WORKS_NOTICE_WORKING_MS, calendar);
}

export type WorksRefusal =
  | { reason: 'ORDRE'; message: string }
  | { reason: 'DUREE'; message: string }
  | { reason: 'PREAVIS'; message: string; earliest: Date };

/**
 * Why a works window announced at `now` is refused, or undefined when it may be announced: the
 * end after the start, at most 7 days, and a start at least two working days (of working time:
 * Monday–Friday 08:00–18:00 Paris outside public holidays) after the announcement.
 */
export function worksRefusal(now: Date, start: Date, end: Date, calendar: HolidayCalendar, formatInstant: (d: Date) => string): WorksRefusal | undefined {
  if (end.getTime() <= start.getTime()) return { reason: 'ORDRE', message: 'la fin doit être postérieure au début' };
  if (end.getTime() - start.getTime() > WORKS_MAX_DURATION_MS) return { reason: 'DUREE', message: 'une fenêtre de travaux dure au plus 7 jours' };
  const earliest = earliestWorksStart(now, calendar);
  if (start.getTime() < earliest.getTime()) {
    return {
      reason: 'PREAVIS',
      earliest,
      message: `préavis insuffisant : au moins deux jours ouvrés, début possible au plus tôt le ${formatInstant(earliest)}`,
    };
  }
  return undefined;
}
