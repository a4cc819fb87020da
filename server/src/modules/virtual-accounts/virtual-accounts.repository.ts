import { and, asc, eq, ne, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { virtualAccounts } from '../../db/schema-virtual-accounts.js';
import type { PageRequest } from '../../shared/pagination.js';
import type { VirtualAccountRow } from './virtual-accounts.machine.js';

const byId = (clientId: string, id: string) => and(eq(virtualAccounts.clientId, clientId), eq(virtualAccounts.id, id));

/** The virtual_accounts table (this module's): SQL only. */
export const virtualAccountsRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<VirtualAccountRow | undefined> {
    const [row] = await db.select().from(virtualAccounts).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<VirtualAccountRow | undefined> {
    const [row] = await tx.select().from(virtualAccounts).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** Shared lock: arrivals read the status while PATCH and closing wait (and the reverse). */
  async share(tx: Tx, clientId: string, id: string): Promise<VirtualAccountRow | undefined> {
    const [row] = await tx.select().from(virtualAccounts).where(byId(clientId, id)).for('share');
    return row;
  },
  /** Inserts, or undefined when the generated details are taken (a unique index): draw again. */
  async insert(tx: Tx, row: typeof virtualAccounts.$inferInsert): Promise<VirtualAccountRow | undefined> {
    const [created] = await tx.insert(virtualAccounts).values(row).onConflictDoNothing().returning();
    return created;
  },
  async update(tx: Tx, v: Pick<VirtualAccountRow, 'clientId' | 'id'>, patch: Partial<typeof virtualAccounts.$inferInsert>) {
    const [row] = await tx.update(virtualAccounts).set(patch).where(byId(v.clientId, v.id)).returning();
    return row as VirtualAccountRow;
  },
  /** A client's virtual account with these US details, or this IBAN (no lock). */
  async byDetails(
    db: Reader,
    clientId: string,
    details: { accountNumber: string; routingNumber: string } | { iban: string },
  ): Promise<VirtualAccountRow | undefined> {
    const where =
      'iban' in details
        ? eq(virtualAccounts.iban, details.iban)
        : and(eq(virtualAccounts.accountNumber, details.accountNumber), eq(virtualAccounts.routingNumber, details.routingNumber));
    const [row] = await db
      .select()
      .from(virtualAccounts)
      .where(and(eq(virtualAccounts.clientId, clientId), where));
    return row;
  },
  /** An account's virtual accounts not yet CLOSED, locked in id order (no deadlock between closers). */
  async lockOpenOfAccount(tx: Tx, clientId: string, accountId: string): Promise<VirtualAccountRow[]> {
    return tx
      .select()
      .from(virtualAccounts)
      .where(and(eq(virtualAccounts.clientId, clientId), eq(virtualAccounts.accountId, accountId), ne(virtualAccounts.status, 'CLOSED')))
      .orderBy(asc(virtualAccounts.id))
      .for('no key update');
  },
  async listOfAccount(
    db: Reader,
    clientId: string,
    accountId: string,
    filters: { status?: string | undefined; rail?: string | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(virtualAccounts.clientId, clientId), eq(virtualAccounts.accountId, accountId)];
    if (filters.status) where.push(eq(virtualAccounts.status, filters.status as 'ACTIVE'));
    if (filters.rail) where.push(eq(virtualAccounts.rail, filters.rail as 'ACH'));
    return fetchPage(db, virtualAccounts, virtualAccounts.seq, where, page);
  },
};
