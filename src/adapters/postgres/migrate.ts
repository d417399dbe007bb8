// Schema migrations with umzug: versioned SQL files in src/adapters/postgres/migrations/, applied in name
// order on start and in tests, each recorded in esav_migrations. The whole run holds a
// transaction-level advisory lock, so several gateway processes starting together apply each
// migration once, and a failing migration leaves nothing half-applied (PostgreSQL DDL is
// transactional).
import fs from 'node:fs';
import path from 'node:path';
import { Umzug } from 'umzug';
import { MIGRATIONS_DIR } from '../paths.js';
import type { Database, TransactionQueryable } from './db.js';

const LOCK_KEY = 0x65736176; // "esav"

function storage(tx: TransactionQueryable) {
  return {
    async logMigration({ name }: { name: string }) {
      await tx.query('INSERT INTO esav_migrations (name) VALUES ($1)', [name]);
    },
    async unlogMigration({ name }: { name: string }) {
      await tx.query('DELETE FROM esav_migrations WHERE name = $1', [name]);
    },
    async executed() {
      const rows = await tx.query<{ name: string }>('SELECT name FROM esav_migrations ORDER BY name');
      return rows.map((r) => r.name);
    },
  };
}

/** Applies pending migrations; returns the names it applied. */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS esav_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    const umzug = new Umzug({
      migrations: files.map((file) => ({
        name: file,
        up: async () => tx.exec(fs.readFileSync(path.join(dir, file), 'utf8')),
      })),
      storage: storage(tx),
      logger: undefined,
    });
    const applied = await umzug.up();
    return applied.map((m) => m.name);
  });
}
