import { and, eq } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { payments } from '../../db/schema-money.js';
import type { PageRequest } from '../../shared/pagination.js';

export type PaymentRow = typeof payments.$inferSelect;

const byId = (clientId: string, id: string) => and(eq(payments.clientId, clientId), eq(payments.id, id));

/** The payments table (this module's): SQL only. */
export const paymentsRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<PaymentRow | undefined> {
    const [row] = await db.select().from(payments).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(byId(clientId, id)).for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof payments.$inferInsert): Promise<void> {
    await tx.insert(payments).values(row);
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<typeof payments.$inferInsert>): Promise<void> {
    await tx.update(payments).set(patch).where(byId(clientId, id));
  },
  async list(db: Reader, clientId: string, page: PageRequest) {
    return fetchPage(db, payments, payments.seq, [eq(payments.clientId, clientId)], page);
  },
};
