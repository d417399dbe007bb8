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

/** The wall-clock time in Europe/Paris of an instant, with its UTC offset. */
export function parisWallTime(instant: Date): ParisWallTime {
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
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return { ...wall, offsetMinutes: Math.round((asUtc - wholeSeconds) / 60000) };
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
