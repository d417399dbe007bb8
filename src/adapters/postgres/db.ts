// One database interface for the two back ends: a real PostgreSQL (pg connection pool) and the
// embedded PGlite default. Repositories only see Queryable / Database.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A statement PostgreSQL parses and plans once per pooled connection (a named prepared statement):
 * for the hot statements, whose text is fixed or one of a few variants (never built from values:
 * each distinct text stays prepared on every connection). PGlite runs it as plain text.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

const preparedByText = new Map<string, PreparedStatement>();

/** The prepared statement of this SQL text, named after a hash of it (one name per text, never reused). */
export function prepared(text: string): PreparedStatement {
  let statement = preparedByText.get(text);
  if (!statement) {
    statement = { name: `esav_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
    preparedByText.set(text, statement);
  }
  return statement;
}

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<R = Record<string, unknown>>(sql: string | PreparedStatement, params?: readonly unknown[]): Promise<R[]>;
}

/** A pg query config: a named statement when prepared. */
function pgQuery(sql: string | PreparedStatement, params: readonly unknown[] | undefined): pg.QueryConfig {
  return typeof sql === 'string'
    ? { text: sql, values: params as unknown[] | undefined }
    : { name: sql.name, text: sql.text, values: params as unknown[] | undefined };
}

const textOf = (sql: string | PreparedStatement): string => (typeof sql === 'string' ? sql : sql.text);

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction (READ COMMITTED): committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: TransactionQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs a SQL text without parameters (one statement or several, possibly with its own BEGIN and
   * COMMIT) with the simple query protocol, alone on its connection, and returns the rows of its
   * last statement. If it fails, the transaction it may have left open is rolled back before the
   * connection serves anything else. For a library that brings its own SQL (the job queue): its
   * text is run as it is, never inspected.
   */
  script<R = Record<string, unknown>>(sql: string): Promise<R[]>;
  close(): Promise<void>;
}

export interface TransactionQueryable extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

// int8 (bigint, count(*)) as JavaScript numbers: our counters stay far below 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

export function postgresDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    // Fail fast when the server is unreachable: the caller answers fault 500, never hangs.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // A checked-out client whose server goes away (restart, 57P01) emits 'error' on itself: the
  // query in flight fails (fault 500), the process must not. One listener per pooled client.
  const guarded = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
  });
  return {
    kind: 'postgres',
    async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
      const result = await pool.query(pgQuery(sql, params));
      return result.rows as R[];
    },
    async transaction<T>(work: (tx: TransactionQueryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: TransactionQueryable = {
          async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
            return (await client.query(pgQuery(sql, params))).rows as R[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async script<R>(sql: string) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // No values: pg sends the text as one simple Query message, several statements allowed.
        const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return (last?.rows ?? []) as R[];
      } catch (error) {
        // A script that failed after its own BEGIN leaves the session inside an aborted
        // transaction: end it here, or drop the connection, so that the pool never hands it out.
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** The embedded default: PGlite (PostgreSQL in WebAssembly), single connection, kept in `dataDir`. */
export async function pgliteDatabase(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  return {
    kind: 'pglite',
    async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
      return (await db.query<R>(textOf(sql), params as unknown[] | undefined)).rows;
    },
    async transaction<T>(work: (tx: TransactionQueryable) => Promise<T>): Promise<T> {
      return db.transaction(async (t) =>
        work({
          async query<R>(sql: string | PreparedStatement, params?: readonly unknown[]) {
            return (await t.query<R>(textOf(sql), params as unknown[] | undefined)).rows;
          },
          async exec(sql: string) {
            await t.exec(sql);
          },
        }),
      );
    },
    async script<R>(sql: string) {
      // PGlite is one session shared by every caller: inside transaction() no other statement can
      // slip in, and its ROLLBACK ends whatever a failing script left open. A BEGIN or COMMIT of
      // the script itself only draws a warning there (nested BEGIN, COMMIT with none open).
      const results = await db.transaction((t) => t.exec(sql));
      return (results[results.length - 1]?.rows ?? []) as R[];
    },
    async close() {
      await db.close();
    },
  };
}
