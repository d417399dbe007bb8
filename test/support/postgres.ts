// Real PostgreSQL for the integration tests: one throwaway database per test file, created on
// the server named by ESAV_TEST_DATABASE_URL (default: the machine's, as CI runs it).
// Without a reachable server the tests that need it are skipped locally, but fail under CI.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';

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

/** A migrated throwaway database: its pool, and pools opened as other processes would open theirs. */
export interface MigratedTestDatabase {
  db: Database;
  /** A new pool of 3 on the same database (another "process"); closed by close(). */
  pool(): Database;
  /** Closes every pool and drops the database. */
  close(): Promise<void>;
}

export async function migratedTestDatabase(max: number): Promise<MigratedTestDatabase> {
  const testDb = await createTestDatabase();
  const db = postgresDatabase(testDb.url, { max });
  await migrate(db);
  const pools: Database[] = [];
  return {
    db,
    pool() {
      const p = postgresDatabase(testDb.url, { max: 3 });
      pools.push(p);
      return p;
    },
    async close() {
      for (const p of pools) await p.close().catch(() => undefined);
      await db.close();
      await testDb.drop();
    },
  };
}
