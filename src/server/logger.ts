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
