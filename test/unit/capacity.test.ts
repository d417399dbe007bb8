// Capacity administration, pure rules (decision 0018): planned windows from patterns, extra
// capacity and holidays; the reconciliation of stored slots (never a booked one); perimeters,
// closures, pattern sets and the dates support staff type.
import {
  closureCovers,
  overCapacity,
  parseParisInstant,
  patternSetProblem,
  perimeterCovers,
  plannedWindows,
  reconcileSlots,
  windowKey,
  zoneCalendar,
  type StoredSlot,
} from '../../src/domain/capacity.js';
import { fixedHolidayCalendar, NO_HOLIDAYS } from '../../src/domain/holidays.js';
import type { WorkingPattern } from '../../src/domain/rendezvous.js';

const at = (iso: string) => new Date(iso);
const P = (over: Partial<WorkingPattern> = {}): WorkingPattern => ({
  codeInsee: '75056',
  type: 'SAV',
  jour: 2,
  debut: '08:00',
  fin: '12:00',
  dureeMinutes: 120,
  techniciens: 2,
  joursFeries: false,
  ...over,
});

describe('planned capacity', () => {
  test('patterns give windows × technicians; holidays remove them unless the pattern works on holidays; extras always apply', () => {
    const tuesday = '2026-11-03';
    const w = plannedWindows([P()], [], tuesday, tuesday, NO_HOLIDAYS);
    expect([...w.values()].map((x) => [x.debut.toISOString(), x.capacite])).toEqual([
      ['2026-11-03T07:00:00.000Z', 2],
      ['2026-11-03T09:00:00.000Z', 2],
    ]);
    const holiday = fixedHolidayCalendar([tuesday]);
    expect(plannedWindows([P()], [], tuesday, tuesday, holiday).size).toBe(0);
    expect(plannedWindows([P({ joursFeries: true })], [], tuesday, tuesday, holiday).size).toBe(2);
    const extra = { codeInsee: '75056', type: 'SAV' as const, jour: tuesday, debut: '08:00', fin: '10:00', dureeMinutes: 120, techniciens: 1 };
    const both = plannedWindows([P()], [extra], tuesday, tuesday, holiday);
    expect([...both.values()].map((x) => x.capacite)).toEqual([1]);
    const added = plannedWindows([P()], [extra], tuesday, tuesday, NO_HOLIDAYS);
    expect(added.get(windowKey('SAV', at('2026-11-03T07:00:00Z'), at('2026-11-03T09:00:00Z')))!.capacite).toBe(3);
  });

  test('the zone calendar adds the provider days whose perimeter covers the zone', () => {
    const cal = zoneCalendar(fixedHolidayCalendar(['2026-11-11']), [{ jour: '2026-12-26', perimetre: '57' }, { jour: '2026-11-05', perimetre: null }], '57463');
    expect(['2026-11-11', '2026-12-26', '2026-11-05', '2026-11-06'].map((d) => cal.isHoliday(d))).toEqual([true, true, true, false]);
    const paris = zoneCalendar(NO_HOLIDAYS, [{ jour: '2026-12-26', perimetre: '57' }], '75056');
    expect(paris.isHoliday('2026-12-26')).toBe(false);
    expect([perimeterCovers(null, '2A004'), perimeterCovers('2A', '2A004'), perimeterCovers('971', '97105'), perimeterCovers('75056', '75057')]).toEqual([true, true, true, false]);
  });

  test('closures cover overlapping slots of their perimeter and type', () => {
    const c = { perimetre: '75', type: 'SAV' as const, debut: at('2026-11-04T07:00:00Z'), fin: at('2026-11-04T11:00:00Z') };
    const slot = (debut: string, fin: string, type: 'SAV' | 'SAV_PLUS' = 'SAV', codeInsee = '75056') => ({ codeInsee, type, debut: at(debut), fin: at(fin) });
    expect(closureCovers(c, slot('2026-11-04T07:00:00Z', '2026-11-04T09:00:00Z'))).toBe(true);
    expect(closureCovers(c, slot('2026-11-04T10:00:00Z', '2026-11-04T12:00:00Z'))).toBe(true); // overlaps
    expect(closureCovers(c, slot('2026-11-04T11:00:00Z', '2026-11-04T13:00:00Z'))).toBe(false); // touches only
    expect(closureCovers(c, slot('2026-11-04T07:00:00Z', '2026-11-04T09:00:00Z', 'SAV_PLUS'))).toBe(false);
    expect(closureCovers(c, slot('2026-11-04T07:00:00Z', '2026-11-04T09:00:00Z', 'SAV', '69123'))).toBe(false);
  });
});

