import { eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { clients } from '../../db/schema.js';
import type { PageRequest } from '../../shared/pagination.js';

export type ClientRow = typeof clients.$inferSelect;
export type NewClientRow = typeof clients.$inferInsert;

export const clientsRepository = {
  async insert(db: Db | Tx, row: NewClientRow): Promise<ClientRow> {
    const [created] = await db.insert(clients).values(row).returning();
    return created as ClientRow;
  },
  async find(db: Db | Tx, id: string): Promise<ClientRow | undefined> {
    const [row] = await db.select().from(clients).where(eq(clients.id, id));
    return row;
  },
  /** The tenants (never the operator), newest first, one page (CONTRACT §3). */
  async listPage(db: Db | Tx, filters: { regulated?: boolean | undefined }, page: PageRequest) {
    const where: SQL[] = [eq(clients.isOperator, false)];
    if (filters.regulated !== undefined) where.push(eq(clients.regulated, filters.regulated));
    return fetchPage(db, clients, clients.seq, where, page);
  },
  async update(db: Db | Tx, id: string, patch: Partial<NewClientRow>): Promise<ClientRow | undefined> {
    const [row] = await db.update(clients).set(patch).where(eq(clients.id, id)).returning();
    return row;
  },
  async findOperator(db: Db | Tx): Promise<ClientRow | undefined> {
    const [row] = await db.select().from(clients).where(eq(clients.isOperator, true)).limit(1);
    return row;
  },
  async withClockOffsets(db: Db | Tx): Promise<{ clientId: string; offsetMs: number }[]> {
    return db
      .select({ clientId: clients.id, offsetMs: clients.sandboxClockOffsetMs })
      .from(clients)
      .where(ne(clients.sandboxClockOffsetMs, 0));
  },
  /** Adds to a client's sandbox clock offset; returns the new offset (ms). */
  async advanceClock(tx: Tx, id: string, ms: number): Promise<number> {
    const [row] = await tx
      .update(clients)
      .set({ sandboxClockOffsetMs: sql`${clients.sandboxClockOffsetMs} + ${ms}` })
      .where(eq(clients.id, id))
      .returning({ offset: clients.sandboxClockOffsetMs });
    return Number(row?.offset ?? 0);
  },
  async countTenants(db: Db | Tx): Promise<number> {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(clients).where(eq(clients.isOperator, false));
    return Number(row?.n ?? 0);
  },
};
