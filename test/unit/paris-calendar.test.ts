// The one Paris-calendar module (src/domain/paris-calendar.ts): its day type and arithmetic agree
// with an independent Date-based oracle, malformed days are refused, wall times on DST days follow
// instantFromParisWallTime's rules, and no other source file does civil-day arithmetic of its own.
import fs from 'node:fs';
import path from 'node:path';
import {
  addCalendarMonths,
  addDays,
  isoWeekday,
  isParisDay,
  parisDayOf,
  parisDayStart,
  parisTimeOn,
} from '../../src/domain/paris-calendar.js';

const DAY_MS = 86_400_000;
const oracleDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('ParisDay arithmetic', () => {
  test('addDays and isoWeekday agree with Date on every day of 1960–2040, both ways', () => {
    const from = Date.UTC(1960, 0, 1);
    const to = Date.UTC(2040, 11, 31);
    for (let ms = from; ms <= to; ms += DAY_MS) {
      const day = oracleDay(ms);
      const weekday = new Date(ms).getUTCDay();
      expect(isoWeekday(day)).toBe(weekday === 0 ? 7 : weekday);
      expect(addDays(day, 1)).toBe(oracleDay(ms + DAY_MS));
      expect(addDays(day, -40)).toBe(oracleDay(ms - 40 * DAY_MS));
    }
  });

  test('a day compares in order as text', () => {
    expect(addDays('2026-12-31', 1) > '2026-12-31').toBe(true);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  test.each(['2026-7-14', '2026-07-14T00:00', '2026/07/14', '2026-13-01', '2026-00-10', '2026-01-32', 'abcd-ef-gh', ''])('%j is refused (RangeError)', (bad) => {
    expect(() => addDays(bad, 1)).toThrow(RangeError);
    expect(() => isoWeekday(bad)).toThrow(RangeError);
    expect(() => parisDayStart(bad)).toThrow(RangeError);
    expect(isParisDay(bad)).toBe(false);
  });

  test('isParisDay knows the length of the months', () => {
    expect(isParisDay('2026-02-28')).toBe(true);
    expect(isParisDay('2026-02-29')).toBe(false);
    expect(isParisDay('2028-02-29')).toBe(true);
    expect(isParisDay('2026-04-31')).toBe(false);
    expect(isParisDay('2026-12-31')).toBe(true);
  });

  test('addCalendarMonths clamps to the end of the month, both ways', () => {
    expect(addCalendarMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2027-03-31', -13)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-11-15', 0)).toBe('2026-11-15');
  });
});

describe('instants of a Paris day', () => {
  test('the day of an instant is read in Paris, not in UTC', () => {
    expect(parisDayOf(new Date('2026-11-02T23:30:00Z'))).toBe('2026-11-03');
    expect(parisDayOf(new Date('2026-07-14T21:59:59Z'))).toBe('2026-07-14');
    expect(parisDayOf(new Date('2026-07-14T22:00:00Z'))).toBe('2026-07-15');
  });

  test('midnight and wall times on the DST days', () => {
    expect(parisDayStart('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisDayStart('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(parisTimeOn('2026-03-29', 8).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // 02:30 does not exist on the spring-forward night: read with the winter offset (03:30 CEST).
    expect(parisTimeOn('2026-03-29', 2, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on the fall-back night: the first (summer) occurrence.
    expect(parisTimeOn('2026-10-25', 2, 30).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(parisTimeOn('2026-10-25', 18).toISOString()).toBe('2026-10-25T17:00:00.000Z');
  });
});

test('no source file outside the Paris-calendar module does civil-day arithmetic (Date.UTC)', () => {
  const root = path.resolve('src');
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && full !== path.join(root, 'domain', 'paris-calendar.ts') && fs.readFileSync(full, 'utf8').includes('Date.UTC(')) {
        offenders.push(path.relative(root, full));
      }
    }
  };
  walk(root);
  expect(offenders).toEqual([]);
});
