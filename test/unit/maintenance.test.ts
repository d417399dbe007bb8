// Maintenance windows (spec §3): the nightly window in Europe/Paris wall time across DST changes,
// announced works windows, chained windows, the planned end in fault 402, the two-working-day notice.
import { SettableClock } from '../../src/domain/clock.js';
import { formatParisDateTime } from '../../src/domain/paris-calendar.js';
import { fixedHolidayCalendar, NO_HOLIDAYS } from '../../src/domain/holidays.js';
import { MaintenanceService } from '../../src/application/maintenance.js';
import type { AnnouncedWindow, MaintenanceWindowRepository } from '../../src/application/operations-ports.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { EsavFault } from '../../src/domain/faults.js';
import {
  DEFAULT_NIGHTLY_MAINTENANCE,
  earliestWorksStart,
  maintenanceAt,
  maintenanceFault,
  nextMaintenance,
  nightlyWindowsAround,
  openUntil,
  worksRefusal,
  type NightlyMaintenance,
  type WorksWindow,
} from '../../src/domain/maintenance.js';

const at = (iso: string) => new Date(iso);
const nightly = DEFAULT_NIGHTLY_MAINTENANCE;

function endAt(iso: string, n: NightlyMaintenance | undefined = nightly, works: WorksWindow[] = []): string | undefined {
  return maintenanceAt(at(iso), n, works)?.end.toISOString();
}

describe('nightly maintenance window (default 04:00 Europe/Paris, 15 minutes)', () => {
  test('winter night: 04:00 CET is 03:00 UTC; [start, end) half-open', () => {
    expect(endAt('2026-11-28T02:59:59.999Z')).toBeUndefined();
    expect(endAt('2026-11-28T03:00:00Z')).toBe('2026-11-28T03:15:00.000Z');
    expect(endAt('2026-11-28T03:14:59.999Z')).toBe('2026-11-28T03:15:00.000Z');
    expect(endAt('2026-11-28T03:15:00Z')).toBeUndefined();
  });

  test('summer night: 04:00 CEST is 02:00 UTC', () => {
    expect(endAt('2026-07-14T01:59:59Z')).toBeUndefined();
    expect(endAt('2026-07-14T02:00:00Z')).toBe('2026-07-14T02:15:00.000Z');
    expect(endAt('2026-07-14T03:00:00Z')).toBeUndefined();
  });

  test('spring forward (2026-03-29, 02:00 CET → 03:00 CEST at 01:00 UTC): the night before in CET, that night in CEST', () => {
    // Saturday night still in winter time.
    expect(endAt('2026-03-28T03:00:00Z')).toBe('2026-03-28T03:15:00.000Z');
    // Sunday: 04:00 local is already summer time, 02:00 UTC; 03:00 UTC (05:00 CEST) is not in the window.
    expect(endAt('2026-03-29T01:59:59.999Z')).toBeUndefined();
    expect(endAt('2026-03-29T02:00:00Z')).toBe('2026-03-29T02:15:00.000Z');
    expect(endAt('2026-03-29T02:15:00Z')).toBeUndefined();
    expect(endAt('2026-03-29T03:00:00Z')).toBeUndefined();
    expect(endAt('2026-03-29T03:05:00Z')).toBeUndefined();
  });

  test('fall back (2026-10-25, 03:00 CEST → 02:00 CET at 01:00 UTC): the window is at 04:00 CET, 03:00 UTC', () => {
    expect(endAt('2026-10-24T02:00:00Z')).toBe('2026-10-24T02:15:00.000Z'); // the night before, summer time
    expect(endAt('2026-10-25T02:00:00Z')).toBeUndefined(); // 03:00 CET
    expect(endAt('2026-10-25T02:59:59Z')).toBeUndefined();
    expect(endAt('2026-10-25T03:00:00Z')).toBe('2026-10-25T03:15:00.000Z');
    expect(endAt('2026-10-25T03:15:00Z')).toBeUndefined();
  });

  test('a window configured inside the spring-forward gap (02:30) starts at 03:30 CEST and lasts 15 real minutes', () => {
    const gap = { hour: 2, minute: 30, durationMinutes: 15 };
    expect(endAt('2026-03-29T01:29:59Z', gap)).toBeUndefined();
    expect(endAt('2026-03-29T01:30:00Z', gap)).toBe('2026-03-29T01:45:00.000Z');
    expect(formatParisDateTime(maintenanceAt(at('2026-03-29T01:30:00Z'), gap, [])!.start)).toBe('2026-03-29T03:30:00+02:00');
  });

  test('a window configured in the autumn overlap (02:30 happens twice) applies to the first 02:30 only', () => {
    const overlap = { hour: 2, minute: 30, durationMinutes: 15 };
    expect(endAt('2026-10-25T00:30:00Z', overlap)).toBe('2026-10-25T00:45:00.000Z'); // 02:30 CEST
    expect(endAt('2026-10-25T01:30:00Z', overlap)).toBeUndefined(); // 02:30 CET, the second one
  });

  test('a window crossing midnight (23:55 for 15 minutes) is found from the next day', () => {
    const late = { hour: 23, minute: 55, durationMinutes: 15 };
    expect(endAt('2026-11-27T23:05:00Z', late)).toBe('2026-11-27T23:10:00.000Z'); // 00:05 Paris on the 28th
    expect(endAt('2026-11-27T22:55:00Z', late)).toBe('2026-11-27T23:10:00.000Z');
    expect(endAt('2026-11-27T23:10:00Z', late)).toBeUndefined();
  });

  test('no nightly window when it is switched off', () => {
    expect(maintenanceAt(at('2026-11-28T03:05:00Z'), undefined, [])).toBeUndefined();
  });
});

