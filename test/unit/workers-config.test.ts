// ESAV_WORKERS (decision 0024): how many processes `npm start` runs, checked at start. PostgreSQL:
// the given count, by default the available parallelism; PGlite: one process (an explicit count
// above 1 refused, the default reduced to 1 with a note for the banner).
import os from 'node:os';
import { ConfigError, loadConfig, workersConfig } from '../../src/composition/config/config.js';

const PG = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/esav' };

describe('ESAV_WORKERS', () => {
  test('with PostgreSQL: by default one worker per available core (capped at 256), or the given count', () => {
    expect(workersConfig(PG, 8)).toEqual({ count: 8, note: undefined });
    expect(workersConfig(PG, 1000)).toEqual({ count: 256, note: undefined });
    expect(workersConfig({ ...PG, ESAV_WORKERS: '3' }, 8)).toEqual({ count: 3, note: undefined });
    expect(workersConfig({ ...PG, ESAV_WORKERS: '1' }, 8)).toEqual({ count: 1, note: undefined });
    expect(loadConfig(PG).workers.count).toBe(Math.min(256, os.availableParallelism()));
  });

  test('an integer in [1, 256], the message naming the variable', () => {
    for (const bad of ['0', '257', '2.5', 'all', '-1']) {
      expect(() => workersConfig({ ...PG, ESAV_WORKERS: bad }, 4)).toThrow(ConfigError);
      expect(() => workersConfig({ ...PG, ESAV_WORKERS: bad }, 4)).toThrow(`ESAV_WORKERS=${bad} must be an integer in [1, 256]`);
    }
  });

  test('with the embedded PGlite database: one process; an explicit count above 1 is refused', () => {
    expect(workersConfig({}, 8)).toEqual({ count: 1, note: expect.stringContaining('PGlite') });
    expect(workersConfig({}, 1)).toEqual({ count: 1, note: undefined });
    expect(workersConfig({ ESAV_WORKERS: '1' }, 8)).toEqual({ count: 1, note: undefined });
    expect(() => workersConfig({ ESAV_WORKERS: '4' }, 8)).toThrow('ESAV_WORKERS=4 needs PostgreSQL (DATABASE_URL)');
    expect(() => loadConfig({ ESAV_WORKERS: '2' })).toThrow(ConfigError);
  });
});

describe('ESAV_MAIL_WORKERS (the notices e-mails sent by this process or not)', () => {
  const SMTP = { ...PG, ESAV_SMTP_URL: 'smtp://127.0.0.1:2525' };
  test('1 by default, 0 leaves them to another process; only with an SMTP server', () => {
    expect(loadConfig(SMTP).smtp?.workers).toBe(1);
    expect(loadConfig({ ...SMTP, ESAV_MAIL_WORKERS: '0' }).smtp?.workers).toBe(0);
    expect(loadConfig(PG).smtp).toBeUndefined();
  });
  test('anything but 0 or 1 is refused, naming the variable', () => {
    for (const bad of ['2', '-1', 'yes']) expect(() => loadConfig({ ...SMTP, ESAV_MAIL_WORKERS: bad })).toThrow(/ESAV_MAIL_WORKERS/);
  });
});
