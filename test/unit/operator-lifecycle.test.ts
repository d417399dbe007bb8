// Pure rules of the operator's life cycle (issue 14): the state at an instant, and the two
// months' notice of termination (calendar months, clamped to the month's end; 00:00 Paris).
import { ACTIVE_LIFECYCLE, checkTermination, earliestTermination, operatorState, TERMINATION_NOTICE_RULE } from '../../src/domain/operator-lifecycle.js';

const at = (iso: string) => new Date(iso);

describe('operator state', () => {
  test('ACTIF, SUSPENDU while suspended, RESILIE from the termination instant on (whatever the suspension)', () => {
    const terminationAt = at('2027-01-31T23:00:00Z');
    expect(operatorState(ACTIVE_LIFECYCLE, at('2026-12-07T09:00:00Z'))).toBe('ACTIF');
    expect(operatorState({ ...ACTIVE_LIFECYCLE, suspendedAt: at('2026-12-01T09:00:00Z') }, at('2026-12-07T09:00:00Z'))).toBe('SUSPENDU');
    const terminated = { ...ACTIVE_LIFECYCLE, terminationDate: '2027-02-01', terminationAt };
    expect(operatorState(terminated, at('2027-01-31T22:59:59Z'))).toBe('ACTIF');
    expect(operatorState(terminated, terminationAt)).toBe('RESILIE');
    expect(operatorState({ ...terminated, suspendedAt: at('2026-12-01T09:00:00Z') }, terminationAt)).toBe('RESILIE');
  });
});

describe('two months’ notice', () => {
  test.each([
    ['2026-12-07', '2027-02-07'],
    ['2026-12-31', '2027-02-28'],
    ['2027-12-31', '2028-02-29'],
    ['2027-01-31', '2027-03-31'],
  ])('notified on %s: at the earliest %s', (notified, earliest) => {
    expect(earliestTermination(notified)).toBe(earliest);
  });

  test('refused one day early with the rule named; accepted on the day, effective at 00:00 Paris', () => {
    const now = at('2026-12-07T09:00:00Z');
    const early = checkTermination('2027-02-06', undefined, now);
    expect(early).toMatchObject({ ok: false, field: 'date', rule: TERMINATION_NOTICE_RULE });
    expect(early.ok ? '' : early.message).toContain('ne peut prendre effet avant le 2027-02-07');
    expect(checkTermination('2027-02-07', undefined, now)).toEqual({ ok: true, date: '2027-02-07', at: at('2027-02-06T23:00:00Z'), notifiedOn: '2026-12-07' });
    // Summer time: 00:00 Paris is 22:00 UTC.
    expect(checkTermination('2027-07-01', '2026-12-01', now)).toMatchObject({ ok: true, at: at('2027-06-30T22:00:00Z') });
  });

  test('bad days and a notification in the future are invalid, naming the field', () => {
    const now = at('2026-12-07T09:00:00Z');
    expect(checkTermination('2027-02-30', undefined, now)).toMatchObject({ ok: false, field: 'date' });
    expect(checkTermination('2027-06-01', '2026-12-08', now)).toMatchObject({ ok: false, field: 'notifieeLe' });
    expect(checkTermination('2027-06-01', '2026-13-01', now)).toMatchObject({ ok: false, field: 'notifieeLe' });
  });
});
