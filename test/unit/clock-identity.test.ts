import { SettableClock, systemClock } from '../../src/domain/clock.js';
import {
  formatParisDateTime,
  formatParisDateTimeOnce,
  instantFromParisWallTime,
  parisWallTime,
  parisWallTimeIntl,
  parseXsDateTime,
} from '../../src/domain/paris-calendar.js';
import { EsavFault } from '../../src/domain/faults.js';
import { ALL_OPERATIONS, assertCertificateUsable, assertHeaderDesignatesCaller, authorizeOperation } from '../../src/domain/identity.js';
import { canTransition, ETAT_INITIAL, ETATS, isEtat, isTerminal, type Acteur, type Etat } from '../../src/domain/signalisation.js';
import { testIdentity, thrown } from './_support/soap-messages.js';

describe('formatParisDateTime', () => {
  test.each([
    ['2026-01-15T10:20:30Z', '2026-01-15T11:20:30+01:00'], // winter
    ['2026-07-14T10:20:30Z', '2026-07-14T12:20:30+02:00'], // summer
    ['2026-01-14T23:00:00Z', '2026-01-15T00:00:00+01:00'], // midnight is 00, not 24
    ['2026-12-31T23:30:00Z', '2027-01-01T00:30:00+01:00'], // new year in Paris first
    ['2026-03-10T09:15:30.999Z', '2026-03-10T10:15:30+01:00'], // milliseconds dropped, not rounded
    // spring forward: 02:00 CET becomes 03:00 CEST at 01:00 UTC
    ['2026-03-29T00:59:59Z', '2026-03-29T01:59:59+01:00'],
    ['2026-03-29T01:00:00Z', '2026-03-29T03:00:00+02:00'],
    ['2026-03-29T01:00:00.500Z', '2026-03-29T03:00:00+02:00'],
    // fall back: 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:30 happens twice
    ['2026-10-25T00:30:00Z', '2026-10-25T02:30:00+02:00'],
    ['2026-10-25T00:59:59Z', '2026-10-25T02:59:59+02:00'],
    ['2026-10-25T01:00:00Z', '2026-10-25T02:00:00+01:00'],
    ['2026-10-25T01:30:00Z', '2026-10-25T02:30:00+01:00'],
  ])('%s → %s', (instant, expected) => {
    expect(formatParisDateTime(new Date(instant))).toBe(expected);
  });

  test('the formatted text denotes the same instant', () => {
    for (const iso of ['2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-06-01T12:00:00Z']) {
      expect(new Date(formatParisDateTime(new Date(iso))).getTime()).toBe(new Date(iso).getTime());
    }
  });

  test('the seconds kept (last ones written) give what a fresh formatting gives', () => {
    let seed = 5;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const base = Date.UTC(2026, 2, 29, 0, 59, 50);
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Mostly instants a few seconds or milliseconds apart (same slot, same second, next one),
      // sometimes far away (years before or after, before 1970) or the same second again.
      const r = random();
      const t = r < 0.1 ? base + Math.floor((random() - 0.5) * 4e12) : base + Math.floor(random() * 40_000) - (r < 0.2 ? 16_000 : 0);
      const d = new Date(t);
      if (formatParisDateTime(d) !== formatParisDateTimeOnce(d)) mismatches.push(d.toISOString());
    }
    expect(mismatches).toEqual([]);
    expect(() => formatParisDateTime(new Date(Number.NaN))).toThrow();
  });

  test('parisWallTime gives the UTC offset in minutes', () => {
    expect(parisWallTime(new Date('2026-01-15T10:00:00Z')).offsetMinutes).toBe(60);
    expect(parisWallTime(new Date('2026-07-15T10:00:00Z')).offsetMinutes).toBe(120);
    expect(parisWallTime(new Date('2026-03-29T01:00:00Z'))).toMatchObject({ hour: 3, offsetMinutes: 120 });
    expect(parisWallTime(new Date('2026-10-25T01:00:00Z'))).toMatchObject({ hour: 2, offsetMinutes: 60 });
  });
});

