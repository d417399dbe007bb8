// The two secret services of the portal's accounts (ports of src/application/web-account-ports.ts):
// argon2id password hashing (@node-rs/argon2: prebuilt binaries, no install script) and TOTP
// (otpauth: RFC 6238, pure JavaScript).
import { hash, verify, type Options } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import type { PasswordHasher, TotpService } from '../../application/web-account-ports.js';

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 30 ms a hash
 * on one core, memory-hard enough that a stolen table is slow to attack.
 */
const ARGON2ID: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class Argon2idHasher implements PasswordHasher {
  constructor(private readonly options: Options = ARGON2ID) {}

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      // A hash this library cannot read matches nothing.
      return false;
    }
  }
}

const PERIOD_SECONDS = 30;
const DIGITS = 6;

export class OtpAuthTotp implements TotpService {
  constructor(private readonly issuer = 'e-SAV en ligne') {}

  newSecret(): string {
    return new Secret({ size: 20 }).base32;
  }

  match(secret: string, code: string, now: Date): number | null {
    if (!/^[0-9]{6}$/.test(code)) return null;
    const timestamp = now.getTime();
    const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_SECONDS, timestamp, window: 1 });
    if (delta === null) return null;
    return TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta;
  }

  uri(secret: string, account: string): string {
    return new TOTP({ issuer: this.issuer, label: account, secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_SECONDS }).toString();
  }

  /** The code of a secret at an instant (tests, demo). */
  static codeAt(secret: string, at: Date): string {
    return TOTP.generate({ secret: Secret.fromBase32(secret), digits: DIGITS, period: PERIOD_SECONDS, timestamp: at.getTime() });
  }
}
