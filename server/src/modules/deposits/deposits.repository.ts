import { and, asc, desc, eq, lte, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { deposits } from '../../db/schema-money.js';
import type { PageRequest } from '../../shared/pagination.js';
import type { DepositRow, DepositStatus } from './deposits.machine.js';

const byId = (clientId: string, id: string) => and(eq(deposits.clientId, clientId), eq(deposits.id, id));

/** The deposits table (this module's, with incoming funds): SQL only. */
export const depositsRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<DepositRow | undefined> {
    const [row] = await db.select().from(deposits).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<DepositRow | undefined> {
    const [row] = await tx.select().from(deposits).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** The push deposit of an account opened last (crypto arrivals are its deposits). */
  async latestPush(db: Reader, clientId: string, accountId: string): Promise<{ id: string } | undefined> {
    const [row] = await db
      .select({ id: deposits.id })
      .from(deposits)
      .where(and(eq(deposits.clientId, clientId), eq(deposits.destinationAccountId, accountId), eq(deposits.depositType, 'PUSH')))
      .orderBy(desc(deposits.seq))
      .limit(1);
    return row;
  },
  /** The deposit whose instructions carry this memo, locked. */
  async lockByMemo(tx: Tx, clientId: string, memo: string): Promise<DepositRow | undefined> {
    const [row] = await tx
      .select()
      .from(deposits)
      .where(and(eq(deposits.memo, memo), eq(deposits.clientId, clientId)))
      .for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof deposits.$inferInsert): Promise<DepositRow> {
    const [created] = await tx.insert(deposits).values(row).returning();
    return created as DepositRow;
  },
  async update(tx: Tx, d: Pick<DepositRow, 'clientId' | 'id'>, patch: Partial<typeof deposits.$inferInsert>): Promise<DepositRow> {
    const [row] = await tx.update(deposits).set(patch).where(byId(d.clientId, d.id)).returning();
    return row as DepositRow;
  },
  /** Funds arrived on a push's instructions: EXECUTED (from the first), totals grow. */
  async received(tx: Tx, clientId: string, id: string, amount: bigint, at: Date): Promise<void> {
    await tx
      .update(deposits)
      .set({
        status: 'EXECUTED',
        executedAt: sql`coalesce(${deposits.executedAt}, ${at.toISOString()}::timestamptz)`,
        receivedTotal: sql`${deposits.receivedTotal} + ${amount.toString()}::numeric`,
        receivedCount: sql`${deposits.receivedCount} + 1`,
        updatedAt: at,
      })
      .where(byId(clientId, id));
  },
  /** The next accepted pull whose settlement instant came, claimed for this unit (SKIP LOCKED). */
  async claimSettleDue(tx: Tx, now: Date, clientId?: string): Promise<DepositRow | undefined> {
    const where: SQL[] = [eq(deposits.status, 'ACCEPTED'), lte(deposits.settleAt, now)];
    if (clientId) where.push(eq(deposits.clientId, clientId));
    const [row] = await tx
      .select()
      .from(deposits)
      .where(and(...where))
      .orderBy(asc(deposits.settleAt))
      .limit(1)
      .for('no key update', { skipLocked: true });
    return row;
  },
  async list(
    db: Reader,
    clientId: string,
    filters: { status?: DepositStatus | undefined; depositType?: string | undefined; accountId?: string | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(deposits.clientId, clientId)];
    if (filters.status) where.push(eq(deposits.status, filters.status));
    if (filters.depositType) where.push(eq(deposits.depositType, filters.depositType as 'PUSH'));
    if (filters.accountId) where.push(eq(deposits.destinationAccountId, filters.accountId));
    return fetchPage(db, deposits, deposits.seq, where, page);
  },
};
