// Version registry rules (spec §3): at most two live versions, an old version live at least 1 and
// at most 6 months after its successor, retirement at the exact instant; the configuration file.
import { ConfigError } from '../../src/composition/config/config.js';
import { isLive, liveVersionsAt, versionPlanErrors, type VersionPlanEntry } from '../../src/domain/versions.js';
import { addParisMonths } from '../../src/domain/paris-calendar.js';
import { VersionRegistry } from '../../src/composition/config/versions.js';

const at = (iso: string) => new Date(iso);
const entry = (version: string, production: string, fin?: string): VersionPlanEntry => ({
  service: 'SignalisationService',
  version,
  production: at(production),
  ...(fin ? { fin: at(fin) } : {}),
});

describe('version plan rules', () => {
  test('v1 retired between 1 and 6 months after v2 went live is valid', () => {
    expect(versionPlanErrors([entry('1', '2018-01-01T00:00:00+01:00', '2027-05-01T00:00:00+02:00'), entry('2', '2026-11-01T00:00:00+01:00')])).toEqual([]);
    expect(versionPlanErrors([entry('1', '2018-01-01T00:00:00+01:00', '2026-12-01T00:00:00+01:00'), entry('2', '2026-11-01T00:00:00+01:00')])).toEqual([]);
  });

  test('an old version kept beyond 6 months is refused, with the window to choose from', () => {
    const errors = versionPlanErrors([entry('1', '2018-01-01T00:00:00+01:00', '2027-05-01T00:00:01+02:00'), entry('2', '2026-11-01T00:00:00+01:00')]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('more than 6 months');
    expect(errors[0]).toContain('between 2026-12-01T00:00:00+01:00 and 2027-05-01T00:00:00+02:00');
  });

  test('an old version with no end once a successor exists is refused', () => {
    expect(versionPlanErrors([entry('1', '2018-01-01T00:00:00+01:00'), entry('2', '2026-11-01T00:00:00+01:00')])[0]).toContain('has no end date');
  });

  test('an old version retired less than 1 month after its successor is refused', () => {
    const errors = versionPlanErrors([entry('1', '2018-01-01T00:00:00+01:00', '2026-11-30T23:59:59+01:00'), entry('2', '2026-11-01T00:00:00+01:00')]);
    expect(errors[0]).toContain('less than 1 month');
  });

  test('three live versions at once are refused', () => {
    const errors = versionPlanErrors([
      entry('1', '2018-01-01T00:00:00+01:00', '2027-04-01T00:00:00+02:00'),
      entry('2', '2026-11-01T00:00:00+01:00', '2027-05-01T00:00:00+02:00'),
      entry('3', '2027-01-01T00:00:00+01:00'),
    ]);
    expect(errors.some((e) => e.includes('at most 2 live versions') && e.includes('v1, v2, v3'))).toBe(true);
  });

  test('other mistakes: end before production, duplicate, successor numbered lower', () => {
    expect(versionPlanErrors([entry('1', '2026-01-01T00:00:00Z', '2025-01-01T00:00:00Z')])[0]).toContain('must come after its production');
    expect(versionPlanErrors([entry('1', '2026-01-01T00:00:00Z'), entry('1', '2026-02-01T00:00:00Z')]).join()).toContain('configured twice');
    expect(versionPlanErrors([entry('2', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), entry('1', '2026-02-01T00:00:00Z')])[0]).toContain('higher version number');
  });

  test('live in [production, fin): retired at the exact instant', () => {
    const v1 = entry('1', '2018-01-01T00:00:00+01:00', '2027-05-01T00:00:00+02:00');
    expect(isLive(v1, at('2027-04-30T21:59:59.999Z'))).toBe(true);
    expect(isLive(v1, at('2027-04-30T22:00:00.000Z'))).toBe(false);
    const plan = [v1, entry('2', '2026-11-01T00:00:00+01:00')];
    expect(liveVersionsAt(plan, 'SignalisationService', at('2026-10-31T22:59:59.999Z')).map((e) => e.version)).toEqual(['1']);
    expect(liveVersionsAt(plan, 'SignalisationService', at('2026-10-31T23:00:00Z')).map((e) => e.version)).toEqual(['1', '2']);
    expect(liveVersionsAt(plan, 'SignalisationService', at('2027-04-30T22:00:00Z')).map((e) => e.version)).toEqual(['2']);
  });

  test('months are Paris calendar months, clamped to the month end, across DST', () => {
    expect(addParisMonths(at('2026-11-01T00:00:00+01:00'), 6).toISOString()).toBe(at('2027-05-01T00:00:00+02:00').toISOString());
    expect(addParisMonths(at('2026-08-31T12:00:00+02:00'), 6).toISOString()).toBe(at('2027-02-28T12:00:00+01:00').toISOString());
    expect(addParisMonths(at('2026-12-15T10:00:00+01:00'), 1).toISOString()).toBe(at('2027-01-15T10:00:00+01:00').toISOString());
  });
});

describe('registry file', () => {
  test('dates as Paris midnight or instants; a bad plan is a ConfigError listing every rule broken', () => {
    const ok = VersionRegistry.fromText('services:\n  SignalisationService:\n    - version: 1\n      production: "2018-01-01"\n      fin: "2027-05-01T00:00:00+02:00"\n    - version: 2\n      production: "2026-11-01"\n');
    expect(ok.entries.map((e) => [e.version, e.production.toISOString()])).toEqual([
      ['1', '2017-12-31T23:00:00.000Z'],
      ['2', '2026-10-31T23:00:00.000Z'],
    ]);
    const bad = () => VersionRegistry.fromText('services:\n  SignalisationService:\n    - version: 1\n      production: "2018-01-01"\n    - version: 2\n      production: "2026-11-01"\n', 'bad.yaml');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/version registry bad.yaml refused:\n {2}- SignalisationService v1 has no end date/);
    expect(() => VersionRegistry.fromText('services:\n  S:\n    - version: 1\n      production: "hier"\n')).toThrow(/S\[0\]\.production: "hier" is not a date/);
    expect(() => VersionRegistry.fromText('services:\n  S:\n    - version: 1\n      production: "2026-01-01"\n      fn: "2027-01-01"\n')).toThrow(/unknown key\(s\) fn/);
  });

  test('a character XML 1.0 refuses (names reach the faults) is a ConfigError naming the line', () => {
    const text = 'services:\n  SignalisationService:\n    - version: 1\n      production: "2018-01-01\u0007"\n';
    expect(() => VersionRegistry.fromText(text, 'v.yaml')).toThrow(ConfigError);
    expect(() => VersionRegistry.fromText(text, 'v.yaml')).toThrow(/version registry v\.yaml:4: caractère interdit U\+0007 \(caractère de contrôle\) en colonne 30/);
    // Made by a YAML escape: no service, version or date can match it.
    expect(() => VersionRegistry.fromText('services:\n  S:\n    - version: "1\\a"\n      production: "2026-01-01"\n')).toThrow(ConfigError);
  });
});

