// The pure rules of the push notifications (src/domain/push.ts, decision 0023): the exponential
// backoff inside the retry window, and what a callback URL may be.
import { afterFailure, callbackUrlProblem, DEFAULT_RETRY_POLICY } from '../../src/domain/push.js';

const T0 = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('afterFailure', () => {
  test('the delay doubles from the base, capped at the maximum', () => {
    const policy = { baseDelayMs: 10_000, maxDelayMs: 60_000, windowMs: 24 * 3600_000 };
    const delays = [1, 2, 3, 4, 5, 6].map((attempts) => {
      const outcome = afterFailure(policy, attempts, T0, T0);
      if (outcome.failed) throw new Error('unexpected failure');
      return outcome.nextAttemptAt.getTime() - T0.getTime();
    });
    expect(delays).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  test('FAILED once the next try would fall beyond the window opened by the first failure', () => {
    const policy = DEFAULT_RETRY_POLICY;
    // One hour between tries at most: at 23 h after the first failure there is still a try at 24 h.
    expect(afterFailure(policy, 20, T0, at(23 * 3600_000))).toEqual({ failed: false, nextAttemptAt: at(24 * 3600_000) });
    expect(afterFailure(policy, 21, T0, at(23 * 3600_000 + 1))).toEqual({ failed: true });
    expect(afterFailure(policy, 2, T0, at(25 * 3600_000))).toEqual({ failed: true });
  });

  test('huge attempt counts do not overflow', () => {
    expect(afterFailure(DEFAULT_RETRY_POLICY, 10_000, T0, T0)).toEqual({ failed: false, nextAttemptAt: at(3600_000) });
  });
});

describe('callbackUrlProblem', () => {
  test.each([
    ['https://oc.example/esav/notifications', undefined],
    ['https://127.0.0.1:8443/x?y=1', undefined],
    ['http://oc.example/x', "l'URL doit être en https://"],
    ['oc.example/x', "l'URL n'est pas une URL absolue"],
    ['https://user:pw@oc.example/x', "l'URL ne doit pas contenir d'identifiants"],
    ['https://oc.example/x#frag', "l'URL ne doit pas contenir de fragment (#)"],
    [`https://oc.example/${'a'.repeat(2000)}`, "l'URL dépasse 2000 caractères"],
  ])('%s', (url, problem) => {
    expect(callbackUrlProblem(url)).toBe(problem);
  });
});
