import { formatParisDateTime, instantFromParisWallTime } from '../../src/domain/paris-calendar.js';
import { fixedHolidayCalendar, frenchPublicHolidays, NO_HOLIDAYS, type HolidayCalendar } from '../../src/domain/holidays.js';
import {
  addCalendarTime,
  addWorkingTime,
  isWithinWorkingHours,
  WORKING_DAY_MS,
  workingTimeBetween,
} from '../../src/domain/working-time.js';
import { mulberry32 } from '../support/prng.js';

const H = 3_600_000;
const at = (iso: string): Date => new Date(iso);
/** The result as Paris local time with offset, for readable failures. */
const paris = (d: Date): string => formatParisDateTime(d);

// A fixed calendar for determinism: 14 July 2026 (a Tuesday) and Easter Monday 2026.
const fixed: HolidayCalendar = fixedHolidayCalendar(['2026-07-14', '2026-04-06']);


/**
 * Independent oracle: walks every Paris day and reads each window with instantFromParisWallTime
 * (no 10-hour shortcut), one day at a time.
 */
function naiveWorkingTimeBetween(from: Date, to: Date, calendar: HolidayCalendar): number {
  let total = 0;
  const start = new Date(from.getTime() - 2 * 86_400_000);
  for (let d = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); d <= to.getTime() + 86_400_000; d += 86_400_000) {
    const day = new Date(d);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6 || calendar.isHoliday(day.toISOString().slice(0, 10))) continue;
    const [y, m, dd] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    const open = instantFromParisWallTime(y, m, dd, 8).getTime();
    const close = instantFromParisWallTime(y, m, dd, 18).getTime();
    total += Math.max(0, Math.min(close, to.getTime()) - Math.max(open, from.getTime()));
  }
  return total;
}