describe('reconciliation of stored slots', () => {
  const now = at('2026-11-02T09:00:00Z');
  const planned = plannedWindows([P()], [], '2026-11-03', '2026-11-03', NO_HOLIDAYS);
  const slot = (id: number, debut: string, fin: string, technicien: number, state: Partial<StoredSlot> = {}): StoredSlot => ({
    id,
    type: 'SAV',
    debut: at(debut),
    fin: at(fin),
    technicien,
    reserve: false,
    retire: false,
    reference: false,
    ...state,
  });

  test('nothing stored: every planned slot is inserted, technicians numbered from 1', () => {
    const changes = reconcileSlots(planned, [], now);
    expect(changes.insert.map((s) => `${s.debut.toISOString()} t${s.technicien}`)).toEqual([
      '2026-11-03T07:00:00.000Z t1',
      '2026-11-03T07:00:00.000Z t2',
      '2026-11-03T09:00:00.000Z t1',
      '2026-11-03T09:00:00.000Z t2',
    ]);
    expect(changes).toMatchObject({ reactivate: [], delete: [], retire: [] });
  });

  test('a pattern change: free slots of old windows deleted (or withdrawn when referenced), booked ones kept and reported, new numbers unused', () => {
    const stored = [
      slot(1, '2026-11-03T07:00:00Z', '2026-11-03T08:00:00Z', 1, { reserve: true, reference: true }),
      slot(2, '2026-11-03T07:00:00Z', '2026-11-03T08:00:00Z', 2),
      slot(3, '2026-11-03T08:00:00Z', '2026-11-03T09:00:00Z', 1, { reference: true }),
    ];
    const changes = reconcileSlots(planned, stored, now);
    expect(changes.delete).toEqual([2]);
    expect(changes.retire).toEqual([3]);
    expect(changes.insert.filter((s) => s.debut.getTime() === at('2026-11-03T07:00:00Z').getTime()).map((s) => s.technicien)).toEqual([3, 4]);
    expect(overCapacity(planned, stored, now)).toEqual([1]);
  });

  test('booked slots count toward the window; withdrawn ones are reactivated first; started windows are left alone', () => {
    const stored = [
      slot(1, '2026-11-03T07:00:00Z', '2026-11-03T09:00:00Z', 1, { reserve: true }),
      slot(2, '2026-11-03T07:00:00Z', '2026-11-03T09:00:00Z', 2, { retire: true, reference: true }),
      slot(3, '2026-11-03T09:00:00Z', '2026-11-03T11:00:00Z', 1),
      slot(4, '2026-11-03T09:00:00Z', '2026-11-03T11:00:00Z', 2),
      slot(5, '2026-11-03T09:00:00Z', '2026-11-03T11:00:00Z', 3),
    ];
    const changes = reconcileSlots(planned, stored, now);
    expect(changes).toEqual({ insert: [], reactivate: [2], delete: [5], retire: [] });
    // The same slots at 08:00Z on the 3rd with nothing planned: the started 07:00 window is untouched.
    const later = reconcileSlots(plannedWindows([], [], '2026-11-03', '2026-11-03', NO_HOLIDAYS), stored, at('2026-11-03T08:00:00Z'));
    expect(later).toEqual({ insert: [], reactivate: [], delete: [5, 4, 3], retire: [] });
  });
});

describe('validation and dates', () => {
  test('pattern sets: overlapping lines of one weekday refused, naming the line', () => {
    expect(patternSetProblem([P(), P({ jour: 3 })])).toBeUndefined();
    expect(patternSetProblem([P(), P({ debut: '11:00', fin: '13:00', dureeMinutes: 60 })])).toMatchObject({ champ: 'plages[1]' });
    expect(patternSetProblem([P({ fin: '07:00' })])).toMatchObject({ champ: 'plages[0].fin' });
    expect(patternSetProblem([P({ dureeMinutes: 300 })])).toMatchObject({ champ: 'plages[0].dureeMinutes' });
    expect(patternSetProblem([P({ jour: 8 })])).toMatchObject({ champ: 'plages[0].jour' });
  });

  test('instants: Paris wall time, whole days (end of day for a range end), ISO with offset; anything else undefined', () => {
    expect(parseParisInstant('2026-11-04T08:00')?.toISOString()).toBe('2026-11-04T07:00:00.000Z');
    expect(parseParisInstant('2026-07-04T08:00')?.toISOString()).toBe('2026-07-04T06:00:00.000Z');
    expect(parseParisInstant('2026-11-04')?.toISOString()).toBe('2026-11-03T23:00:00.000Z');
    expect(parseParisInstant('2026-11-04', true)?.toISOString()).toBe('2026-11-04T23:00:00.000Z');
    expect(parseParisInstant('2026-11-04T08:00:00+01:00')?.toISOString()).toBe('2026-11-04T07:00:00.000Z');
    expect(['demain', '2026-02-30', '2026-11-04T25:00', '2026-11-04T08:00:00'].map((v) => parseParisInstant(v))).toEqual([undefined, undefined, undefined, undefined]);
  });
});
