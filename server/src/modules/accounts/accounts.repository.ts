import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { accounts, addressLeases } from '../../db/schema.js';
import type { PageRequest } from '../../shared/pagination.js';

export type AccountRow = typeof accounts.$inferSelect;
export type LeaseRow = typeof addressLeases.$inferSelect;

const byId = (clientId: string, id: string) => and(eq(accounts.clientId, clientId), eq(accounts.id, id));

export const accountsRepository = {
  async insert(tx: Tx, row: typeof accounts.$inferInsert): Promise<AccountRow | undefined> {
    const [created] = await tx.insert(accounts).values(row).onConflictDoNothing().returning();
    return created;
  },
  async exists(db: Db | Tx, clientId: string, id: string): Promise<boolean> {
    const rows = await db.select({ id: accounts.id }).from(accounts).where(byId(clientId, id));
    return rows.length > 0;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<AccountRow | undefined> {
    const [row] = await db.select().from(accounts).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<AccountRow | undefined> {
    const [row] = await tx.select().from(accounts).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** A customer's accounts, locked in id order (a fixed order: no deadlocks between cascades). */
  async lockOfCustomer(tx: Tx, clientId: string, customerId: string): Promise<AccountRow[]> {
    return tx
      .select()
      .from(accounts)
      .where(and(eq(accounts.clientId, clientId), eq(accounts.customerId, customerId)))
      .orderBy(asc(accounts.id))
      .for('no key update');
  },
  async ofCustomers(db: Db | Tx, clientId: string, customerIds: string[]): Promise<AccountRow[]> {
    if (!customerIds.length) return [];
    return db
      .select()
      .from(accounts)
      .where(and(eq(accounts.clientId, clientId), inArray(accounts.customerId, customerIds)))
      .orderBy(asc(accounts.seq));
  },
  /** DORMANT -> ACTIVE; false when it was not DORMANT (any more). */
  async wake(tx: Tx, clientId: string, id: string, at: Date): Promise<boolean> {
    const rows = await tx
      .update(accounts)
      .set({ status: 'ACTIVE', updatedAt: at })
      .where(and(byId(clientId, id), eq(accounts.status, 'DORMANT')))
      .returning({ id: accounts.id });
    return rows.length > 0;
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<typeof accounts.$inferInsert>): Promise<AccountRow> {
    const [row] = await tx.update(accounts).set(patch).where(byId(clientId, id)).returning();
    return row as AccountRow;
  },
  async list(
    db: Db,
    clientId: string,
    family: 'deposits' | 'payments',
    filters: { customerId?: string | undefined; productType?: string | undefined; status?: string | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(accounts.clientId, clientId), eq(accounts.family, family)];
    if (filters.customerId) where.push(eq(accounts.customerId, filters.customerId));
    if (filters.productType) where.push(eq(accounts.productType, filters.productType as 'DEPOSIT'));
    if (filters.status) where.push(eq(accounts.status, filters.status));
    return fetchPage(db, accounts, accounts.seq, where, page);
  },

  async insertLease(tx: Tx, row: typeof addressLeases.$inferInsert): Promise<LeaseRow> {
    const [created] = await tx.insert(addressLeases).values(row).returning();
    return created as LeaseRow;
  },
  async latestLease(db: Db | Tx, clientId: string, accountId: string): Promise<LeaseRow | undefined> {
    const [row] = await db
      .select()
      .from(addressLeases)
      .where(and(eq(addressLeases.clientId, clientId), eq(addressLeases.accountId, accountId)))
      .orderBy(desc(addressLeases.seq))
      .limit(1);
    return row;
  },
};
