import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Guarantee } from '../../src/domain/catalogue.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import {
  consumedAt,
  deadline,
  GUARANTEE_STOP_STATES,
  guaranteeDelayMs,
  guaranteeOnTransition,
  pauseGuarantee,
  resumeGuarantee,
  startGuarantee,
  type GuaranteeClock,
} from '../../src/domain/guarantee.js';
import { fixedHolidayCalendar, frenchPublicHolidays, type HolidayCalendar } from '../../src/domain/holidays.js';
import { canTransition, ETATS, type Etat } from '../../src/domain/signalisation.js';
import { mulberry32 } from '../support/prng.js';

const H = 3_600_000;
const at = (iso: string): Date => new Date(iso);
const paris = (d: Date | null): string | null => (d === null ? null : formatParisDateTime(d));

// The guarantees of catalog/garanties.yaml (checked against the file below).
const GTR_STANDARD: Guarantee = { code: 'GTR_STANDARD', libelle: 'Rétablissement standard en 2 jours ouvrés', delaiHeures: 20, heuresOuvrees: true };
const GTR_10HO: Guarantee = { code: 'GTR_10HO', libelle: 'Rétablissement en 10 heures ouvrées', delaiHeures: 10, heuresOuvrees: true };
const GTR_4HO: Guarantee = { code: 'GTR_4HO', libelle: 'Rétablissement en 4 heures ouvrées', delaiHeures: 4, heuresOuvrees: true };
const GTR_4H_24x7: Guarantee = { code: 'GTR_4H_24x7', libelle: 'Rétablissement en 4 heures, 24 h/24 et 7 j/7', delaiHeures: 4, heuresOuvrees: false };

const fixed: HolidayCalendar = fixedHolidayCalendar(['2026-07-14']);

// Week of Monday 2026-11-23 (CET, +01:00), no holiday.
const MON_10 = at('2026-11-23T10:00:00+01:00');


test('the guarantees used here are those of catalog/garanties.yaml', () => {
  const file = parse(readFileSync(new URL('../../catalog/garanties.yaml', import.meta.url), 'utf8')) as { garanties: Guarantee[] };
  expect(file.garanties).toEqual([GTR_STANDARD, GTR_10HO, GTR_4HO, GTR_4H_24x7]);
  expect(guaranteeDelayMs(GTR_STANDARD)).toBe(20 * H);
});

describe('a running clock', () => {
  test('starts at the deposit with nothing consumed', () => {
    const clock = startGuarantee(MON_10);
    expect(clock).toEqual({ consumedMs: 0, runningSince: MON_10 });
    expect(clock.runningSince).not.toBe(MON_10); // its own Date
  });

  test.each([
    [GTR_4HO, '2026-11-23T14:00:00+01:00'],
    [GTR_10HO, '2026-11-24T10:00:00+01:00'],
    [GTR_STANDARD, '2026-11-25T10:00:00+01:00'],
    [GTR_4H_24x7, '2026-11-23T14:00:00+01:00'],
  ])('deadline of %o deposited Monday 10:00', (guarantee, expected) => {
    expect(paris(deadline(startGuarantee(MON_10), guarantee, fixed))).toBe(expected);
  });

  test('GTR_STANDARD from a Thursday 10:00 → Monday 10:00', () => {
    expect(paris(deadline(startGuarantee(at('2026-11-26T10:00:00+01:00')), GTR_STANDARD, fixed))).toBe('2026-11-30T10:00:00+01:00');
  });

  test('24x7 counts calendar time across the DST night: 00:30 CET + 4 h → 05:30 CEST', () => {
    const d = deadline(startGuarantee(at('2026-03-29T00:30:00+01:00')), GTR_4H_24x7, fixed);
    expect(d?.toISOString()).toBe('2026-03-29T03:30:00.000Z');
    expect(paris(d)).toBe('2026-03-29T05:30:00+02:00');
  });

  test('a deposit in the evening counts from the next opening', () => {
    expect(paris(deadline(startGuarantee(at('2026-11-27T19:30:00+01:00')), GTR_4HO, fixed))).toBe('2026-11-30T12:00:00+01:00');
    expect(paris(deadline(startGuarantee(at('2026-11-27T19:30:00+01:00')), GTR_4H_24x7, fixed))).toBe('2026-11-27T23:30:00+01:00');
  });

  test('consumedAt includes the running segment', () => {
    const clock = startGuarantee(MON_10);
    expect(consumedAt(clock, at('2026-11-24T09:00:00+01:00'), GTR_4HO, fixed)).toBe(9 * H);
    expect(consumedAt(clock, at('2026-11-24T09:00:00+01:00'), GTR_4H_24x7, fixed)).toBe(23 * H);
  });
});

