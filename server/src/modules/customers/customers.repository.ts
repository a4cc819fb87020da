import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { customerIndividuals, customers } from '../../db/schema.js';
import { queryRows } from '../../db/sql.js';
import type { PageRequest } from '../../shared/pagination.js';

export type CustomerRow = typeof customers.$inferSelect;
export type IndividualRow = typeof customerIndividuals.$inferSelect;

const byId = (clientId: string, id: string) => and(eq(customers.clientId, clientId), eq(customers.id, id));

export const customersRepository = {
  /** Inserts unless the id is taken for this client; undefined when it is. */
  async insert(tx: Tx, row: typeof customers.$inferInsert): Promise<CustomerRow | undefined> {
    const [created] = await tx.insert(customers).values(row).onConflictDoNothing().returning();
    return created;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<CustomerRow | undefined> {
    const [row] = await db.select().from(customers).where(byId(clientId, id));
    return row;
  },
  /** Locks the row for the rest of the transaction (status re-checked under the lock). */
  async lock(tx: Tx, clientId: string, id: string): Promise<CustomerRow | undefined> {
    const [row] = await tx.select().from(customers).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** DORMANT -> ACTIVE; empty when it was not DORMANT (any more). */
  async wake(tx: Tx, clientId: string, id: string, at: Date): Promise<{ id: string }[]> {
    return tx
      .update(customers)
      .set({ status: 'ACTIVE', updatedAt: at })
      .where(and(eq(customers.clientId, clientId), eq(customers.id, id), eq(customers.status, 'DORMANT')))
      .returning({ id: customers.id });
  },
  /**
   * ACTIVE -> DORMANT for customers created before `cutoff` that have accounts, all of them DORMANT
   * or CLOSED; of one client, or of all.
   */
  async markDormant(tx: Tx, p: { clientId?: string | undefined; cutoff: Date; now: Date }): Promise<{ client_id: string; id: string }[]> {
    return queryRows<{ client_id: string; id: string }>(
      tx,
      sql`UPDATE customers c SET status = 'DORMANT', updated_at = ${p.now.toISOString()}::timestamptz
           WHERE c.status = 'ACTIVE' AND (${p.clientId ?? null}::text IS NULL OR c.client_id = ${p.clientId ?? null})
             AND c.created_at < ${p.cutoff.toISOString()}::timestamptz
             AND EXISTS (SELECT 1 FROM accounts a WHERE a.client_id = c.client_id AND a.customer_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.client_id = c.client_id AND a.customer_id = c.id
                              AND a.status NOT IN ('DORMANT', 'CLOSED'))
           RETURNING c.client_id, c.id`,
    );
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<typeof customers.$inferInsert>): Promise<CustomerRow> {
    const [row] = await tx.update(customers).set(patch).where(byId(clientId, id)).returning();
    return row as CustomerRow;
  },
  async list(db: Db, clientId: string, filters: { type?: string | undefined; status?: string | undefined }, page: PageRequest) {
    const where: SQL[] = [eq(customers.clientId, clientId)];
    if (filters.type) where.push(eq(customers.customerType, filters.type as 'INDIVIDUAL' | 'CORPORATION'));
    if (filters.status) where.push(eq(customers.status, filters.status));
    return fetchPage(db, customers, customers.seq, where, page);
  },

  async insertIndividual(tx: Tx, row: typeof customerIndividuals.$inferInsert): Promise<IndividualRow> {
    const [created] = await tx.insert(customerIndividuals).values(row).returning();
    return created as IndividualRow;
  },
  async findIndividual(db: Db | Tx, clientId: string, customerId: string, id: string): Promise<IndividualRow | undefined> {
    const [row] = await db
      .select()
      .from(customerIndividuals)
      .where(
        and(eq(customerIndividuals.clientId, clientId), eq(customerIndividuals.customerId, customerId), eq(customerIndividuals.id, id)),
      );
    return row;
  },
  async updateIndividual(tx: Tx, clientId: string, id: string, patch: Partial<typeof customerIndividuals.$inferInsert>) {
    const [row] = await tx
      .update(customerIndividuals)
      .set(patch)
      .where(and(eq(customerIndividuals.clientId, clientId), eq(customerIndividuals.id, id)))
      .returning();
    return row as IndividualRow;
  },
  async individualsOf(db: Db | Tx, clientId: string, customerIds: string[]): Promise<IndividualRow[]> {
    if (!customerIds.length) return [];
    return db
      .select()
      .from(customerIndividuals)
      .where(and(eq(customerIndividuals.clientId, clientId), inArray(customerIndividuals.customerId, customerIds)))
      .orderBy(customerIndividuals.seq);
  },
  async listIndividuals(db: Db, clientId: string, customerId: string, page: PageRequest) {
    return fetchPage(
      db,
      customerIndividuals,
      customerIndividuals.seq,
      [eq(customerIndividuals.clientId, clientId), eq(customerIndividuals.customerId, customerId)],
      page,
    );
  },
  /** Sum of percentage_ownership over a customer's individuals, optionally leaving one out. */
  async ownershipTotal(tx: Tx, clientId: string, customerId: string, exceptId?: string): Promise<number> {
    const [row] = await tx
      .select({
        total: sql<string>`coalesce(sum((${customerIndividuals.details}->>'percentage_ownership')::int), 0)::text`,
      })
      .from(customerIndividuals)
      .where(
        and(
          eq(customerIndividuals.clientId, clientId),
          eq(customerIndividuals.customerId, customerId),
          exceptId ? sql`${customerIndividuals.id} <> ${exceptId}` : undefined,
        ),
      );
    return Number(row?.total ?? 0);
  },
};
