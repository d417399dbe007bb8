// Real PostgreSQL for the integration tests: one throwaway database per test file, created on
// the server named by ESAV_TEST_DATABASE_URL (default: the machine's, as CI runs it).
// Without a reachable server the tests that need it are skipped locally, but fail under CI.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_DATABASE_URL = process.env.ESAV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const IN_CI = Boolean(process.env.CI);

export async function postgresAvailable(): Promise<boolean> {
  if (IN_CI) return true; // under CI the tests must run, and fail loudly if the server is missing
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    process.stderr.write(`PostgreSQL unreachable at ${ADMIN_DATABASE_URL}: integration tests skipped (set CI to make this fatal)\n`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `describe` when PostgreSQL is there (always under CI), `describe.skip` otherwise. */
export async function describeWithPostgres(): Promise<jest.Describe> {
  return (await postgresAvailable()) ? describe : describe.skip;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `esav_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
