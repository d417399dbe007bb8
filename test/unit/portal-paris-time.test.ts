// The portal's one reader of datetime-local inputs (Paris wall time) and its display formats.
import { parisDateTime, parisInputValue, parseParisInput } from '../../src/adapters/web-portal/paris-time.js';

test('datetime-local values are read as Paris wall time, seconds kept; a date alone only when allowed', () => {
  expect(parseParisInput('2026-11-02T14:05')?.toISOString()).toBe('2026-11-02T13:05:00.000Z');
  expect(parseParisInput('2026-07-02T14:05:09')?.toISOString()).toBe('2026-07-02T12:05:09.000Z');
  expect(parseParisInput('2026-11-02')?.toISOString()).toBe('2026-11-01T23:00:00.000Z');
  expect(parseParisInput('2026-11-02', { requireTime: true })).toBeUndefined();
  expect(parseParisInput('2026-11-02T14:05', { requireTime: true })?.toISOString()).toBe('2026-11-02T13:05:00.000Z');
});

test('values that are no instant of the calendar are refused', () => {
  for (const bad of ['2026-02-30T10:00', '2026-13-01T10:00', '2026-11-02T24:00', '2026-11-02T10:60', '2026-11-02T10:00:60', '02/11/2026', '', undefined]) {
    expect(parseParisInput(bad)).toBeUndefined();
  }
});

test('an input shows the instant it reads back', () => {
  const instant = new Date('2026-03-29T01:30:00Z'); // 03:30 CEST, the day the clocks go forward
  expect(parisInputValue(instant)).toBe('2026-03-29T03:30');
  expect(parseParisInput(parisInputValue(instant))?.getTime()).toBe(instant.getTime());
  expect(parisDateTime(null)).toBe('');
  expect(parisDateTime(instant)).toBe('29/03/2026 03:30');
});