describe('GELE pauses the clock', () => {
  test('deposit Mon 10:00 (10 working hours), GELE Mon 12:00, resumed Wed 09:00 → deadline Wed 17:00', () => {
    let clock = startGuarantee(MON_10);
    clock = pauseGuarantee(clock, at('2026-11-23T12:00:00+01:00'), GTR_10HO, fixed);
    expect(clock).toEqual({ consumedMs: 2 * H, runningSince: null });
    expect(deadline(clock, GTR_10HO, fixed)).toBeNull();
    clock = resumeGuarantee(clock, at('2026-11-25T09:00:00+01:00'));
    expect(paris(deadline(clock, GTR_10HO, fixed))).toBe('2026-11-25T17:00:00+01:00');
  });

  test('pausing a paused clock and resuming a running one are no-ops', () => {
    const paused = pauseGuarantee(startGuarantee(MON_10), at('2026-11-23T12:00:00+01:00'), GTR_10HO, fixed);
    expect(pauseGuarantee(paused, at('2026-11-23T15:00:00+01:00'), GTR_10HO, fixed)).toEqual(paused);
    const resumed = resumeGuarantee(paused, at('2026-11-25T09:00:00+01:00'));
    const again = resumeGuarantee(resumed, at('2026-11-25T11:00:00+01:00'));
    expect(again).toEqual(resumed);
    expect(paris(again.runningSince)).toBe('2026-11-25T09:00:00+01:00');
  });

  test('time outside working hours while GELE changes nothing; working hours while GELE do', () => {
    // Friday 16:00, GELE at 17:00 (1 h), resumed Monday 10:00: 3 h left → Monday 13:00.
    let clock = pauseGuarantee(startGuarantee(at('2026-11-27T16:00:00+01:00')), at('2026-11-27T17:00:00+01:00'), GTR_4HO, fixed);
    clock = resumeGuarantee(clock, at('2026-11-30T10:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4HO, fixed))).toBe('2026-11-30T13:00:00+01:00');
    // Paused on Saturday, resumed on Sunday: nothing of the weekend counts either way.
    clock = pauseGuarantee(startGuarantee(at('2026-11-27T17:00:00+01:00')), at('2026-11-28T10:00:00+01:00'), GTR_4HO, fixed);
    expect(clock.consumedMs).toBe(1 * H);
    clock = resumeGuarantee(clock, at('2026-11-29T12:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4HO, fixed))).toBe('2026-11-30T11:00:00+01:00');
  });

  test('24x7: a weekend pause shifts the deadline by the paused time', () => {
    let clock = pauseGuarantee(startGuarantee(at('2026-11-27T16:00:00+01:00')), at('2026-11-27T17:00:00+01:00'), GTR_4H_24x7, fixed);
    clock = resumeGuarantee(clock, at('2026-11-28T09:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4H_24x7, fixed))).toBe('2026-11-28T12:00:00+01:00');
  });

  test('24x7 across the autumn DST night with a pause', () => {
    // Deposit Sat 23:00 CEST, GELE at 00:00 CEST (1 h), resumed at the second 02:30 (CET): 3 h left.
    let clock = pauseGuarantee(startGuarantee(at('2026-10-24T23:00:00+02:00')), at('2026-10-25T00:00:00+02:00'), GTR_4H_24x7, fixed);
    clock = resumeGuarantee(clock, at('2026-10-25T02:30:00+01:00'));
    expect(paris(deadline(clock, GTR_4H_24x7, fixed))).toBe('2026-10-25T05:30:00+01:00');
  });

  test('a pause dated before the running segment adds nothing', () => {
    const clock = pauseGuarantee(startGuarantee(MON_10), at('2026-11-23T09:00:00+01:00'), GTR_4H_24x7, fixed);
    expect(clock.consumedMs).toBe(0);
    expect(pauseGuarantee(startGuarantee(MON_10), at('2026-11-23T09:00:00+01:00'), GTR_4HO, fixed).consumedMs).toBe(0);
  });

  test('the functions never mutate their argument', () => {
    const running: GuaranteeClock = Object.freeze(startGuarantee(MON_10));
    const paused = pauseGuarantee(running, at('2026-11-23T12:00:00+01:00'), GTR_10HO, fixed);
    expect(running).toEqual({ consumedMs: 0, runningSince: MON_10 });
    const frozenPaused = Object.freeze(paused);
    resumeGuarantee(frozenPaused, at('2026-11-24T12:00:00+01:00'));
    expect(frozenPaused).toEqual({ consumedMs: 2 * H, runningSince: null });
  });

  test.each([
    ['GTR_10HO', GTR_10HO],
    ['GTR_STANDARD', GTR_STANDARD],
    ['GTR_4H_24x7', GTR_4H_24x7],
  ])('%s: pausing and resuming at the same instant before the deadline keeps the deadline (seeded random)', (_name, guarantee) => {
    const random = mulberry32(42);
    const base = at('2026-01-01T00:00:00+01:00').getTime();
    const calendar = frenchPublicHolidays();
    for (let i = 0; i < 300; i++) {
      const clock = startGuarantee(new Date(base + Math.floor(random() * 365 * 86_400_000)));
      const due = deadline(clock, guarantee, calendar)!;
      const start = clock.runningSince!.getTime();
      const t = new Date(start + Math.floor(random() * (due.getTime() - start)));
      const bounced = resumeGuarantee(pauseGuarantee(clock, t, guarantee, calendar), t);
      expect(deadline(bounced, guarantee, calendar)!.getTime()).toBe(due.getTime());
    }
  });
});

describe('exhausted delay: the deadline is the start of the current running segment', () => {
  test('working hours: 10 h consumed of 4 before GELE, resumed Wed 09:00 → deadline Wed 09:00', () => {
    let clock = pauseGuarantee(startGuarantee(MON_10), at('2026-11-24T10:00:00+01:00'), GTR_4HO, fixed);
    expect(clock.consumedMs).toBe(10 * H);
    clock = resumeGuarantee(clock, at('2026-11-25T09:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4HO, fixed))).toBe('2026-11-25T09:00:00+01:00');
    expect(consumedAt(clock, at('2026-11-25T10:00:00+01:00'), GTR_4HO, fixed) - guaranteeDelayMs(GTR_4HO)).toBe(7 * H);
  });

  test('exactly exhausted at the pause, resumed on a Saturday: the resume instant', () => {
    let clock = pauseGuarantee(startGuarantee(MON_10), at('2026-11-23T14:00:00+01:00'), GTR_4HO, fixed);
    expect(clock.consumedMs).toBe(4 * H);
    clock = resumeGuarantee(clock, at('2026-11-28T09:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4HO, fixed))).toBe('2026-11-28T09:00:00+01:00');
  });

  test('24x7', () => {
    let clock = pauseGuarantee(startGuarantee(MON_10), at('2026-11-23T15:00:00+01:00'), GTR_4H_24x7, fixed);
    clock = resumeGuarantee(clock, at('2026-11-23T16:00:00+01:00'));
    expect(paris(deadline(clock, GTR_4H_24x7, fixed))).toBe('2026-11-23T16:00:00+01:00');
  });
});

describe('guaranteeOnTransition', () => {
  test('the whole life of a ticket: qualification, GELE, resume, closure, validation, dashboard', () => {
    const steps: Array<[Etat, Etat, string]> = [
      ['EN_DEPOT', 'EN_QUALIFICATION', '2026-11-23T10:05:00+01:00'],
      ['EN_QUALIFICATION', 'EN_COURS', '2026-11-23T11:00:00+01:00'],
      ['EN_COURS', 'GELE', '2026-11-23T12:00:00+01:00'],
    ];
    let clock = startGuarantee(MON_10);
    for (const [from, to, when] of steps) clock = guaranteeOnTransition(clock, from, to, at(when), GTR_10HO, fixed);
    expect(clock).toEqual({ consumedMs: 2 * H, runningSince: null });
    expect(deadline(clock, GTR_10HO, fixed)).toBeNull();

    clock = guaranteeOnTransition(clock, 'GELE', 'EN_COURS', at('2026-11-25T09:00:00+01:00'), GTR_10HO, fixed);
    expect(paris(deadline(clock, GTR_10HO, fixed))).toBe('2026-11-25T17:00:00+01:00');

    clock = guaranteeOnTransition(clock, 'EN_COURS', 'CLOS', at('2026-11-25T15:00:00+01:00'), GTR_10HO, fixed);
    expect(clock).toEqual({ consumedMs: 8 * H, runningSince: null });
    clock = guaranteeOnTransition(clock, 'CLOS', 'VALIDE', at('2026-11-26T10:00:00+01:00'), GTR_10HO, fixed);
    clock = guaranteeOnTransition(clock, 'VALIDE', 'CLOS_TABLEAU_DE_BORD', at('2026-12-10T10:00:00+01:00'), GTR_10HO, fixed);
    expect(clock).toEqual({ consumedMs: 8 * H, runningSince: null });
    expect(deadline(clock, GTR_10HO, fixed)).toBeNull();
    expect(consumedAt(clock, at('2027-01-01T12:00:00+01:00'), GTR_10HO, fixed)).toBe(8 * H); // met: 8 h ≤ 10 h
  });

  test('closing a GELE ticket keeps the clock stopped with what was consumed', () => {
    let clock = guaranteeOnTransition(startGuarantee(MON_10), 'EN_COURS', 'GELE', at('2026-11-23T12:00:00+01:00'), GTR_4HO, fixed);
    clock = guaranteeOnTransition(clock, 'GELE', 'CLOS', at('2026-11-24T12:00:00+01:00'), GTR_4HO, fixed);
    expect(clock).toEqual({ consumedMs: 2 * H, runningSince: null });
  });

  test('a rejected deposit stops the clock', () => {
    const clock = guaranteeOnTransition(startGuarantee(MON_10), 'EN_DEPOT', 'EN_REJET', at('2026-11-23T11:30:00+01:00'), GTR_4HO, fixed);
    expect(clock).toEqual({ consumedMs: 1.5 * H, runningSince: null });
  });

  test('every transition of the life cycle: pause, resume or unchanged', () => {
    expect([...GUARANTEE_STOP_STATES].sort()).toEqual(['CLOS', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET', 'VALIDE']);
    const t = at('2026-11-24T10:00:00+01:00');
    const running = startGuarantee(MON_10);
    const paused: GuaranteeClock = { consumedMs: 3 * H, runningSince: null };
    const seen: string[] = [];
    for (const from of ETATS) {
      for (const to of ETATS) {
        if (!(['OPERATEUR', 'SAV', 'SYSTEME'] as const).some((by) => canTransition(from, to, by))) continue;
        seen.push(`${from}>${to}`);
        const onRunning = guaranteeOnTransition(running, from, to, t, GTR_4HO, fixed);
        const onPaused = guaranteeOnTransition(paused, from, to, t, GTR_4HO, fixed);
        if (to === 'GELE' || GUARANTEE_STOP_STATES.includes(to)) {
          expect(onRunning).toEqual({ consumedMs: 10 * H, runningSince: null });
          expect(onPaused).toEqual(paused);
        } else if (from === 'GELE') {
          expect(onPaused).toEqual({ consumedMs: 3 * H, runningSince: t });
        } else {
          expect(onRunning).toBe(running);
          expect(onPaused).toBe(paused);
        }
      }
    }
    expect(seen).toHaveLength(11);
  });
});

describe('with frenchPublicHolidays()', () => {
  const fr = frenchPublicHolidays();

  test('GTR_STANDARD deposited Wed 13 May 2026 10:00 skips Ascension → Mon 18 May 10:00', () => {
    expect(paris(deadline(startGuarantee(at('2026-05-13T10:00:00+02:00')), GTR_STANDARD, fr))).toBe('2026-05-18T10:00:00+02:00');
  });

  test('GTR_10HO deposited Mon 13 July 2026 17:00 skips 14 July → Wed 15 July 17:00', () => {
    expect(paris(deadline(startGuarantee(at('2026-07-13T17:00:00+02:00')), GTR_10HO, fr))).toBe('2026-07-15T17:00:00+02:00');
  });

  test('GELE over Christmas: 2 h consumed on 24 Dec, resumed on 25 Dec, 2 h left → Mon 28 Dec 10:00', () => {
    let clock = guaranteeOnTransition(startGuarantee(at('2026-12-24T14:00:00+01:00')), 'EN_COURS', 'GELE', at('2026-12-24T16:00:00+01:00'), GTR_4HO, fr);
    clock = guaranteeOnTransition(clock, 'GELE', 'EN_COURS', at('2026-12-25T11:00:00+01:00'), GTR_4HO, fr);
    expect(paris(deadline(clock, GTR_4HO, fr))).toBe('2026-12-28T10:00:00+01:00');
  });

  test('24x7 ignores holidays', () => {
    expect(paris(deadline(startGuarantee(at('2026-07-14T10:00:00+02:00')), GTR_4H_24x7, fr))).toBe('2026-07-14T14:00:00+02:00');
  });
});
