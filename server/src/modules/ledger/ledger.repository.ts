import { and, eq, inArray } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { ledgerAccounts } from '../../db/schema.js';

/**
 * The ledger accounts as TypeScript opens and reads them. Postings, holds and their checks are
 * ledger.sql's (the ledger's one SQL source); an account is opened here, with no balance to keep.
 */
export const ledgerRepository = {
  /** A customer's ledger account: a liability of the platform, never below zero available. */
  async openCustomerAccount(tx: Tx, clientId: string, assetTypeId: string, at: Date): Promise<bigint> {
    const [row] = await tx
      .insert(ledgerAccounts)
      .values({ clientId, kind: 'customer', assetTypeId, allowNegative: false, posted: 0n, pendingIn: 0n, pendingOut: 0n, createdAt: at })
      .returning({ id: ledgerAccounts.id });
    return (row as { id: bigint }).id;
  },
  /** A platform account (may go negative, no stored balance) by its code; undefined when it exists already. */
  async insertPlatformAccount(db: Reader, code: string, assetTypeId: string, at: Date): Promise<bigint | undefined> {
    const [created] = await db
      .insert(ledgerAccounts)
      .values({
        clientId: null,
        kind: 'platform',
        code,
        assetTypeId,
        allowNegative: true,
        posted: 0n,
        pendingIn: 0n,
        pendingOut: 0n,
        createdAt: at,
      })
      .onConflictDoNothing()
      .returning({ id: ledgerAccounts.id });
    return created?.id;
  },
  async platformAccountId(db: Reader, code: string): Promise<bigint | undefined> {
    const [row] = await db
      .select({ id: ledgerAccounts.id })
      .from(ledgerAccounts)
      .where(and(eq(ledgerAccounts.code, code), eq(ledgerAccounts.kind, 'platform')));
    return row?.id;
  },
  async balances(db: Reader, ids: bigint[]) {
    return db
      .select({
        id: ledgerAccounts.id,
        posted: ledgerAccounts.posted,
        pendingIn: ledgerAccounts.pendingIn,
        pendingOut: ledgerAccounts.pendingOut,
      })
      .from(ledgerAccounts)
      .where(inArray(ledgerAccounts.id, ids));
  },
};