describe('announced works windows', () => {
  const works: WorksWindow = { reference: 'MNT-000001', start: at('2026-12-02T22:00:00+01:00'), end: at('2026-12-03T02:00:00+01:00'), motif: 'montée de version' };

  test('fault 402 from start (included) to end (excluded), with the reference and the motif', () => {
    expect(maintenanceAt(at('2026-12-02T21:59:59.999+01:00'), nightly, [works])).toBeUndefined();
    const state = maintenanceAt(at('2026-12-02T22:00:00+01:00'), nightly, [works]);
    expect(state).toMatchObject({ nature: 'TRAVAUX', reference: 'MNT-000001', motif: 'montée de version' });
    expect(state!.end.toISOString()).toBe(works.end.toISOString());
    expect(maintenanceAt(works.end, nightly, [works])).toBeUndefined();
  });

  test('windows that touch or overlap give the end of the whole chain', () => {
    // Works from 04:15 to 05:00 right after the nightly window: at 04:05 the planned end is 05:00.
    const after: WorksWindow = { reference: 'MNT-2', start: at('2026-12-03T04:15:00+01:00'), end: at('2026-12-03T05:00:00+01:00'), motif: 'm' };
    expect(endAt('2026-12-03T04:05:00+01:00', nightly, [after])).toBe(at('2026-12-03T05:00:00+01:00').toISOString());
    // Works ending inside the nightly window: the chain goes on to 04:15.
    const before: WorksWindow = { reference: 'MNT-3', start: at('2026-12-04T03:00:00+01:00'), end: at('2026-12-04T04:10:00+01:00'), motif: 'm' };
    const state = maintenanceAt(at('2026-12-04T03:30:00+01:00'), nightly, [before])!;
    expect(state.nature).toBe('TRAVAUX');
    expect(state.end.toISOString()).toBe(at('2026-12-04T04:15:00+01:00').toISOString());
  });

  test('fault 402 carries the planned end and reessayerApres in seconds (rounded up)', () => {
    const now = at('2026-11-28T03:05:00.500Z');
    const fault = maintenanceFault(maintenanceAt(now, nightly, [])!, now, formatParisDateTime);
    expect(fault.code).toBe(402);
    expect(fault.reessayerApres).toBe(600);
    expect(fault.libelle).toContain('2026-11-28T04:15:00+01:00');
    expect(fault.side).toBe('Server');
  });

  test('nextMaintenance gives the next window after now', () => {
    expect(nextMaintenance(at('2026-11-27T15:00:00Z'), nightly, [])).toMatchObject({ nature: 'NOCTURNE', start: at('2026-11-28T03:00:00Z') });
  });
});

describe('two working days of notice for announced works', () => {
  const fmt = formatParisDateTime;

  test('Friday 10:00 → Tuesday 10:00 at the earliest (the weekend does not count)', () => {
    const now = at('2026-11-27T10:00:00+01:00');
    expect(earliestWorksStart(now, NO_HOLIDAYS).toISOString()).toBe(at('2026-12-01T10:00:00+01:00').toISOString());
    expect(worksRefusal(now, at('2026-12-01T09:59:00+01:00'), at('2026-12-01T12:00:00+01:00'), NO_HOLIDAYS, fmt)).toMatchObject({ reason: 'PREAVIS' });
    expect(worksRefusal(now, at('2026-12-01T10:00:00+01:00'), at('2026-12-01T12:00:00+01:00'), NO_HOLIDAYS, fmt)).toBeUndefined();
  });

  test('a public holiday does not count (11 November 2026 is a Wednesday)', () => {
    const now = at('2026-11-10T10:00:00+01:00');
    const calendar = fixedHolidayCalendar(['2026-11-11']);
    expect(earliestWorksStart(now, calendar).toISOString()).toBe(at('2026-11-13T10:00:00+01:00').toISOString());
    expect(earliestWorksStart(now, NO_HOLIDAYS).toISOString()).toBe(at('2026-11-12T10:00:00+01:00').toISOString());
  });

  test('announced on a Saturday: Monday and Tuesday are the two working days', () => {
    expect(earliestWorksStart(at('2026-11-28T11:00:00+01:00'), NO_HOLIDAYS).toISOString()).toBe(at('2026-12-01T18:00:00+01:00').toISOString());
  });

  test('end before start and windows longer than 7 days are refused', () => {
    const now = at('2026-11-02T10:00:00+01:00');
    expect(worksRefusal(now, at('2026-12-02T10:00:00+01:00'), at('2026-12-02T09:00:00+01:00'), NO_HOLIDAYS, fmt)).toMatchObject({ reason: 'ORDRE' });
    expect(worksRefusal(now, at('2026-12-02T10:00:00+01:00'), at('2026-12-09T10:00:01+01:00'), NO_HOLIDAYS, fmt)).toMatchObject({ reason: 'DUREE' });
  });

  test('a SettableClock drives the checks (no Date.now())', () => {
    const clock = new SettableClock('2026-11-28T03:14:59Z');
    expect(maintenanceAt(clock.now(), nightly, [])).toBeDefined();
    clock.advance(1000);
    expect(maintenanceAt(clock.now(), nightly, [])).toBeUndefined();
  });
});

