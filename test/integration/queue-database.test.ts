// pg-boss's executor over our database (decision 0008), on the two back ends: pg-boss hands over SQL
// text and values through its documented `executeSql`, and the executor never looks inside the
// text. With parameters: one statement. Without: a script (several statements, its own BEGIN and
// COMMIT maybe) whose last rows are returned and whose failure never leaves the connection, the
// pooled one or PGlite's only one, inside an aborted transaction.
import { bossDatabase } from '../../src/adapters/queue/queue.js';
import { pgliteDatabase, postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

/** As pg-boss calls it: a parameterless text comes without any values array. */
function executor(db: Database): (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> {
  const boss = bossDatabase(db);
  return (text, values) => boss.executeSql(text, values as unknown[]);
}

function executorCases(open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(async () => {
    await close?.();
  });

  test('a statement with values runs as it is; a text without values returns the rows of its last statement', async () => {
    const run = executor(db);
    expect(await run('SELECT $1::int + 1 AS n', [41])).toEqual({ rows: [{ n: 42 }] });
    expect(await run('SELECT 7 AS seven')).toEqual({ rows: [{ seven: 7 }] });
    expect(await run('SELECT 8 AS eight; SELECT 9 AS nine', [])).toEqual({ rows: [{ nine: 9 }] });
    expect(
      await run('CREATE TABLE script_rows (x int); INSERT INTO script_rows VALUES (1), (2); SELECT sum(x)::int AS n FROM script_rows'),
    ).toEqual({ rows: [{ n: 3 }] });
  });

  test("a script with its own BEGIN … COMMIT is committed; one failing is rolled back and the connection serves again", async () => {
    const run = executor(db);
    await run("BEGIN;\n SELECT pg_advisory_xact_lock(8);\n CREATE TABLE script_ok (x int);\n INSERT INTO script_ok VALUES (1);\n COMMIT;\n");
    expect(await db.query('SELECT x FROM script_ok')).toEqual([{ x: 1 }]);

    const failing = "BEGIN;\n CREATE TABLE script_ko (x int);\n SELECT 1 / 0;\n COMMIT;\n";
    // A statement asked while the failing script runs (PGlite: one session for everybody).
    const [script, meanwhile] = await Promise.allSettled([run(failing), db.query<{ one: number }>('SELECT 1 AS one')]);
    expect(script).toMatchObject({ status: 'rejected', reason: { message: 'division by zero' } });
    expect(meanwhile).toEqual({ status: 'fulfilled', value: [{ one: 1 }] });
    // The next statements run outside any aborted transaction, and the script left nothing.
    for (let i = 0; i < 3; i++) expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await db.query("SELECT to_regclass('script_ko') IS NULL AS gone")).toEqual([{ gone: true }]);
    expect(await db.transaction((tx) => tx.query('SELECT count(*)::int AS n FROM script_ok'))).toEqual([{ n: 1 }]);
  });
}

describe('queue executor on the embedded PGlite', () => {
  executorCases(async () => {
    const db = await pgliteDatabase();
    return { db, close: () => db.close() };
  });
});

describeDb('queue executor on PostgreSQL (a pool of one connection: a stuck one would show at once)', () => {
  executorCases(async () => {
    const testDb: TestDatabase = await createTestDatabase();
    const db = postgresDatabase(testDb.url, { max: 1 });
    return {
      db,
      close: async () => {
        await db.close();
        await testDb.drop();
      },
    };
  });
});
