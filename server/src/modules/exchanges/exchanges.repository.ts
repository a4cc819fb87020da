import { and, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { exchanges } from '../../db/schema-exchanges.js';
import { statusFilter } from '../../db/status-filter.js';
import type { PageRequest } from '../../shared/pagination.js';
import { type ExchangeRow, type ExchangeStatus, exchangeMachine } from './exchanges.machine.js';

const byId = (clientId: string, id: string) => and(eq(exchanges.clientId, clientId), eq(exchanges.id, id));

/** The exchanges table (this module's only): SQL only. */
export const exchangesRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<ExchangeRow | undefined> {
    const [row] = await db.select().from(exchanges).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<ExchangeRow | undefined> {
    const [row] = await tx.select().from(exchanges).where(byId(clientId, id)).for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof exchanges.$inferInsert): Promise<ExchangeRow> {
    const [created] = await tx.insert(exchanges).values(row).returning();
    return created as ExchangeRow;
  },
  async update(tx: Tx, e: ExchangeRow, patch: Partial<typeof exchanges.$inferInsert>): Promise<ExchangeRow> {
    const [row] = await tx.update(exchanges).set(patch).where(byId(e.clientId, e.id)).returning();
    return row as ExchangeRow;
  },
  /** A page of a client's exchanges; a status filter means the status as read at `now` (the machine's). */
  async list(db: Reader, clientId: string, status: ExchangeStatus | undefined, now: Date, page: PageRequest) {
    const where: SQL[] = [eq(exchanges.clientId, clientId)];
    if (status) where.push(statusFilter(exchangeMachine, { status: exchanges.status, deadline: exchanges.validUntil }, status, now));
    return fetchPage(db, exchanges, exchanges.seq, where, page);
  },
  /** Quotes past valid_until -> EXPIRED (the sweeper). */
  async expireDue(tx: Tx, now: Date, clientId?: string): Promise<number> {
    const expiry = exchangeMachine.spec.expiry;
    if (!expiry) return 0;
    const where: SQL[] = [inArray(exchanges.status, [...expiry.from]), lt(exchanges.validUntil, now)];
    if (clientId) where.push(eq(exchanges.clientId, clientId));
    const rows = await tx
      .update(exchanges)
      .set({ status: expiry.to, updatedAt: now })
      .where(and(...where))
      .returning({ id: exchanges.id });
    return rows.length;
  },
};
