// pino, with the fields that must never be written redacted wherever they appear.
import { pino, type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'esav-gateway' },
      redact: { paths: ['*.key', '*.keyPem', '*.privateKey', '*.passphrase', '*.password', 'key', 'keyPem'], censor: '[secret]' },
    },
    destination,
  );
}

/**
 * The logger of lines whose fields the gateway's own code fixes (the per-request line: operator,
 * operation, outcome, method, path, status, duration — never a message, a certificate or a key):
 * without the redaction pass, which costs about half of such a line (docs/benchmarks.md). Anything
 * of another shape goes through the redacting logger.
 */
export function fixedFieldsLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

type LogMethod = (...args: unknown[]) => void;
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * A request's logger (Fastify's `request.log`) that becomes pino's child logger — with the
 * request id bound, through the redacting parent — only when something is logged with it. Fastify
 * builds one child per request; most requests log nothing through it (the per-request line is
 * written by the onResponse hook with its own fields), and a pino child costs the serialisation of
 * its bindings through the redaction paths. What is logged, and how, is unchanged.
 */
export class LazyChildLogger {
  private real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: pino.Bindings,
    private readonly options: pino.ChildLoggerOptions,
  ) {}

  private logger(): Logger {
    return (this.real ??= this.parent.child(this.childBindings, this.options));
  }

  private method(level: LevelName): LogMethod {
    const logger = this.logger();
    return (logger[level] as LogMethod).bind(logger);
  }

  get level(): string {
    return this.logger().level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.logger().isLevelEnabled(level);
  }

  bindings(): pino.Bindings {
    return this.logger().bindings();
  }

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.logger().child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.method('fatal')(...args);
  }
  error(...args: unknown[]): void {
    this.method('error')(...args);
  }
  warn(...args: unknown[]): void {
    this.method('warn')(...args);
  }
  info(...args: unknown[]): void {
    this.method('info')(...args);
  }
  debug(...args: unknown[]): void {
    this.method('debug')(...args);
  }
  trace(...args: unknown[]): void {
    this.method('trace')(...args);
  }
  silent(...args: unknown[]): void {
    this.method('silent')(...args);
  }
}

/** Fastify's `childLoggerFactory` giving each request a LazyChildLogger of `logger`'s child. */
export function lazyChildLoggerFactory(logger: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): Logger {
  return new LazyChildLogger(logger, bindings, options) as unknown as Logger;
}
