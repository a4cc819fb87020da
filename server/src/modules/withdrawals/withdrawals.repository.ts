import { and, asc, eq, inArray, lt, lte, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { withdrawals } from '../../db/schema-money.js';
import { statusFilter } from '../../db/status-filter.js';
import type { PageRequest } from '../../shared/pagination.js';
import { type WithdrawalRow, type WithdrawalStatus, withdrawalMachine } from './withdrawals.machine.js';

const byId = (clientId: string, id: string) => and(eq(withdrawals.clientId, clientId), eq(withdrawals.id, id));

/** The withdrawals table (this module's only): SQL only. */
export const withdrawalsRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<WithdrawalRow | undefined> {
    const [row] = await db.select().from(withdrawals).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<WithdrawalRow | undefined> {
    const [row] = await tx.select().from(withdrawals).where(byId(clientId, id)).for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof withdrawals.$inferInsert): Promise<WithdrawalRow> {
    const [created] = await tx.insert(withdrawals).values(row).returning();
    return created as WithdrawalRow;
  },
  async update(tx: Tx, w: WithdrawalRow, patch: Partial<typeof withdrawals.$inferInsert> & { updatedAt: Date }): Promise<WithdrawalRow> {
    const [row] = await tx.update(withdrawals).set(patch).where(byId(w.clientId, w.id)).returning();
    return row as WithdrawalRow;
  },
  /** A page of a client's withdrawals; a status filter means the status as read at `now` (the machine's). */
  async list(
    db: Reader,
    clientId: string,
    filters: { status?: WithdrawalStatus | undefined; accountId?: string | undefined },
    now: Date,
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(withdrawals.clientId, clientId)];
    if (filters.status)
      where.push(statusFilter(withdrawalMachine, { status: withdrawals.status, deadline: withdrawals.validUntil }, filters.status, now));
    if (filters.accountId) where.push(eq(withdrawals.sourceAccountId, filters.accountId));
    return fetchPage(db, withdrawals, withdrawals.seq, where, page);
  },
  /**
   * The next withdrawal due for a step, claimed for this unit (SKIP LOCKED): unaccepted ones past
   * valid_until (to expire), AUTHORIZED ones whose send instant came, IN_PROGRESS ones whose
   * settlement instant came.
   */
  async claimDue(tx: Tx, step: 'expire' | 'send' | 'settle', now: Date, clientId?: string): Promise<WithdrawalRow | undefined> {
    const expiry = withdrawalMachine.spec.expiry;
    const where: SQL[] =
      step === 'expire'
        ? [inArray(withdrawals.status, [...(expiry?.from ?? [])]), lt(withdrawals.validUntil, now)]
        : step === 'send'
          ? [eq(withdrawals.status, 'AUTHORIZED'), lte(withdrawals.sendAt, now)]
          : [eq(withdrawals.status, 'IN_PROGRESS'), lte(withdrawals.settleAt, now)];
    if (clientId) where.push(eq(withdrawals.clientId, clientId));
    const [row] = await tx
      .select()
      .from(withdrawals)
      .where(and(...where))
      .orderBy(asc(withdrawals.seq))
      .limit(1)
      .for('no key update', { skipLocked: true });
    return row;
  },
};