describe('parisWallTime: the offset cached per UTC hour gives what Intl gives', () => {
  const HOUR = 3_600_000;
  const mismatches = (instants: Iterable<number>): string[] => {
    const out: string[] = [];
    for (const t of instants) {
      const d = new Date(t);
      const cached = parisWallTime(d);
      const intl = parisWallTimeIntl(d);
      if (JSON.stringify(cached) !== JSON.stringify(intl)) out.push(`${d.toISOString()}: ${JSON.stringify(cached)} ≠ ${JSON.stringify(intl)}`);
    }
    return out;
  };

  test('every minute from 3 h before to 3 h after each DST change 2020–2040, at :00.000 and :59.999', () => {
    const instants: number[] = [];
    for (let year = 2020; year <= 2040; year++) {
      for (const month of [2, 9]) {
        // The last Sunday of March / October, 01:00 UTC.
        const last = new Date(Date.UTC(year, month + 1, 0));
        const change = Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
        for (let minute = -180; minute <= 180; minute++) instants.push(change + minute * 60_000, change + minute * 60_000 + 59_999);
      }
    }
    // Twice: the first pass fills the cache, the second reads from it.
    expect(mismatches(instants)).toEqual([]);
    expect(mismatches(instants)).toEqual([]);
  });

  test('random instants from 1850 to 2100 (local mean time, war years, rule changes), and every hour of 1940–1946', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    const instants = Array.from({ length: 5_000 }, () => from + Math.floor(random() * (to - from)));
    expect(mismatches(instants)).toEqual([]);
    expect(mismatches(instants)).toEqual([]);
    const war: number[] = [];
    for (let t = Date.UTC(1940, 0, 1); t < Date.UTC(1947, 0, 1); t += HOUR) war.push(t + 1_799_999);
    expect(mismatches(war)).toEqual([]);
  });

  test('an invalid date still throws', () => {
    expect(() => parisWallTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('clocks', () => {
  test('SettableClock starts at the given instant, can be set and advanced', () => {
    const clock = new SettableClock('2026-03-10T09:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-10T09:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-03-10T09:01:30.000Z');
    clock.set(new Date('2026-10-25T01:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-10-25T01:00:00.000Z');
    clock.set('2027-01-01T00:00:00+01:00');
    expect(clock.now().toISOString()).toBe('2026-12-31T23:00:00.000Z');
    clock.advance(-1000);
    expect(clock.now().toISOString()).toBe('2026-12-31T22:59:59.000Z');
  });

  test('SettableClock does not move by itself and hands out copies', () => {
    const start = new Date('2026-03-10T09:00:00Z');
    const clock = new SettableClock(start);
    start.setTime(0);
    const a = clock.now();
    a.setTime(0);
    expect(clock.now().toISOString()).toBe('2026-03-10T09:00:00.000Z');
  });

  test('systemClock follows the real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('identity rules', () => {
  const NOW = new Date('2026-03-10T09:00:00Z');

  const identity = testIdentity;

  function faultCode(fn: () => void): number {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(EsavFault);
    return (error as EsavFault).code;
  }

  test('authorizeOperation accepts an allowed operation on the platform', () => {
    expect(() => authorizeOperation(identity(), 'consulterEtatSignalisation', 'integration', 'signalisation')).not.toThrow();
    const prod = identity({ operatorPlatform: 'production', productionDomains: new Set(['signalisation']) });
    expect(() => authorizeOperation(prod, 'consulterEtatSignalisation', 'production', 'signalisation')).not.toThrow();
    expect(() => authorizeOperation(prod, 'consulterEtatSignalisation', 'integration', 'signalisation')).not.toThrow();
  });

  test('assertHeaderDesignatesCaller: another operator → 201 naming the header field', () => {
    const error = thrown(() => assertHeaderDesignatesCaller(false, 'enteteRequete/codeOperateur'));
    expect((error as EsavFault).code).toBe(201);
    expect((error as EsavFault).champ).toBe('enteteRequete/codeOperateur');
    expect(() => assertHeaderDesignatesCaller(true, 'enteteRequete/codeOperateur')).not.toThrow();
  });

  test('authorizeOperation: operation outside the profile → 202', () => {
    expect(faultCode(() => authorizeOperation(identity(), 'deposerSignalisation', 'integration', 'signalisation'))).toBe(202);
    expect(faultCode(() => authorizeOperation(identity({ allowedOperations: new Set() }), 'consulterEtatSignalisation', 'integration', 'signalisation'))).toBe(202);
  });

  test("authorizeOperation: the '*' profile grants every operation", () => {
    const all = identity({ allowedOperations: new Set([ALL_OPERATIONS]) });
    expect(ALL_OPERATIONS).toBe('*');
    expect(() => authorizeOperation(all, 'deposerSignalisation', 'integration', 'signalisation')).not.toThrow();
  });

  test('authorizeOperation: production platform with an operator in integration → 203', () => {
    expect(faultCode(() => authorizeOperation(identity(), 'consulterEtatSignalisation', 'production', 'signalisation'))).toBe(203);
  });

  test('authorizeOperation: production platform, operator promoted for another domain only → 203 naming the domain', () => {
    const signalisationOnly = identity({ operatorPlatform: 'production', productionDomains: new Set(['signalisation']), allowedOperations: new Set(['*']) });
    const error = thrown(() => authorizeOperation(signalisationOnly, 'demanderTest', 'production', 'test'));
    expect((error as EsavFault).code).toBe(203);
    expect((error as EsavFault).libelle).toBe(
      "Opérateur non promu en production pour le domaine test (opération demanderTest) : domaine(s) promu(s) : signalisation ; validez ce domaine sur la plateforme d'intégration",
    );
    expect(() => authorizeOperation(signalisationOnly, 'deposerSignalisation', 'production', 'signalisation')).not.toThrow();
    // The integration platform serves every domain, promoted or not.
    expect(() => authorizeOperation(signalisationOnly, 'demanderTest', 'integration', 'test')).not.toThrow();
    // Promoted (platform production) with no domain recorded: nothing is served in production.
    const noDomain = identity({ operatorPlatform: 'production', allowedOperations: new Set(['*']) });
    expect(faultCode(() => authorizeOperation(noDomain, 'consulterEtatSignalisation', 'production', 'signalisation'))).toBe(203);
  });

  test('authorizeOperation checks 202 before 203', () => {
    expect(faultCode(() => authorizeOperation(identity(), 'deposerSignalisation', 'production', 'signalisation'))).toBe(202);
  });

  test('assertCertificateUsable accepts a valid certificate', () => {
    expect(() => assertCertificateUsable(identity(), NOW)).not.toThrow();
    const expiresSoon = identity({ certificateNotAfter: new Date(NOW.getTime() + 1) });
    expect(() => assertCertificateUsable(expiresSoon, NOW)).not.toThrow();
  });

  test('assertCertificateUsable: revoked → 200 (a revocation takes effect at once, whatever the business clock)', () => {
    expect(faultCode(() => assertCertificateUsable(identity({ certificateRevokedAt: NOW }), NOW))).toBe(200);
    expect(faultCode(() => assertCertificateUsable(identity({ certificateRevokedAt: new Date('2025-01-01') }), NOW))).toBe(200);
    expect(faultCode(() => assertCertificateUsable(identity({ certificateRevokedAt: new Date(NOW.getTime() + 60_000) }), NOW))).toBe(200);
  });

  test('assertCertificateUsable: expired (at notAfter or after) → 200', () => {
    expect(faultCode(() => assertCertificateUsable(identity({ certificateNotAfter: NOW }), NOW))).toBe(200);
    expect(faultCode(() => assertCertificateUsable(identity({ certificateNotAfter: new Date('2026-01-01') }), NOW))).toBe(200);
  });

  test('faults 200-203 are Client faults', () => {
    for (const code of [200, 201, 202, 203] as const) expect(new EsavFault(code).side).toBe('Client');
  });
});

describe('signalisation life cycle (spec §2.3)', () => {
  const SPEC: Array<[Etat, Etat, Acteur[]]> = [
    ['EN_DEPOT', 'EN_QUALIFICATION', ['SAV', 'SYSTEME']],
    ['EN_DEPOT', 'EN_REJET', ['SAV', 'SYSTEME']],
    ['EN_QUALIFICATION', 'EN_COURS', ['SAV']],
    ['EN_QUALIFICATION', 'EN_REJET', ['SAV']],
    ['EN_COURS', 'GELE', ['SAV']],
    ['EN_COURS', 'CLOS', ['SAV']],
    ['GELE', 'EN_COURS', ['OPERATEUR', 'SAV']],
    ['GELE', 'CLOS', ['SAV']],
    ['CLOS', 'VALIDE', ['SAV']],
    ['CLOS', 'CLOS_TABLEAU_DE_BORD', ['SYSTEME']],
    ['VALIDE', 'CLOS_TABLEAU_DE_BORD', ['SYSTEME']],
  ];

  test.each([
    ['EN_DEPOT', 'EN_QUALIFICATION', 'SAV', true],
    ['GELE', 'EN_COURS', 'OPERATEUR', true],
    ['CLOS', 'VALIDE', 'SAV', true],
    ['VALIDE', 'CLOS_TABLEAU_DE_BORD', 'SYSTEME', true],
    ['EN_COURS', 'GELE', 'OPERATEUR', false],
    ['EN_DEPOT', 'EN_COURS', 'SAV', false],
    ['CLOS', 'EN_COURS', 'SAV', false],
    ['EN_REJET', 'EN_DEPOT', 'SAV', false],
    ['CLOS_TABLEAU_DE_BORD', 'CLOS', 'SYSTEME', false],
    ['GELE', 'CLOS', 'OPERATEUR', false],
    ['EN_COURS', 'EN_COURS', 'SAV', false],
  ] as const)('%s → %s by %s: %s', (from, to, by, allowed) => {
    expect(canTransition(from, to, by)).toBe(allowed);
  });

  test('exactly the transitions of the spec table are allowed, for exactly their actors', () => {
    const actors: Acteur[] = ['OPERATEUR', 'SAV', 'SYSTEME'];
    for (const from of ETATS) {
      for (const to of ETATS) {
        for (const by of actors) {
          const expected = SPEC.some(([f, t, who]) => f === from && t === to && who.includes(by));
          expect([from, to, by, canTransition(from, to, by)]).toEqual([from, to, by, expected]);
        }
      }
    }
  });

  test('terminal states, initial state and state names', () => {
    expect(ETAT_INITIAL).toBe('EN_DEPOT');
    expect(ETATS.filter(isTerminal)).toEqual(['CLOS_TABLEAU_DE_BORD', 'EN_REJET']);
    expect(isEtat('GELE')).toBe(true);
    expect(isEtat('gele')).toBe(false);
    expect(isEtat('ANNULE')).toBe(false);
  });
});

describe('Europe/Paris wall time to instant', () => {
  test.each([
    ['2026-01-15T10:00:00', '2026-01-15T09:00:00.000Z'], // winter, +01:00
    ['2026-07-15T10:00:00', '2026-07-15T08:00:00.000Z'], // summer, +02:00
    ['2026-03-29T01:59:59', '2026-03-29T00:59:59.000Z'], // just before spring forward
    ['2026-03-29T03:00:00', '2026-03-29T01:00:00.000Z'], // just after
    ['2026-03-29T02:30:00', '2026-03-29T01:30:00.000Z'], // in the gap: read with the winter offset
    ['2026-10-25T02:30:00', '2026-10-25T00:30:00.000Z'], // in the overlap: first (summer) occurrence
    ['2026-10-25T03:00:00', '2026-10-25T02:00:00.000Z'], // after fall back
    ['2026-11-27T15:21:00.250', '2026-11-27T14:21:00.250Z'],
  ])('parseXsDateTime(%s) without a zone is Paris time = %s', (lexical, iso) => {
    expect(parseXsDateTime(lexical).toISOString()).toBe(iso);
  });

  test('with a zone, the zone wins', () => {
    expect(parseXsDateTime('2026-07-15T10:00:00Z').toISOString()).toBe('2026-07-15T10:00:00.000Z');
    expect(parseXsDateTime('2026-07-15T10:00:00-05:00').toISOString()).toBe('2026-07-15T15:00:00.000Z');
  });

  test('round trip with formatParisDateTime', () => {
    for (const iso of ['2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']) {
      expect(parseXsDateTime(formatParisDateTime(new Date(iso))).toISOString()).toBe(new Date(iso).toISOString());
    }
  });

  test('instantFromParisWallTime at midnight of a DST day', () => {
    expect(instantFromParisWallTime(2026, 3, 29).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(instantFromParisWallTime(2026, 10, 25).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});
