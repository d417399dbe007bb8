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
