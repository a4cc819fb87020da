import { and, asc, count, desc, gt, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { PageRequest } from '../shared/pagination.js';
import type { Db, Tx } from './client.js';

/**
 * One page of rows in creation order for either pagination style: fetches size + 1 rows (so the
 * caller knows whether more exist) and, for page style only, the total count for `links.last`.
 */
export async function fetchPage<T extends PgTable>(
  db: Db | Tx,
  table: T,
  seq: AnyPgColumn,
  where: SQL[],
  req: PageRequest,
): Promise<{ rows: T['$inferSelect'][]; total: number | undefined }> {
  const conds = [...where];
  if (req.after !== undefined) conds.push(req.order === 'DESC' ? lt(seq, req.after) : gt(seq, req.after));
  const dir = req.order === 'DESC' ? desc(seq) : asc(seq);
  const offset = req.style === 'page' ? req.page * req.size : 0;
  if (offset > 0) {
    // Deep pages: find the page's first seq through the index alone (a deferred join), then read
    // only that page's rows, instead of reading and discarding every row before it.
    const boundary = db
      .select({ seq })
      .from(table as PgTable)
      .where(and(...conds))
      .orderBy(dir)
      .limit(1)
      .offset(offset);
    conds.push(req.order === 'DESC' ? lte(seq, sql`(${boundary})`) : gte(seq, sql`(${boundary})`));
  }
  const rowsQuery = db
    .select()
    .from(table as PgTable)
    .where(and(...conds))
    .orderBy(dir)
    .limit(req.size + 1);
  if (req.style === 'cursor') return { rows: (await rowsQuery) as T['$inferSelect'][], total: undefined };
  const [rows, totals] = await Promise.all([
    rowsQuery,
    db
      .select({ n: count() })
      .from(table as PgTable)
      .where(and(...where)),
  ]);
  return { rows: rows as T['$inferSelect'][], total: totals[0]?.n ?? 0 };
}
