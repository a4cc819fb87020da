/**
 * Reading the database directly for values that must not be there in clear (CONTRACT §17).
 */
import type { Database } from '../../src/db/client.js';

/** Every text, JSON, array or bytea column of every table (public schema). */
export async function textColumns(database: Database): Promise<{ table_name: string; column_name: string; data_type: string }[]> {
  return database.rawTransaction((s) =>
    s.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'bytea', 'ARRAY')
        ORDER BY table_name, column_name`,
    ),
  );
}

/**
 * Every column of textColumns holding one of `needles`, as `table.column: needle`. A bytea column
 * (document files) is searched for the needle's UTF-8 bytes, not as the hex text ::text makes of it.
 */
export async function columnsContaining(database: Database, needles: readonly string[]): Promise<string[]> {
  const columns = await textColumns(database);
  if (columns.length < 50) throw new Error(`only ${columns.length} text columns: the scan looks at the wrong schema`);
  return database.rawTransaction(async (s) => {
    const found: string[] = [];
    for (const c of columns) {
      for (const needle of needles) {
        const where =
          c.data_type === 'bytea'
            ? `position(convert_to($1, 'UTF8') in "${c.column_name}") > 0`
            : `position($1 in "${c.column_name}"::text) > 0`;
        const [row] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE ${where}`, [needle]);
        if (row && Number(row.n) > 0) found.push(`${c.table_name}.${c.column_name}: ${needle}`);
      }
    }
    return found;
  });
}
