import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { accounts, addressLeases } from '../../db/schema.js';
import { queryRows } from '../../db/sql.js';
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
  /**
   * ACTIVE -> DORMANT for accounts opened before `cutoff` whose latest ledger row (or, without one,
   * their opening) is older than it; of one client, or of all.
   */
  async markDormant(tx: Tx, p: { clientId?: string | undefined; cutoff: Date; now: Date }): Promise<{ client_id: string; id: string }[]> {
    return queryRows<{ client_id: string; id: string }>(
      tx,
      sql`UPDATE accounts a SET status = 'DORMANT', updated_at = ${p.now.toISOString()}::timestamptz
           WHERE a.status = 'ACTIVE' AND (${p.clientId ?? null}::text IS NULL OR a.client_id = ${p.clientId ?? null})
             AND a.created_at < ${p.cutoff.toISOString()}::timestamptz
             AND coalesce((SELECT t.created_at FROM ledger_transactions t WHERE t.ledger_account_id = a.ledger_account_id
                            ORDER BY t.id DESC LIMIT 1), a.created_at) < ${p.cutoff.toISOString()}::timestamptz
           RETURNING a.client_id, a.id`,
    );
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
  /** The lease of a receiving address (crypto), locked. */
  async lockLeaseByAddress(tx: Tx, clientId: string, assetTypeId: string, walletAddress: string): Promise<LeaseRow | undefined> {
    const [row] = await tx
      .select()
      .from(addressLeases)
      .where(
        and(
          eq(addressLeases.clientId, clientId),
          eq(addressLeases.assetTypeId, assetTypeId),
          eq(addressLeases.walletAddress, walletAddress),
        ),
      )
      .for('no key update');
    return row;
  },
  async updateLease(
    tx: Tx,
    lease: Pick<LeaseRow, 'clientId' | 'id'>,
    patch: Partial<Pick<LeaseRow, 'receivedCount' | 'receivedValue' | 'expiredAt'>>,
  ): Promise<void> {
    await tx
      .update(addressLeases)
      .set(patch)
      .where(and(eq(addressLeases.clientId, lease.clientId), eq(addressLeases.id, lease.id)));
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
