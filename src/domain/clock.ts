// Business time. Every rule of the service is expressed in Europe/Paris, and every piece of code
// that needs "now" receives a Clock, so tests can set the time (no Date.now() in domain code).

export const BUSINESS_TIME_ZONE = 'Europe/Paris';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and move; starts at the given instant. */
export class SettableClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

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
  const before = parisWallTime(new Date(asUtc - 2 * 3600_000)).offsetMinutes;
  const first = asUtc - before * 60_000;
  const after = parisWallTime(new Date(first)).offsetMinutes;
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

/** Start (00:00 Europe/Paris) of the calendar day `days` days before the Paris day of `instant`. */
export function parisStartOfDayBefore(instant: Date, days: number): Date {
  const w = parisWallTime(instant);
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day - days));
  return instantFromParisWallTime(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
}
