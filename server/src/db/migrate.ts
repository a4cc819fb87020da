import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';

/**
 * Migrations: numbered SQL files in server/migrations, applied in order, each once, all pending
 * ones in one transaction. On PostgreSQL an advisory lock serialises concurrent starters.
 * The same files run on PGlite and PostgreSQL 15: only SQL both support.
 */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');
const LOCK_KEY = 7_461_200; // arbitrary, constant across versions

export interface Migration {
  version: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

export async function migrate(database: Database, migrations = listMigrations()): Promise<string[]> {
  return database.rawTransaction(async (s) => {
    if (database.kind === 'pg') await s.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await s.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await s.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await s.exec(m.sql);
      await s.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** Versions known to this build that the database has not applied (empty = current). */
export async function pendingMigrations(database: Database, migrations = listMigrations()): Promise<string[]> {
  const rows = await database
    .rawTransaction((s) =>
      s.query<{ version: string }>("SELECT version FROM schema_migrations WHERE to_regclass('schema_migrations') IS NOT NULL"),
    )
    .catch(() => [] as { version: string }[]);
  const done = new Set(rows.map((r) => r.version));
  return migrations.map((m) => m.version).filter((v) => !done.has(v));
}