describe('the check of every request (MaintenanceService.assertOpen, once per open period)', () => {
  function service(windows: () => WorksWindow[], n: NightlyMaintenance | undefined): MaintenanceService {
    const announced = (): AnnouncedWindow[] => windows().map((w) => ({ ...w, createdAt: at('2026-01-01T00:00:00Z'), cancelledAt: null }));
    const repository: MaintenanceWindowRepository = {
      announce: () => Promise.reject(new Error('not here')),
      active: () => Promise.resolve(announced()),
      list: () => Promise.resolve(announced()),
      cancel: () => Promise.resolve(undefined),
    };
    return new MaintenanceService({ clock: new SettableClock(at('2026-03-27T00:00:00Z')), calendar: NO_HOLIDAYS, repository, nightly: n, logger: createLogger('silent') });
  }
  const verdict = (check: () => void): string => {
    try {
      check();
      return 'open';
    } catch (error) {
      if (!(error instanceof EsavFault)) throw error;
      return `${error.code} ${error.libelle}`;
    }
  };

  test('answers what maintenanceAt answers, instant after instant (DST change, chained and isolated works, clock set back)', async () => {
    const works: WorksWindow[] = [
      { reference: 'TRV-1', start: at('2026-03-28T03:10:00Z'), end: at('2026-03-28T05:00:00Z'), motif: 'chained to the nightly one' },
      { reference: 'TRV-2', start: at('2026-03-30T12:00:00Z'), end: at('2026-03-30T12:00:01Z'), motif: 'one second' },
    ];
    for (const n of [nightly, { hour: 23, minute: 50, durationMinutes: 30 }, { hour: 2, minute: 30, durationMinutes: 90 }, undefined]) {
      const maintenance = service(() => works, n);
      await maintenance.refresh();
      let seed = 11;
      const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
      let t = at('2026-03-27T00:00:00Z').getTime();
      const end = at('2026-04-02T00:00:00Z').getTime();
      // The edges of every window of the period (starts and ends), to land next to them now and then.
      const edges = [...works.flatMap((w) => [w.start.getTime(), w.end.getTime()])];
      for (let day = t; n && day < end; day += 86_400_000) {
        for (const w of nightlyWindowsAround(new Date(day), n)) edges.push(w.start.getTime(), w.end.getTime());
      }
      edges.sort((a, b) => a - b);
      let checked = 0;
      while (t < end && checked < 20_000) {
        const now = new Date(t);
        const expected = maintenanceAt(now, n, works);
        const found = verdict(() => maintenance.assertOpen(now));
        expect({ at: now.toISOString(), found }).toEqual({
          at: now.toISOString(),
          found: expected ? verdict(() => { throw maintenanceFault(expected, now, formatParisDateTime); }) : 'open',
        });
        checked++;
        // Mostly forward by up to 10 minutes, to the exact edges of the windows now and then, sometimes back.
        const r = random();
        t += r < 0.03 ? -Math.floor(random() * 7_200_000) : r < 0.1 ? 1 : Math.floor(random() * 600_000);
        const edge = edges.find((e) => e > t);
        if (r > 0.97 && edge !== undefined) t = edge - Math.floor(random() * 3);
      }
      expect(checked).toBeGreaterThan(300);
    }
  });

  test('a reload that brings a window starting now closes the service at once', async () => {
    let windows: WorksWindow[] = [];
    const maintenance = service(() => windows, nightly);
    await maintenance.refresh();
    const now = at('2026-03-27T10:00:00Z');
    expect(verdict(() => maintenance.assertOpen(now))).toBe('open');
    windows = [{ reference: 'TRV-3', start: at('2026-03-27T10:00:30Z'), end: at('2026-03-27T11:00:00Z'), motif: 'urgent' }];
    await maintenance.refresh();
    expect(verdict(() => maintenance.assertOpen(at('2026-03-27T10:00:30Z')))).toMatch(/^402 /);
  });

  test('openUntil is the next start of a window (Infinity without any)', () => {
    expect(new Date(openUntil(at('2026-03-27T10:00:00Z'), nightly, [])).toISOString()).toBe('2026-03-28T03:00:00.000Z');
    expect(openUntil(at('2026-03-27T10:00:00Z'), undefined, [])).toBe(Number.POSITIVE_INFINITY);
  });
});
