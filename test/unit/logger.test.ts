import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { createLogger, LazyChildLogger, lazyChildLoggerFactory } from '../../src/adapters/logging/logger.js';

/** A logger writing its lines into `lines` (synchronously). */
function memoryLogger(level = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('LazyChildLogger (request.log on the operators’ port)', () => {
  test('writes what pino’s child would: the bindings, the base fields, the redaction', async () => {
    const { logger, lines } = memoryLogger();
    const lazy = lazyChildLoggerFactory(logger, { idRequete: 'r-1' }, {});
    const eager = logger.child({ idRequete: 'r-1' }, {});
    for (const log of [lazy, eager]) log.error({ keyPem: '-----BEGIN PRIVATE KEY-----', tls: { key: 'k', passphrase: 'p' }, operation: 'x' }, 'failed');
    await flush();
    expect(lines).toHaveLength(2);
    const [fromLazy, fromEager] = lines.map(({ time: _time, ...rest }) => rest);
    expect(fromLazy).toEqual(fromEager);
    expect(fromLazy).toMatchObject({ level: 50, service: 'esav-gateway', idRequete: 'r-1', keyPem: '[secret]', tls: { key: '[secret]', passphrase: '[secret]' }, msg: 'failed' });
  });

  test('levels, children and bindings behave as pino’s', async () => {
    const { logger, lines } = memoryLogger('warn');
    const lazy = lazyChildLoggerFactory(logger, { idRequete: 'r-2' }, {});
    lazy.info('not written');
    lazy.debug('not written');
    expect(lazy.isLevelEnabled('warn')).toBe(true);
    expect(lazy.isLevelEnabled('info')).toBe(false);
    expect(lazy.level).toBe('warn');
    expect(lazy.bindings()).toEqual(logger.child({ idRequete: 'r-2' }).bindings());
    lazy.child({ step: 'two' }).warn('from a child');
    lazy.level = 'info';
    lazy.info('now written');
    await flush();
    expect(lines.map((l) => [l.msg, l.idRequete, l.step])).toEqual([
      ['from a child', 'r-2', 'two'],
      ['now written', 'r-2', undefined],
    ]);
  });

  test('nothing is built until something is logged', () => {
    const { logger } = memoryLogger();
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((bindings, options) => {
      children++;
      return child(bindings, options);
    }) as Logger['child'];
    const lazy = new LazyChildLogger(logger, { idRequete: 'r-3' }, {});
    expect(children).toBe(0);
    lazy.warn('once');
    lazy.warn('twice');
    expect(children).toBe(1);
  });

  test('as Fastify’s childLoggerFactory: request.log carries the request id', async () => {
    const { logger, lines } = memoryLogger();
    const app = Fastify({
      loggerInstance: logger,
      disableRequestLogging: true,
      genReqId: () => 'req-42',
      childLoggerFactory: (parent, bindings, options) => lazyChildLoggerFactory(parent as Logger, bindings, options) as FastifyBaseLogger,
    });
    app.get('/', async (request) => {
      request.log.error({ keyPem: 'PRIVATE', account: { password: 'hunter2' } }, 'route log');
      return 'ok';
    });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    await app.close();
    await flush();
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-42', keyPem: '[secret]', account: { password: '[secret]' }, msg: 'route log' })]);
  });
});
