// "Now". Every piece of code that needs the current instant receives a Clock, so tests can set
// the time (no Date.now() in domain code). How Europe/Paris reads an instant (wall time, days,
// formatting) is src/domain/paris-calendar.ts.

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
