// Working time (heures ouvrées): Monday–Friday 08:00–18:00 Europe/Paris, outside the holidays of
// a HolidayCalendar (spec §2.3, ADR 0005). Pure: instants in, instants out, millisecond precision.
//
// The computation walks Paris calendar days (ParisDay), never minutes. The window of a day is
// read with parisTimeOn(day, 8) and (day, 18), so it is right on both sides of a DST change; as
// Europe/Paris changes offset at 02:00/03:00 local time, every working window is exactly 10 hours
// of real time, and days wholly inside a span count as WORKING_DAY_MS without reading the time
// zone again (only the first and last day of a computation need the wall-time lookups).
import type { HolidayCalendar } from './holidays.js';
import { addDays, isoWeekday, parisDayOf, parisTimeOn, type ParisDay } from './paris-calendar.js';

export const OPENING_HOUR = 8;
export const CLOSING_HOUR = 18;
/** Real time in one working day's window. */
export const WORKING_DAY_MS = (CLOSING_HOUR - OPENING_HOUR) * 3_600_000;

/** A calendar that leaves no working day for this many consecutive days is a configuration bug. */
const MAX_CONSECUTIVE_CLOSED_DAYS = 3660;

/** A working day: Monday to Friday, not a public holiday of the calendar. */
export function isWorkingDay(day: ParisDay, calendar: HolidayCalendar): boolean {
  return isoWeekday(day) <= 5 && !calendar.isHoliday(day);
}

/** The day's 08:00 and 18:00 Europe/Paris as epoch milliseconds. */
function windowOf(day: ParisDay): { open: number; close: number } {
  return { open: parisTimeOn(day, OPENING_HOUR).getTime(), close: parisTimeOn(day, CLOSING_HOUR).getTime() };
}

function instantMs(instant: Date, name: string): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

function checkDuration(durationMs: number): void {
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`duration must be a non-negative integer number of milliseconds, got ${durationMs}`);
  }
}

function closedTooLong(day: ParisDay): never {
  throw new Error(`no working day in the ${MAX_CONSECUTIVE_CLOSED_DAYS} days before ${day}: check the holiday calendar`);
}

/** Whether the instant is inside a working window: a working day, 08:00 ≤ time < 18:00 Paris. */
export function isWithinWorkingHours(instant: Date, calendar: HolidayCalendar): boolean {
  const t = instantMs(instant, 'instant');
  const day = parisDayOf(instant);
  if (!isWorkingDay(day, calendar)) return false;
  const { open, close } = windowOf(day);
  return open <= t && t < close;
}

/**
 * The earliest instant at which `durationMs` of working time has elapsed since `start`.
 * Outside working hours counting begins at the next opening (Saturday 11:00 + 3 h → Monday
 * 11:00); a result on a closing time stays there (Monday 10:00 + 8 h → Monday 18:00, not
 * Tuesday 08:00). A zero duration gives `start` itself: nothing is left to count.
 * Exact inverse of workingTimeBetween: workingTimeBetween(s, addWorkingTime(s, d)) === d.
 */
export function addWorkingTime(start: Date, durationMs: number, calendar: HolidayCalendar): Date {
  const startMs = instantMs(start, 'start');
  checkDuration(durationMs);
  if (durationMs === 0) return new Date(startMs);

  let remaining = durationMs;
  let day = parisDayOf(start);
  if (isWorkingDay(day, calendar)) {
    const { open, close } = windowOf(day);
    const from = Math.max(startMs, open);
    if (from < close) {
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }
  // Every later day is entered at its midnight, before its opening: whole windows are available.
  let closedDays = 0;
  for (;;) {
    day = addDays(day, 1);
    if (!isWorkingDay(day, calendar)) {
      if (++closedDays > MAX_CONSECUTIVE_CLOSED_DAYS) closedTooLong(day);
      continue;
    }
    closedDays = 0;
    if (remaining > WORKING_DAY_MS) {
      remaining -= WORKING_DAY_MS;
      continue;
    }
    return new Date(windowOf(day).open + remaining);
  }
}

/** Working milliseconds in [from, to); 0 when to ≤ from. */
export function workingTimeBetween(from: Date, to: Date, calendar: HolidayCalendar): number {
  const a = instantMs(from, 'from');
  const b = instantMs(to, 'to');
  if (b <= a) return 0;

  const overlap = (day: ParisDay, lo: number, hi: number): number => {
    if (!isWorkingDay(day, calendar)) return 0;
    const { open, close } = windowOf(day);
    return Math.max(0, Math.min(hi, close) - Math.max(lo, open));
  };

  const firstDay = parisDayOf(from);
  const lastDay = parisDayOf(to);
  if (firstDay === lastDay) return overlap(firstDay, a, b);

  let total = overlap(firstDay, a, Number.POSITIVE_INFINITY) + overlap(lastDay, Number.NEGATIVE_INFINITY, b);
  for (let day = addDays(firstDay, 1); day < lastDay; day = addDays(day, 1)) {
    if (isWorkingDay(day, calendar)) total += WORKING_DAY_MS;
  }
  return total;
}

/** Calendar time (24 h/24, 7 j/7): `start` + `durationMs`. */
export function addCalendarTime(start: Date, durationMs: number): Date {
  const startMs = instantMs(start, 'start');
  checkDuration(durationMs);
  return new Date(startMs + durationMs);
}
