import { and, eq, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { incomingFunds } from '../../db/schema-money.js';
import type { PageRequest } from '../../shared/pagination.js';

export type IncomingRow = typeof incomingFunds.$inferSelect;
export type NewIncoming = typeof incomingFunds.$inferInsert;

/** The incoming_funds table (this module's, with deposits): SQL only. */
export const incomingRepository = {
  async insert(tx: Tx, row: NewIncoming): Promise<IncomingRow> {
    const [created] = await tx.insert(incomingFunds).values(row).returning();
    return created as IncomingRow;
  },
  async lock(tx: Tx, id: string): Promise<IncomingRow | undefined> {
    const [row] = await tx.select().from(incomingFunds).where(eq(incomingFunds.id, id)).for('no key update');
    return row;
  },
  async update(tx: Tx, id: string, patch: Partial<NewIncoming>): Promise<IncomingRow> {
    const [row] = await tx.update(incomingFunds).set(patch).where(eq(incomingFunds.id, id)).returning();
    return row as IncomingRow;
  },
  /** Arrivals at one virtual account's details, newest first. */
  async pageOfVirtualAccount(db: Reader, clientId: string, virtualAccountId: string, page: PageRequest) {
    return fetchPage(
      db,
      incomingFunds,
      incomingFunds.seq,
      [eq(incomingFunds.clientId, clientId), eq(incomingFunds.virtualAccountId, virtualAccountId)],
      page,
    );
  },
  /** Funds in suspense (every client's: the operator's list), optionally of one rail and asset. */
  async suspensePage(db: Reader, filters: { rail?: string | undefined; assetTypeId?: string | undefined }, page: PageRequest) {
    const where: SQL[] = [eq(incomingFunds.status, 'SUSPENSE')];
    if (filters.rail) where.push(eq(incomingFunds.rail, filters.rail));
    if (filters.assetTypeId) where.push(eq(incomingFunds.assetTypeId, filters.assetTypeId));
    return fetchPage(db, incomingFunds, incomingFunds.seq, [and(...where) as SQL], page);
  },
};
