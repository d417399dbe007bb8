// The admin API's bearer token when ESAV_ADMIN_TOKEN is not set: generated on the first start
// (32 random bytes, hex) into `<dataDir>/admin-token` (mode 0600) and reused afterwards. The
// gateway writes it (src/composition/gateway.ts); the command line reads it (src/admin-cli/cli.ts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

export function adminTokenPath(dataDir: string): string {
  return path.join(dataDir, ADMIN_TOKEN_FILE);
}

/** The token stored under dataDir, or undefined when there is none (or it is empty). */
export function readAdminToken(dataDir: string): string | undefined {
  try {
    const token = fs.readFileSync(adminTokenPath(dataDir), 'utf8').trim();
    return token === '' ? undefined : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface StoredToken {
  token: string;
  file: string;
  created: boolean;
  /** The file was readable by others and has been reset to 0600. */
  permissionsFixed: boolean;
}

/**
 * The stored token, created if missing. The new file is written complete under a temporary name
 * and linked into place, so two processes starting together agree on one token.
 */
export function ensureAdminToken(dataDir: string): StoredToken {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = adminTokenPath(dataDir);
  let created = false;
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temporary, file);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
  let permissionsFixed = false;
  if ((fs.statSync(file).mode & 0o077) !== 0) {
    fs.chmodSync(file, 0o600);
    permissionsFixed = true;
  }
  const token = readAdminToken(dataDir);
  if (!token) throw new Error(`${file} is empty: delete it to have a new admin token generated, or set ESAV_ADMIN_TOKEN`);
  return { token, file, created, permissionsFixed };
}
