// The Europe/Paris calendar: every rule of the service reads time as Paris reads it (spec §2.3:
// working hours, the night rule, maintenance, renewal, form versions), and this is the one module
// that knows how. It holds:
//   - the wall time of an instant (parisWallTime, with its UTC offset) and the instant of a wall
//     time (instantFromParisWallTime), the xs:dateTime operators read (formatParisDateTime) and
//     its reading without a time zone (parseXsDateTime);
//   - the one day type, ParisDay ("YYYY-MM-DD", the ISO calendar date: it sorts and compares in
//     order as text, is what the holiday calendar and the catalogue speak, and what JSON shows),
//     with its arithmetic (addDays, isoWeekday, addCalendarMonths) and the instants of a day
//     (parisDayStart, parisTimeOn).
// Pure: instants in, instants out; "now" comes from a Clock (src/domain/clock.ts).

export const BUSINESS_TIME_ZONE = 'Europe/Paris';

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: BUSINESS_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface ParisWallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset from UTC in minutes (60 in winter, 120 in summer). */
  offsetMinutes: number;
}

/** The wall time and the exact UTC offset (milliseconds) of an instant, asked to Intl. */
function intlParisWallTime(instant: Date): { wall: Omit<ParisWallTime, 'offsetMinutes'>; offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const part of parisParts.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return { wall, offsetMs: asUtc - Math.floor(instant.getTime() / 1000) * 1000 };
}

/** parisWallTime computed by Intl on every call (the reference the cached one is checked against). */
export function parisWallTimeIntl(instant: Date): ParisWallTime {
  const { wall, offsetMs } = intlParisWallTime(instant);
  return { ...wall, offsetMinutes: Math.round(offsetMs / 60000) };
}

const HOUR_MS = 3_600_000;
const MIXED_HOUR = Number.NaN;
/**
 * The UTC offset (minutes) of each UTC hour already seen, or MIXED_HOUR when the offset is not the
 * same whole number of minutes throughout the hour (a change inside the hour, or the local mean
 * time of the 19th century): Intl is then asked for every instant of that hour. Europe/Paris
 * changes its offset on whole UTC hours, so only the hours around a change need two Intl calls
 * (Intl.DateTimeFormat#formatToParts costs ≈ 5 µs, the cached path ≈ 0.2 µs; docs/benchmarks.md).
 */
const offsetByUtcHour = new Map<number, number>();

