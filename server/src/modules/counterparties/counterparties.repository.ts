import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { counterparties } from '../../db/schema-counterparties.js';
import type { PageRequest } from '../../shared/pagination.js';

export type CounterpartyRow = typeof counterparties.$inferSelect;
export type NewCounterpartyRow = typeof counterparties.$inferInsert;

const byId = (clientId: string, id: string) => and(eq(counterparties.clientId, clientId), eq(counterparties.id, id));

export const counterpartiesRepository = {
  async insert(tx: Tx, row: NewCounterpartyRow): Promise<CounterpartyRow> {
    const [created] = await tx.insert(counterparties).values(row).returning();
    return created as CounterpartyRow;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await db.select().from(counterparties).where(byId(clientId, id));
    return row;
  },
  /** Locks the row for an update (status and details are re-checked under the lock). */
  async lock(tx: Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await tx.select().from(counterparties).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** For money movements: the counterparty cannot change status while the movement commits. */
  /** A customer's counterparties, locked in id order. */
  async lockOfCustomer(tx: Tx, clientId: string, customerId: string): Promise<CounterpartyRow[]> {
    return tx
      .select()
      .from(counterparties)
      .where(and(eq(counterparties.clientId, clientId), eq(counterparties.customerId, customerId)))
      .orderBy(asc(counterparties.id))
      .for('no key update');
  },
  async share(tx: Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await tx.select().from(counterparties).where(byId(clientId, id)).for('share');
    return row;
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<NewCounterpartyRow>): Promise<CounterpartyRow> {
    const [row] = await tx.update(counterparties).set(patch).where(byId(clientId, id)).returning();
    return row as CounterpartyRow;
  },
  async list(
    db: Db,
    clientId: string,
    filters: { customerId?: string | undefined; type?: string | undefined; status?: string | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(counterparties.clientId, clientId)];
    if (filters.customerId) where.push(eq(counterparties.customerId, filters.customerId));
    if (filters.type) where.push(eq(counterparties.counterpartyType, filters.type));
    if (filters.status) where.push(eq(counterparties.status, filters.status));
    return fetchPage(db, counterparties, counterparties.seq, where, page);
  },
};
