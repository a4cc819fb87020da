import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './client.js';

/** Rows of a raw SQL query, typed by the caller (cast in SQL: int8/numeric come back as text). */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
