import { and, asc, count, desc, gt, lt, type SQL } from 'drizzle-orm';
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
  const rowsQuery = db
    .select()
    .from(table as PgTable)
    .where(and(...conds))
    .orderBy(req.order === 'DESC' ? desc(seq) : asc(seq))
    .limit(req.size + 1)
    .offset(req.style === 'page' ? req.page * req.size : 0);
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
