// Europe/Paris times as the portal's pages show them, and as they read them back from
// datetime-local (or date) inputs. The formatters are built once: creating an Intl.DateTimeFormat
// costs far more than formatting with one.
import { instantFromParisWallTime, parisWallTime } from '../../domain/paris-calendar.js';

const paris = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', ...options });
const LONG = paris({ dateStyle: 'full', timeStyle: 'short' });
const SHORT = paris({ dateStyle: 'short', timeStyle: 'medium' });
const DATE_TIME = paris({ dateStyle: 'short', timeStyle: 'short' });
const TIME = paris({ hour: '2-digit', minute: '2-digit' });

/** "lundi 2 novembre 2026 à 14:00" (Paris). */
export const parisLong = (date: Date): string => LONG.format(date);
/** "02/11/2026 14:00:05" (Paris). */
export const parisShort = (date: Date): string => SHORT.format(date);
/** "02/11/2026 14:00" (Paris); '' when there is no date. */
export const parisDateTime = (date: Date | null | undefined): string => (date ? DATE_TIME.format(date) : '');
/** "14:00" (Paris). */
export const parisTime = (date: Date): string => TIME.format(date);

const pad = (n: number) => String(n).padStart(2, '0');

/** The value of a datetime-local input showing the instant in Paris time (YYYY-MM-DDTHH:MM). */
export function parisInputValue(date: Date): string {
  const w = parisWallTime(date);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A datetime-local input's value (YYYY-MM-DDTHH:MM, seconds optional) read as Paris wall time; a
 * date alone (YYYY-MM-DD, midnight) unless `requireTime`. Undefined when malformed or not a day of
 * the calendar (2026-02-30).
 */
export function parseParisInput(value: string | undefined, options: { requireTime?: boolean } = {}): Date | undefined {
  const m = LOCAL_INPUT.exec((value ?? '').trim());
  if (!m || (options.requireTime && m[4] === undefined)) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const instant = instantFromParisWallTime(year, month, day, hour, minute, second);
  return parisWallTime(instant).day === day ? instant : undefined;
}
