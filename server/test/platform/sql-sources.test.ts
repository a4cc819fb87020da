/** SQL sources (src/db/sources.ts): module functions applied after the migrations, again only when they change. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { listMigrations, migrate, pendingMigrations } from '../../src/db/migrate.js';
import { listSqlSources, type SqlSource } from '../../src/db/sources.js';

const source = (body: string): SqlSource => ({
  name: 'test/answer.sql',
  sql: `CREATE OR REPLACE FUNCTION test_answer() RETURNS int LANGUAGE sql AS $$ SELECT ${body} $$;`,
  checksum: `checksum-of-${body}`,
});

describe('SQL sources', () => {
  it('applies each after the migrations, again only when its checksum changes, and reports it pending until then', async () => {
    const database = await openDatabase({}); // a fresh embedded database
    try {
      const migrations = listMigrations();
      const first = await migrate(database, migrations, [source('1')]);
      expect(first.at(-1)).toBe('test/answer.sql');
      expect(first).toContain(migrations.at(-1)?.version);
      const answer = async () => (await database.rawTransaction((s) => s.query<{ v: number }>('SELECT test_answer() AS v')))[0]?.v;
      expect(await answer()).toBe(1);
      expect(await migrate(database, migrations, [source('1')])).toEqual([]);
      expect(await pendingMigrations(database, migrations, [source('2')])).toEqual(['test/answer.sql']);
      expect(await migrate(database, migrations, [source('2')])).toEqual(['test/answer.sql']);
      expect(await answer()).toBe(2);
      expect(await pendingMigrations(database, migrations, [source('2')])).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('the ledger functions come from their one source file, applied on every database', async () => {
    const [ledger] = listSqlSources();
    expect(ledger?.name).toBe('modules/ledger/ledger.sql');
    expect(ledger?.sql).toContain('CREATE OR REPLACE FUNCTION ledger_post(');
    for (const m of listMigrations()) expect(m.sql).not.toMatch(/CREATE (OR REPLACE )?FUNCTION ledger_/);
  });
});
