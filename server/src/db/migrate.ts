import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';
import { listSqlSources, type SqlSource } from './sources.js';

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

export async function migrate(
  database: Database,
  migrations = listMigrations(),
  sources: SqlSource[] = listSqlSources(),
): Promise<string[]> {
  return database.rawTransaction(async (s) => {
    if (database.kind === 'pg') await s.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await s.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    await s.exec(
      'CREATE TABLE IF NOT EXISTS schema_sources (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await s.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await s.exec(m.sql);
      await s.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    // The modules' SQL functions, each from its one source file, when it changed (or is new).
    const recorded = new Map(
      (await s.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_sources')).map((r) => [r.name, r.checksum]),
    );
    for (const src of sources) {
      if (recorded.get(src.name) === src.checksum) continue;
      await s.exec(src.sql);
      await s.query(
        `INSERT INTO schema_sources (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
        [src.name, src.checksum],
      );
      applied.push(src.name);
    }
    return applied;
  });
}

/** Migrations and SQL sources of this build that the database does not have yet (empty = current). */
export async function pendingMigrations(
  database: Database,
  migrations = listMigrations(),
  sources: SqlSource[] = listSqlSources(),
): Promise<string[]> {
  type Recorded = [{ version: string }[], { name: string; checksum: string }[]];
  const [rows, applied] = await database
    .rawTransaction(
      async (s): Promise<Recorded> => [
        await s.query<{ version: string }>('SELECT version FROM schema_migrations'),
        await s.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_sources'),
      ],
    )
    .catch((): Recorded => [[], []]);
  const done = new Set(rows.map((r) => r.version));
  const current = new Set(applied.map((r) => `${r.name}@${r.checksum}`));
  return [
    ...migrations.map((m) => m.version).filter((v) => !done.has(v)),
    ...sources.filter((src) => !current.has(`${src.name}@${src.checksum}`)).map((src) => src.name),
  ];
}
