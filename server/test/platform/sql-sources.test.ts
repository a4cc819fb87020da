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

  it('the functions that move money plan every statement as a key lookup, whatever the statistics say', async () => {
    const database = await openDatabase({}); // a fresh embedded database: empty tables, no statistics
    try {
      await migrate(database, listMigrations(), listSqlSources());
      const hot = [
        'ledger_post',
        'ledger_post_pairs',
        'ledger_hold_authorize',
        'ledger_hold_release',
        'ledger_hold_post',
        'ledger_hold_resize',
        'ledger_hold_pending',
        'transfer_parties',
        'transfer_parties_lock',
        'transfer_accept_many',
        'transfers_execute_batch',
      ];
      const rows = await database.rawTransaction((s) =>
        s.query<{ proname: string; proconfig: string[] | null }>(
          'SELECT proname, proconfig FROM pg_proc WHERE proname = ANY ($1::text[]) ORDER BY proname',
          [`{${hot.join(',')}}`],
        ),
      );
      expect(rows.map((r) => r.proname).sort()).toEqual([...hot].sort());
      for (const r of rows) {
        expect([r.proname, [...(r.proconfig ?? [])].sort()]).toEqual([
          r.proname,
          ['enable_bitmapscan=off', 'enable_seqscan=off', 'plan_cache_mode=force_generic_plan'],
        ]);
      }
      // What those settings change: with the statistics of an empty table (analyzed before any
      // transfer, as a new database is) the plan for "transfers of this client with id = ANY(...)"
      // is a scan of the whole table, which a session's PL/pgSQL would keep as the table grows.
      const plan = (settings: string) =>
        database.rawTransaction(async (s) => {
          await s.exec(
            `ANALYZE transfers; ${settings} PREPARE p (text, text[]) AS SELECT 1 FROM transfers WHERE client_id = $1 AND id = ANY ($2) FOR NO KEY UPDATE`,
          );
          const lines = await s.query<{ 'QUERY PLAN': string }>("EXPLAIN EXECUTE p ('cli', '{trf_a,trf_b}')");
          await s.exec('DEALLOCATE p');
          return lines.map((l) => l['QUERY PLAN']).join('\n');
        });
      expect(await plan('SET LOCAL plan_cache_mode = force_generic_plan;')).toMatch(/Seq Scan on transfers|Bitmap Heap Scan/);
      expect(
        await plan('SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;'),
      ).toMatch(/Index Scan using transfers_pkey/);
    } finally {
      await database.close();
    }
  });
});
