import { eq } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { resourceHistory } from '../../db/schema.js';
import type { PageRequest } from '../../shared/pagination.js';

export type HistoryRow = typeof resourceHistory.$inferSelect;

/** The resource_history table (this module's): SQL only. */
export const historyRepository = {
  async insert(tx: Tx, rows: (typeof resourceHistory.$inferInsert)[]): Promise<void> {
    if (rows.length) await tx.insert(resourceHistory).values(rows);
  },
  /** One resource's changes, a page at a time. */
  async page(db: Reader, clientId: string, resourceType: string, resourceId: string, page: PageRequest) {
    return fetchPage(
      db,
      resourceHistory,
      resourceHistory.seq,
      [eq(resourceHistory.clientId, clientId), eq(resourceHistory.resourceType, resourceType), eq(resourceHistory.resourceId, resourceId)],
      page,
    );
  },
};
