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
      // transfer_accept_many plans one statement per call (the lock, by EXECUTE) and updates the rows
      // it locked where that statement found them: a TID scan, whatever the statistics say.
      const update = await database.rawTransaction(async (s) => {
        await s.exec(`ANALYZE transfers; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off;
          SET LOCAL enable_bitmapscan = off;
          PREPARE u (tid[], text[], bigint[], text, timestamptz) AS UPDATE transfers tr SET status = 'EXECUTED',
              entry_id = u.entry, executed_at = $5, updated_at = $5
            FROM unnest($1, $2, $3) AS u(tid, id, entry)
           WHERE tr.ctid = u.tid AND u.entry IS NOT NULL RETURNING tr AS row, (tr.client_id = $4 AND tr.id = u.id) AS same;
          PREPARE e (tid, timestamptz) AS UPDATE transfers SET status = 'EXPIRED', updated_at = $2 WHERE ctid = $1 RETURNING *`);
        const explain = async (statement: string) =>
          (await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${statement}`)).map((l) => l['QUERY PLAN']).join('\n');
        return [await explain(`u ('{"(0,1)"}', '{trf_a}', '{1}', 'cli', now())`), await explain(`e ('(0,1)', now())`)];
      });
      expect(update[0]).toMatch(/Tid Scan on transfers tr .*\n\s+TID Cond: \(ctid = u\.tid\)/);
      expect(update[1]).toMatch(/Tid Scan on transfers .*\n\s+TID Cond: \(ctid = \$1\)/);
      for (const p of update) expect(p).not.toMatch(/Seq Scan on transfers|Index Scan using \w+ on transfers/);
      // transfer_json is inlined where it is used (declared STABLE, as jsonb_build_object is: an
      // IMMUTABLE SQL function over a STABLE body runs as a function call per row, 4-8 µs each).
      const inlined = await database.rawTransaction((s) =>
        s.query<{ 'QUERY PLAN': string }>('EXPLAIN (VERBOSE) SELECT transfer_json(t) FROM transfers t'),
      );
      const output = inlined.map((l) => l['QUERY PLAN']).join('\n');
      expect(output).toMatch(/Output: jsonb_build_object\('client_id', (t\.)?client_id/);
      expect(output).not.toMatch(/transfer_json/);
    } finally {
      await database.close();
    }
  });
});
