// Migrations: applied once, also when several gateway processes start at the same time.
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { postgresDatabase } from '../../src/adapters/postgres/db.js';
import { createTestDatabase } from '../support/postgres.js';
import { describeWithPostgres } from '../support/postgres.js';
import fs from 'node:fs';
import { MIGRATIONS_DIR } from '../../src/adapters/paths.js';

const describeDb = await describeWithPostgres();

describeDb('migrations', () => {
  test('concurrent starts apply every migration exactly once; a second run applies nothing', async () => {
    const testDb = await createTestDatabase();
    const a = postgresDatabase(testDb.url, { max: 2 });
    const b = postgresDatabase(testDb.url, { max: 2 });
    try {
      const [appliedA, appliedB] = await Promise.all([migrate(a), migrate(b)]);
      const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
      expect([...appliedA, ...appliedB].sort()).toEqual(files);
      expect(await migrate(a)).toEqual([]);
      const rows = await a.query<{ name: string }>('SELECT name FROM esav_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(files);
    } finally {
      await a.close();
      await b.close();
      await testDb.drop();
    }
  });
});
