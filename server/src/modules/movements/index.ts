import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { accounts, customers } from '../../db/schema.js';
import type { AuthContext } from '../../platform/auth/plugin.js';
import type { WriteContext } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';
import { type AccountRow, assertTransactable, wakeDormantAccounts } from '../accounts/index.js';
import { wakeDormantCustomers } from '../customers/index.js';

/** The rows a movement holds locked, and what `touch` must wake afterwards. */
export interface MovementLock {
  source: AccountRow;
  destination: AccountRow;
  all: AccountRow[];
  /** Customers of these accounts that are DORMANT (locked FOR UPDATE, to be woken). */
  dormantCustomers: string[];
}

/**
 * What every money movement (transfer, withdrawal, deposit, exchange) does first, inside its
 * transaction, then re-checks that each party may transact (CONTRACT §5):
 *  - its accounts are locked FOR NO KEY UPDATE, in id order (movements on one account are
 *    serialised by its ledger row anyway; a share lock would deadlock when two movements wake a
 *    DORMANT account; NO KEY, because foreign-key checks of inserts elsewhere must not wait);
 *  - their customers FOR SHARE, in id order, so a status change waits for the movement while
 *    movements of one customer do not wait for each other — except a DORMANT customer, locked FOR
 *    UPDATE because the movement will wake it.
 * After posting, `touch` sets DORMANT accounts and customers back to ACTIVE: their first new
 * activity wakes them.
 */
export class MovementGuard {
  async lockForMovement(tx: Tx, auth: AuthContext, ids: readonly string[]): Promise<MovementLock> {
    const unique = [...new Set(ids)].sort();
    const rows = await tx
      .select()
      .from(accounts)
      .where(and(eq(accounts.clientId, auth.tenantId), inArray(accounts.id, unique)))
      .orderBy(asc(accounts.id))
      .for('no key update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of unique) if (!byId.has(id)) throw notFound('Account', 'account_id');
    const customerIds = [...new Set(rows.map((r) => r.customerId))].sort();
    const where = (ids: string[]) => and(eq(customers.clientId, auth.tenantId), inArray(customers.id, ids));
    const seen = await tx.select({ id: customers.id, status: customers.status }).from(customers).where(where(customerIds));
    const dormantIds = seen.filter((c) => c.status === 'DORMANT').map((c) => c.id);
    const others = customerIds.filter((id) => !dormantIds.includes(id));
    const locked = [
      ...(dormantIds.length
        ? await tx
            .select({ id: customers.id, status: customers.status })
            .from(customers)
            .where(where(dormantIds))
            .orderBy(asc(customers.id))
            .for('no key update')
        : []),
      ...(others.length
        ? await tx
            .select({ id: customers.id, status: customers.status })
            .from(customers)
            .where(where(others))
            .orderBy(asc(customers.id))
            .for('share')
        : []),
    ];
    const statusOf = new Map(locked.map((c) => [c.id, c.status]));
    const ordered = ids.map((id) => byId.get(id) as AccountRow);
    ordered.forEach((a, i) => {
      assertTransactable(a, statusOf.get(a.customerId) ?? 'CLOSED', i === 0 ? 'source account' : 'destination account');
    });
    return {
      source: ordered[0] as AccountRow,
      destination: (ordered[1] ?? ordered[0]) as AccountRow,
      all: ordered,
      dormantCustomers: locked.filter((c) => c.status === 'DORMANT').map((c) => c.id),
    };
  }

  /** DORMANT accounts and customers of the movement become ACTIVE (their modules do it). */
  async touch(ctx: WriteContext, lock: MovementLock): Promise<void> {
    await wakeDormantAccounts(
      ctx,
      lock.all.filter((a) => a.status === 'DORMANT').map((a) => a.id),
    );
    await wakeDormantCustomers(ctx, lock.dormantCustomers);
  }
}