describe('addWorkingTime (fixed calendar)', () => {
  test.each([
    ['within one day', '2026-11-23T10:00:00+01:00', 3 * H, '2026-11-23T13:00:00+01:00'],
    ['crossing 18:00 to the next working day', '2026-11-23T16:00:00+01:00', 3 * H, '2026-11-24T09:00:00+01:00'],
    ['Friday 16:00 + 4 h → Monday 10:00', '2026-11-27T16:00:00+01:00', 4 * H, '2026-11-30T10:00:00+01:00'],
    ['start on Saturday → Monday 08:00 + duration', '2026-11-28T11:00:00+01:00', 3 * H, '2026-11-30T11:00:00+01:00'],
    ['start on Sunday evening', '2026-11-29T22:00:00+01:00', 30 * 60_000, '2026-11-30T08:30:00+01:00'],
    ['start before opening', '2026-11-24T06:15:00+01:00', 2 * H, '2026-11-24T10:00:00+01:00'],
    ['start after closing', '2026-11-24T19:00:00+01:00', 2 * H, '2026-11-25T10:00:00+01:00'],
    ['start exactly at 18:00 counts from the next opening', '2026-11-24T18:00:00+01:00', 1, '2026-11-25T08:00:00.001+01:00'],
    ['holiday in the middle (Tue 14 July skipped)', '2026-07-13T17:00:00+02:00', 2 * H, '2026-07-15T09:00:00+02:00'],
    ['start on the holiday itself', '2026-07-14T09:00:00+02:00', 1 * H, '2026-07-15T09:00:00+02:00'],
    ['Easter Monday after a weekend', '2026-04-03T17:00:00+02:00', 2 * H, '2026-04-07T09:00:00+02:00'],
    ['spring DST weekend: Fri 17:00 CET + 2 h → Mon 09:00 CEST', '2026-03-27T17:00:00+01:00', 2 * H, '2026-03-30T07:00:00Z'],
    ['autumn DST weekend: Fri 17:00 CEST + 2 h → Mon 09:00 CET', '2026-10-23T17:00:00+02:00', 2 * H, '2026-10-26T08:00:00Z'],
    ['exactly 18:00 end stays on that day', '2026-11-23T10:00:00+01:00', 8 * H, '2026-11-23T18:00:00+01:00'],
    ['a whole window from 08:00 ends at 18:00', '2026-11-23T08:00:00+01:00', 10 * H, '2026-11-23T18:00:00+01:00'],
    ['a whole window from Saturday ends Monday 18:00', '2026-11-28T12:00:00+01:00', 10 * H, '2026-11-30T18:00:00+01:00'],
    ['GTR_STANDARD: Thursday 10:00 + 20 h → Monday 10:00', '2026-11-26T10:00:00+01:00', 20 * H, '2026-11-30T10:00:00+01:00'],
    ['millisecond precision', '2026-11-23T17:59:59.999+01:00', 2, '2026-11-24T08:00:00.001+01:00'],
  ])('%s', (_name, start, duration, expected) => {
    expect(paris(addWorkingTime(at(start), duration, fixed))).toBe(paris(at(expected)));
    expect(addWorkingTime(at(start), duration, fixed).getTime()).toBe(at(expected).getTime());
  });

  test('a zero duration gives the start itself, even outside working hours', () => {
    for (const iso of ['2026-11-23T10:00:00+01:00', '2026-11-28T11:00:00+01:00', '2026-11-23T18:00:00+01:00']) {
      expect(addWorkingTime(at(iso), 0, fixed).getTime()).toBe(at(iso).getTime());
    }
  });

  test('long spans skip whole days: one year of working time', () => {
    // 2026 with no holidays: 261 weekdays.
    const start = at('2026-01-01T00:00:00+01:00');
    expect(paris(addWorkingTime(start, 261 * WORKING_DAY_MS, NO_HOLIDAYS))).toBe('2026-12-31T18:00:00+01:00');
    expect(addWorkingTime(start, 261 * WORKING_DAY_MS + 1, NO_HOLIDAYS).getTime()).toBe(at('2027-01-01T08:00:00.001+01:00').getTime());
    const t0 = performance.now();
    const far = addWorkingTime(start, 50 * 250 * WORKING_DAY_MS, frenchPublicHolidays()); // ~50 years
    expect(far.getUTCFullYear()).toBeGreaterThan(2070);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  test('rejects negative, fractional or non-finite durations and invalid dates', () => {
    expect(() => addWorkingTime(at('2026-11-23T10:00:00+01:00'), -1, fixed)).toThrow(RangeError);
    expect(() => addWorkingTime(at('2026-11-23T10:00:00+01:00'), 1.5, fixed)).toThrow(RangeError);
    expect(() => addWorkingTime(at('2026-11-23T10:00:00+01:00'), Number.POSITIVE_INFINITY, fixed)).toThrow(RangeError);
    expect(() => addWorkingTime(new Date('nope'), 1, fixed)).toThrow(RangeError);
    expect(() => addCalendarTime(at('2026-11-23T10:00:00+01:00'), -1)).toThrow(RangeError);
  });

  test('a calendar with no working day at all is reported, not looped on', () => {
    const closedForever: HolidayCalendar = { isHoliday: () => true };
    expect(() => addWorkingTime(at('2026-11-23T10:00:00+01:00'), 1, closedForever)).toThrow(/no working day/);
  });
});

describe('workingTimeBetween', () => {
  test.each([
    ['within one day', '2026-11-23T10:00:00+01:00', '2026-11-23T12:30:00+01:00', 2.5 * H],
    ['one night', '2026-11-23T17:00:00+01:00', '2026-11-24T09:00:00+01:00', 2 * H],
    ['a weekend', '2026-11-27T17:00:00+01:00', '2026-11-30T09:00:00+01:00', 2 * H],
    ['inside a weekend', '2026-11-28T09:00:00+01:00', '2026-11-29T17:00:00+01:00', 0],
    ['a whole week', '2026-11-23T00:00:00+01:00', '2026-11-30T00:00:00+01:00', 50 * H],
    ['a week with 14 July', '2026-07-13T00:00:00+02:00', '2026-07-20T00:00:00+02:00', 40 * H],
    ['the spring DST week (Monday window is 10 h)', '2026-03-27T00:00:00+01:00', '2026-03-31T00:00:00+02:00', 20 * H],
    ['the autumn DST week', '2026-10-23T00:00:00+02:00', '2026-10-27T00:00:00+01:00', 20 * H],
    ['the instant 18:00 is excluded, 08:00 included', '2026-11-23T18:00:00+01:00', '2026-11-24T08:00:00.001+01:00', 1],
    ['empty interval', '2026-11-23T10:00:00+01:00', '2026-11-23T10:00:00+01:00', 0],
    ['reversed interval', '2026-11-23T12:00:00+01:00', '2026-11-23T10:00:00+01:00', 0],
  ])('%s', (_name, from, to, expected) => {
    expect(workingTimeBetween(at(from), at(to), fixed)).toBe(expected);
  });

  test('2026 has 252 working days with the French public holidays (9 fall on weekdays)', () => {
    const from = at('2026-01-01T00:00:00+01:00');
    const to = at('2027-01-01T00:00:00+01:00');
    expect(workingTimeBetween(from, to, NO_HOLIDAYS)).toBe(261 * WORKING_DAY_MS);
    expect(workingTimeBetween(from, to, frenchPublicHolidays())).toBe(252 * WORKING_DAY_MS);
  });
});

describe('isWithinWorkingHours', () => {
  test.each([
    ['2026-11-23T08:00:00+01:00', true],
    ['2026-11-23T17:59:59.999+01:00', true],
    ['2026-11-23T18:00:00+01:00', false],
    ['2026-11-23T07:59:59.999+01:00', false],
    ['2026-11-28T10:00:00+01:00', false], // Saturday
    ['2026-07-14T10:00:00+02:00', false], // holiday of the fixed calendar
    ['2026-03-30T08:00:00+02:00', true], // Monday after spring forward
  ])('%s → %s', (iso, expected) => {
    expect(isWithinWorkingHours(at(iso), fixed)).toBe(expected);
  });
});

describe('addWorkingTime and workingTimeBetween are inverses (seeded random)', () => {
  const rangeStart = at('2025-01-01T00:00:00Z').getTime();
  const rangeMs = at('2029-01-01T00:00:00Z').getTime() - rangeStart;

  test.each([
    ['fixed calendar', fixed],
    ['French public holidays', frenchPublicHolidays()],
  ])('%s', (_name, calendar) => {
    const random = mulberry32(20261127);
    let insideHours = 0;
    for (let i = 0; i < 1000; i++) {
      const start = new Date(rangeStart + Math.floor(random() * rangeMs));
      const duration = Math.floor(random() * 300 * H);
      const end = addWorkingTime(start, duration, calendar);
      if (isWithinWorkingHours(start, calendar)) insideHours++;
      // For starts inside working hours, as asked; in fact it holds for every start.
      expect(workingTimeBetween(start, end, calendar)).toBe(duration);
      expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
      // Composition: adding in two steps is adding once.
      const split = Math.floor(random() * (duration + 1));
      expect(addWorkingTime(addWorkingTime(start, split, calendar), duration - split, calendar).getTime()).toBe(end.getTime());
      // The other way round: the earliest instant with that much working time is not after `to`,
      // and no working time lies between them.
      const to = new Date(start.getTime() + Math.floor(random() * 40 * 86_400_000));
      const back = addWorkingTime(start, workingTimeBetween(start, to, calendar), calendar);
      expect(back.getTime()).toBeLessThanOrEqual(to.getTime());
      expect(workingTimeBetween(back, to, calendar)).toBe(0);
      if (i % 10 === 0) expect(workingTimeBetween(start, to, calendar)).toBe(naiveWorkingTimeBetween(start, to, calendar));
    }
    expect(insideHours).toBeGreaterThan(150); // about 1000 × 50/168
  });
});

describe('addCalendarTime (24x7)', () => {
  test('4 h across the spring DST night: 00:30 CET → 05:30 CEST', () => {
    const start = instantFromParisWallTime(2026, 3, 29, 0, 30);
    const end = addCalendarTime(start, 4 * H);
    expect(end.toISOString()).toBe('2026-03-29T03:30:00.000Z');
    expect(paris(end)).toBe('2026-03-29T05:30:00+02:00');
  });

  test('4 h across the autumn DST night: 00:30 CEST → 03:30 CET', () => {
    const start = instantFromParisWallTime(2026, 10, 25, 0, 30);
    expect(paris(addCalendarTime(start, 4 * H))).toBe('2026-10-25T03:30:00+01:00');
  });
});

describe('with frenchPublicHolidays()', () => {
  const fr = frenchPublicHolidays();

  test.each([
    '2026-01-01',
    '2026-04-06', // Easter Monday
    '2026-05-01',
    '2026-05-08',
    '2026-05-14', // Ascension
    '2026-05-25', // Whit Monday
    '2026-07-14',
    '2026-08-15',
    '2026-11-01',
    '2026-11-11',
    '2026-12-25',
    '2027-01-01',
    '2027-03-29', // Easter Monday 2027
  ])('%s is a public holiday', (day) => {
    expect(fr.isHoliday(day)).toBe(true);
  });

  test.each([
    ['2026-04-03', 'Good Friday (Alsace-Moselle only)'],
    ['2026-12-26', 'Saint Stephen (Alsace-Moselle only)'],
    ['2026-05-24', 'Pentecost Sunday (observance)'],
    ['2026-05-31', "Mothers' Day (observance)"],
    ['2026-04-05', 'Easter Sunday'],
    ['2026-07-13', 'an ordinary Monday'],
  ])('%s is not: %s', (day) => {
    expect(fr.isHoliday(day)).toBe(false);
  });

  test('eleven public holidays in 2026; the calendar is shared and cached', () => {
    let count = 0;
    for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000) {
      if (fr.isHoliday(new Date(d).toISOString().slice(0, 10))) count++;
    }
    expect(count).toBe(11);
    expect(frenchPublicHolidays()).toBe(fr);
  });

  test('rejects a malformed day', () => {
    expect(() => fr.isHoliday('2026-7-14')).toThrow(RangeError);
  });

  test.each([
    ['over Easter Monday 2026', '2026-04-03T17:00:00+02:00', 2 * H, '2026-04-07T09:00:00+02:00'],
    ['over the Ascension bridge', '2026-05-13T17:00:00+02:00', 2 * H, '2026-05-15T09:00:00+02:00'],
    ['over Whit Monday 2026', '2026-05-22T10:00:00+02:00', 20 * H, '2026-05-27T10:00:00+02:00'],
    ['over 11 November 2026', '2026-11-10T17:00:00+01:00', 2 * H, '2026-11-12T09:00:00+01:00'],
    ['over Christmas and New Year', '2026-12-24T17:00:00+01:00', 2 * H, '2026-12-28T09:00:00+01:00'],
    ['over 1 January 2027', '2026-12-31T17:00:00+01:00', 2 * H, '2027-01-04T09:00:00+01:00'],
    ['over Easter Monday 2027', '2027-03-26T17:00:00+01:00', 2 * H, '2027-03-30T09:00:00+02:00'],
  ])('%s', (_name, start, duration, expected) => {
    expect(paris(addWorkingTime(at(start), duration, fr))).toBe(paris(at(expected)));
  });
});
