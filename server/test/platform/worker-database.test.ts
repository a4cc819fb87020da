import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/sql.js';
import { testDatabase } from '../helpers.js';
import { workerDatabaseUrl } from '../worker-database.js';

describe("each worker's PostgreSQL database (test/worker-database.ts)", () => {
  it('derives <name>_w<pool id> on the same server, keeping credentials and options', () => {
    expect(workerDatabaseUrl('postgres://postgres@127.0.0.1:5432/ledgerline_ci_1_2', '2')).toBe(
      'postgres://postgres@127.0.0.1:5432/ledgerline_ci_1_2_w2',
    );
    expect(workerDatabaseUrl('postgres://u:p%40ss@db:6543/app?sslmode=disable', '1')).toBe(
      'postgres://u:p%40ss@db:6543/app_w1?sslmode=disable',
    );
    // A URL already derived derives to itself (setup files run before every file).
    expect(workerDatabaseUrl('postgres://h/app_w1', '1')).toBe('postgres://h/app_w1');
  });

  it.runIf(!!process.env.TEST_DATABASE_URL)("runs this worker's files on its own database", async () => {
    const db = await testDatabase();
    const rows = await queryRows<{ name: string }>(db.db, sql`SELECT current_database() AS name`);
    expect(rows[0]?.name).toMatch(new RegExp(`_w${process.env.VITEST_POOL_ID}$`));
    expect(process.env.TEST_DATABASE_URL).toMatch(new RegExp(`/${rows[0]?.name}$`));
  });
});
