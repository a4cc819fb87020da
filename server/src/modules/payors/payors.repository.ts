import { and, eq } from 'drizzle-orm';
import type { Reader } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { payors } from '../../db/schema-money.js';
import type { PageRequest } from '../../shared/pagination.js';

export type PayorRow = typeof payors.$inferSelect;

/** The payors table (this module's): SQL only. */
export const payorsRepository = {
  /** Undefined when the customer already has a payor with this id. */
  async insert(db: Reader, row: typeof payors.$inferInsert): Promise<PayorRow | undefined> {
    const [created] = await db.insert(payors).values(row).onConflictDoNothing().returning();
    return created;
  },
  async find(db: Reader, clientId: string, customerId: string, id: string): Promise<PayorRow | undefined> {
    const [row] = await db
      .select()
      .from(payors)
      .where(and(eq(payors.clientId, clientId), eq(payors.customerId, customerId), eq(payors.id, id)));
    return row;
  },
  async list(db: Reader, clientId: string, customerId: string, page: PageRequest) {
    return fetchPage(db, payors, payors.seq, [eq(payors.clientId, clientId), eq(payors.customerId, customerId)], page);
  },
};
