// The restoration-time guarantee (GTR) clock of a signalisation (spec §2.3, ADR 0005): it runs
// from the deposit, is paused while the ticket is GELE and stops for good when the ticket is
// closed. Time is counted in working hours when the guarantee says so (heuresOuvrees), else in
// calendar time. Pure: every function returns a new clock and never mutates its argument.
import type { Guarantee } from './catalogue.js';
import type { HolidayCalendar } from './holidays.js';
import type { Etat } from './signalisation.js';
import { addCalendarTime, addWorkingTime, workingTimeBetween } from './working-time.js';

export interface GuaranteeClock {
  /** Guarantee time (working or calendar ms) consumed before the current running segment. */
  consumedMs: number;
  /** Start of the current running segment; null while paused (GELE) or stopped (closed). */
  runningSince: Date | null;
}

const HOUR_MS = 3_600_000;

/** States that stop the clock for good: the ticket is processed or was not admissible. */
export const GUARANTEE_STOP_STATES: readonly Etat[] = ['CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET'];

/** The delay of the guarantee in milliseconds (of working time when heuresOuvrees). */
export function guaranteeDelayMs(guarantee: Guarantee): number {
  const ms = Math.round(guarantee.delaiHeures * HOUR_MS);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`guarantee ${guarantee.code}: invalid delaiHeures ${guarantee.delaiHeures}`);
  return ms;
}

/** Guarantee time between two instants; 0 when `to` is not after `from` (out-of-order events). */
function elapsed(from: Date, to: Date, guarantee: Guarantee, calendar: HolidayCalendar): number {
  if (guarantee.heuresOuvrees) return workingTimeBetween(from, to, calendar);
  return Math.max(0, to.getTime() - from.getTime());
}

/** The clock of a signalisation deposited at `depositedAt`: running from the deposit. */
export function startGuarantee(depositedAt: Date): GuaranteeClock {
  return { consumedMs: 0, runningSince: new Date(depositedAt.getTime()) };
}

/** Pauses the clock at `at`, adding the running segment to the consumed time. No-op when not running. */
export function pauseGuarantee(clock: GuaranteeClock, at: Date, guarantee: Guarantee, calendar: HolidayCalendar): GuaranteeClock {
  if (clock.runningSince === null) return clock;
  return { consumedMs: clock.consumedMs + elapsed(clock.runningSince, at, guarantee, calendar), runningSince: null };
}

/** Resumes the clock at `at`. No-op when already running. */
export function resumeGuarantee(clock: GuaranteeClock, at: Date): GuaranteeClock {
  if (clock.runningSince !== null) return clock;
  return { consumedMs: clock.consumedMs, runningSince: new Date(at.getTime()) };
}

/** Guarantee time consumed as of `at` (including the running segment, if any). */
export function consumedAt(clock: GuaranteeClock, at: Date, guarantee: Guarantee, calendar: HolidayCalendar): number {
  if (clock.runningSince === null) return clock.consumedMs;
  return clock.consumedMs + elapsed(clock.runningSince, at, guarantee, calendar);
}

/**
 * The restoration deadline (echeanceRetablissement): null while the clock is paused or stopped;
 * otherwise runningSince + what is left of the delay, in working time (addWorkingTime) or
 * calendar time.
 *
 * Exhausted delay (consumedMs ≥ delay, possible only after a resume: the GTR was already missed
 * before the pause): the instant the delay ran out lies in an earlier segment that the clock no
 * longer records, so it cannot be computed; the deadline is then `runningSince` itself (the
 * start of the current segment: already past, so the ticket reads as overdue). consumedAt() −
 * guaranteeDelayMs() tells by how much the guarantee is exceeded.
 */
export function deadline(clock: GuaranteeClock, guarantee: Guarantee, calendar: HolidayCalendar): Date | null {
  if (clock.runningSince === null) return null;
  const remaining = Math.max(0, guaranteeDelayMs(guarantee) - clock.consumedMs);
  return guarantee.heuresOuvrees
    ? addWorkingTime(clock.runningSince, remaining, calendar)
    : addCalendarTime(clock.runningSince, remaining);
}

/**
 * The single rule applied on every state change of a signalisation, at `at`:
 * entering GELE pauses; leaving GELE (to EN_COURS) resumes; entering a closed state (CLOS,
 * VALIDE, CLOS_TABLEAU_DE_BORD, EN_REJET) stops — pauses, and no transition out of those states
 * ever resumes; every other transition leaves the clock as it is.
 */
export function guaranteeOnTransition(
  clock: GuaranteeClock,
  from: Etat,
  to: Etat,
  at: Date,
  guarantee: Guarantee,
  calendar: HolidayCalendar,
): GuaranteeClock {
  if (to === 'GELE' || GUARANTEE_STOP_STATES.includes(to)) return pauseGuarantee(clock, at, guarantee, calendar);
  if (from === 'GELE') return resumeGuarantee(clock, at);
  return clock;
}