function offsetOfUtcHour(hour: number): number {
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const atStart = intlParisWallTime(new Date(hour * HOUR_MS)).offsetMs;
    const atEnd = intlParisWallTime(new Date((hour + 1) * HOUR_MS - 1000)).offsetMs;
    offset = atStart === atEnd && atStart % 60_000 === 0 ? atStart / 60_000 : MIXED_HOUR;
    if (offsetByUtcHour.size >= 100_000) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/** parisWallTime(new Date(ms)).offsetMinutes without building the wall time (day walks, bench/micro/working-time.ts). */
function offsetMinutesAt(ms: number): number {
  const offsetMinutes = Number.isFinite(ms) ? offsetOfUtcHour(Math.floor(ms / HOUR_MS)) : MIXED_HOUR;
  return Number.isNaN(offsetMinutes) ? parisWallTimeIntl(new Date(ms)).offsetMinutes : offsetMinutes;
}

/** The wall-clock time in Europe/Paris of an instant, with its UTC offset. */
export function parisWallTime(instant: Date): ParisWallTime {
  const time = instant.getTime();
  // An invalid date goes to Intl, which throws as it always did.
  const offsetMinutes = Number.isFinite(time) ? offsetOfUtcHour(Math.floor(time / HOUR_MS)) : MIXED_HOUR;
  if (Number.isNaN(offsetMinutes)) return parisWallTimeIntl(instant);
  const wall = new Date(Math.floor(time / 1000) * 1000 + offsetMinutes * 60_000);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    offsetMinutes,
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * xs:dateTime of an instant as Europe/Paris local time with its offset, e.g.
 * 2026-11-27T15:21:00+01:00: what operators read in every response.
 */
export function formatParisDateTime(instant: Date): string {
  const time = instant.getTime();
  // The text depends on the whole second only: the last few seconds written are kept (every
  // answer writes the current one in its header; an invalid date goes on to throw as before).
  if (!Number.isFinite(time)) return formatParisDateTimeOnce(instant);
  const second = Math.floor(time / 1000);
  const slot = second & (FORMATTED_SLOTS - 1);
  if (formattedSecond[slot] === second) return formattedText[slot]!;
  const text = formatParisDateTimeOnce(instant);
  formattedSecond[slot] = second;
  formattedText[slot] = text;
  return text;
}

const FORMATTED_SLOTS = 16;
const formattedSecond = new Float64Array(FORMATTED_SLOTS).fill(Number.NaN);
const formattedText: string[] = new Array<string>(FORMATTED_SLOTS).fill('');

/** formatParisDateTime without its cache (the reference the cached one is checked against). */
export function formatParisDateTimeOnce(instant: Date): string {
  const w = parisWallTime(instant);
  const sign = w.offsetMinutes >= 0 ? '+' : '-';
  const off = Math.abs(w.offsetMinutes);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    `${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  );
}

/**
 * The instant at which Europe/Paris wall-clock time reads the given date and time. In the
 * spring-forward gap the time is read with the winter offset (02:30 → 03:30 CEST); in the
 * autumn overlap the first (summer) occurrence is taken.
 */
export function instantFromParisWallTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Offsets are +60 or +120 minutes: try the offset in force two hours earlier, then the one in
  // force at that candidate; keep the first that reads back as the asked wall time.
  const before = offsetMinutesAt(asUtc - 2 * HOUR_MS);
  const first = asUtc - before * 60_000;
  const after = offsetMinutesAt(first);
  if (after === before) return new Date(first);
  const second_ = asUtc - after * 60_000;
  const w = parisWallTime(new Date(second_));
  const readsBack = w.hour === hour && w.minute === minute && w.day === day;
  // No match: the time does not exist (spring-forward gap); the earlier offset moves it forward.
  return new Date(readsBack ? second_ : first);
}

const XS_DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Reads an xs:dateTime. With a time zone (Z or ±hh:mm) it is that instant; without one it is
 * read as Europe/Paris local time, the business time of the contract.
 */
export function parseXsDateTime(lexical: string): Date {
  const m = XS_DATE_TIME.exec(lexical.trim());
  if (!m) throw new Error(`not an xs:dateTime: ${lexical}`);
  if (m[8]) return new Date(lexical.trim());
  const millis = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  return instantFromParisWallTime(year, month, day, hour, minute, second, millis);
}

// ---------------------------------------------------------------------------------------------
// Days.

/** A Europe/Paris calendar day, YYYY-MM-DD (e.g. 2026-11-27): compares in order as text. */
export type ParisDay = string;

const DAY_MS = 86_400_000;

function notADay(day: string): never {
  throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
}

/** The value of the decimal digits day[from, to), or -1 when one is not a digit. */
function digitsOf(day: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = day.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Year, month and day of a ParisDay, read without a regular expression or an allocation of a
 * Date: the working-time computations walk days on the deposit path (bench/micro/working-time.ts).
 */
function partsOf(day: ParisDay): [year: number, month: number, date: number] {
  if (day.length !== 10 || day.charCodeAt(4) !== 45 || day.charCodeAt(7) !== 45) notADay(day);
  const year = digitsOf(day, 0, 4);
  const month = digitsOf(day, 5, 7);
  const date = digitsOf(day, 8, 10);
  if (year < 0 || month < 1 || month > 12 || date < 1 || date > 31) notADay(day);
  return [year, month, date];
}

/** Days since 1970-01-01 of a ParisDay (plain civil arithmetic: a day has no time zone). */
function epochDayOf(day: ParisDay): number {
  const [year, month, date] = partsOf(day);
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

function dayOfParts(year: number, month: number, date: number): ParisDay {
  return `${pad(year, 4)}-${pad(month)}-${pad(date)}`;
}

function dayOfEpochDay(epochDay: number): ParisDay {
  const d = new Date(epochDay * DAY_MS);
  return dayOfParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whether `value` is a YYYY-MM-DD day that exists (2026-02-29 does not). */
export function isParisDay(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const [year, month, date] = [digitsOf(value, 0, 4), digitsOf(value, 5, 7), digitsOf(value, 8, 10)];
  if (year < 0 || month < 1 || month > 12 || date < 1) return false;
  return date <= daysInMonth(year, month);
}

/** The Paris calendar day of an instant. */
export function parisDayOf(instant: Date): ParisDay {
  const w = parisWallTime(instant);
  return dayOfParts(w.year, w.month, w.day);
}

/** The day `days` days after `day` (before, when negative). */
export function addDays(day: ParisDay, days: number): ParisDay {
  return dayOfEpochDay(epochDayOf(day) + days);
}

/** ISO weekday of a Paris day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: ParisDay): number {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDayOf(day) + 3) % 7) + 7) % 7) + 1;
}

/** The French names of the ISO weekdays, indexed by isoWeekday (1 = lundi … 7 = dimanche; index 0: ''). */
export const ISO_WEEKDAY_NAMES: readonly string[] = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Adds calendar months to a day. A day that does not exist in the target month is clamped to its
 * last day (2027-01-31 + 1 month = 2027-02-28), as java.time and SQL intervals do.
 */
export function addCalendarMonths(day: ParisDay, months: number): ParisDay {
  const [year, month, date] = partsOf(day);
  const [y, m] = monthsLater(year, month, months);
  return dayOfParts(y, m, Math.min(date, daysInMonth(y, m)));
}

function monthsLater(year: number, month: number, months: number): [year: number, month: number] {
  const index = year * 12 + (month - 1) + months;
  return [Math.floor(index / 12), (((index % 12) + 12) % 12) + 1];
}

/**
 * The instant at which Paris wall-clock time reads `hour:minute:second` on `day` (in the DST gap
 * and overlap, as instantFromParisWallTime).
 */
export function parisTimeOn(day: ParisDay, hour: number, minute = 0, second = 0): Date {
  const [year, month, date] = partsOf(day);
  return instantFromParisWallTime(year, month, date, hour, minute, second);
}

/** 00:00 Europe/Paris of a Paris day. */
export function parisDayStart(day: ParisDay): Date {
  return parisTimeOn(day, 0);
}

/** The same Europe/Paris wall time `months` calendar months later (the day clamped to the month's end). */
export function addParisMonths(instant: Date, months: number): Date {
  const w = parisWallTime(instant);
  const [year, month] = monthsLater(w.year, w.month, months);
  return instantFromParisWallTime(year, month, Math.min(w.day, daysInMonth(year, month)), w.hour, w.minute, w.second);
}
