// Rate limits (spec §3): the limit in force, the minute counted, reessayerApres, the notice warning.
import { limitInForce, minuteOf, noticeWarning, rateLimitFault, secondsToNextMinute, type RateLimit } from '../../src/domain/rate-limit.js';

const at = (iso: string) => new Date(iso);
const limit = (requestsPerMinute: number | null, effectiveFrom: string): RateLimit => ({
  operatorCode: 'OPA1',
  requestsPerMinute,
  effectiveFrom: at(effectiveFrom),
  motif: null,
  createdAt: at('2026-11-01T00:00:00Z'),
});

describe('rate limits', () => {
  const plan = [limit(100, '2026-11-28T08:00:00+01:00'), limit(null, '2026-11-28T20:00:00+01:00'), limit(50, '2026-11-27T08:00:00+01:00')];

  test('the limit with the latest effective time not after now is in force; null lifts it', () => {
    expect(limitInForce(plan, at('2026-11-27T07:59:59+01:00'))).toBeNull();
    expect(limitInForce(plan, at('2026-11-27T08:00:00+01:00'))?.requestsPerMinute).toBe(50);
    expect(limitInForce(plan, at('2026-11-28T08:00:00+01:00'))?.requestsPerMinute).toBe(100);
    expect(limitInForce(plan, at('2026-11-28T20:00:00+01:00'))).toBeNull();
  });

  test('counted per minute; reessayerApres is the time to the next minute, rounded up', () => {
    expect(minuteOf(at('2026-11-27T10:02:59.999Z')).toISOString()).toBe('2026-11-27T10:02:00.000Z');
    expect(secondsToNextMinute(at('2026-11-27T10:02:10Z'))).toBe(50);
    expect(secondsToNextMinute(at('2026-11-27T10:02:59.200Z'))).toBe(1);
    expect(secondsToNextMinute(at('2026-11-27T10:02:00Z'))).toBe(60);
    const fault = rateLimitFault(10, at('2026-11-27T10:02:10Z'));
    expect([fault.code, fault.reessayerApres, fault.side]).toEqual([401, 50, 'Server']);
  });

  test('a limit set less than a day ahead gets a warning', () => {
    const now = at('2026-11-27T10:00:00Z');
    expect(noticeWarning(now, at('2026-11-27T12:30:00Z'))).toContain('2 h 30 min');
    expect(noticeWarning(now, now)).toContain('0 h 00 min');
    expect(noticeWarning(now, at('2026-11-28T10:00:00Z'))).toBeUndefined();
  });
});
