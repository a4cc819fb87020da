import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { accounts, customers } from '../../db/schema.js';
import type { AuthContext } from '../../platform/auth/plugin.js';
import { notFound } from '../../shared/errors.js';
import { baseOf, type Status } from '../../shared/status.js';
import { type AccountRow, assertTransactable, toWire } from '../accounts/index.js';
import { writeEvents } from '../events/index.js';
import { writeHistory } from '../history/index.js';

/**
 * What every money movement (transfer, withdrawal, deposit, exchange) does first, inside its
 * transaction: lock the accounts and their customers FOR SHARE (a status change, which locks FOR
 * UPDATE, waits for the movement; movements do not wait for each other), and re-check that each
 * may transact (CONTRACT §5). After posting, `touch` wakes DORMANT accounts and customers: their
 * first new activity sets them back to ACTIVE.
 */
export class MovementGuard {
  async lockForMovement<const Ids extends readonly string[]>(
    tx: Tx,
    auth: AuthContext,
    ids: Ids,
  ): Promise<{ source: AccountRow; destination: AccountRow; all: AccountRow[] }> {
    const unique = [...new Set(ids)].sort();
    const rows = await tx
      .select()
      .from(accounts)
      .where(and(eq(accounts.clientId, auth.tenantId), inArray(accounts.id, unique)))
      .orderBy(asc(accounts.id))
      .for('share');
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of unique) if (!byId.has(id)) throw notFound('Account', 'account_id');
    const customerIds = [...new Set(rows.map((r) => r.customerId))].sort();
    const owners = await tx
      .select({ id: customers.id, status: customers.status })
      .from(customers)
      .where(and(eq(customers.clientId, auth.tenantId), inArray(customers.id, customerIds)))
      .orderBy(asc(customers.id))
      .for('share');
    const statusOf = new Map(owners.map((c) => [c.id, c.status]));
    const ordered = ids.map((id) => byId.get(id) as AccountRow);
    ordered.forEach((a, i) => {
      assertTransactable(a, statusOf.get(a.customerId) ?? 'CLOSED', i === 0 ? 'source account' : 'destination account');
    });
    return { source: ordered[0] as AccountRow, destination: (ordered[1] ?? ordered[0]) as AccountRow, all: ordered };
  }

  /** DORMANT accounts (and their DORMANT customers) become ACTIVE on new activity. */
  async touch(tx: Tx, auth: AuthContext, touched: AccountRow[], at: Date): Promise<void> {
    const dormant = touched.filter((a) => baseOf(a.status as Status) === 'DORMANT' && a.status === 'DORMANT');
    if (!dormant.length) return;
    for (const a of dormant) {
      const [updated] = await tx
        .update(accounts)
        .set({ status: 'ACTIVE', updatedAt: at })
        .where(and(eq(accounts.clientId, auth.tenantId), eq(accounts.id, a.id), eq(accounts.status, 'DORMANT')))
        .returning({ id: accounts.id });
      if (!updated) continue;
      await writeHistory(tx, 'account', a.id, [{ field: 'status', before: 'DORMANT', after: toWire('ACTIVE') }], {
        auth,
        reason: 'activity on a dormant account',
        at,
      });
      await writeEvents(tx, [
        {
          clientId: auth.tenantId,
          eventType: 'ACCOUNT_OPEN',
          resourceType: 'account',
          resourceId: a.id,
          eventData: { account: { id: a.id, status: 'OPEN' } },
          at,
        },
      ]);
      const [customer] = await tx
        .update(customers)
        .set({ status: 'ACTIVE', updatedAt: at })
        .where(and(eq(customers.clientId, auth.tenantId), eq(customers.id, a.customerId), eq(customers.status, 'DORMANT')))
        .returning({ id: customers.id });
      if (customer) {
        await writeHistory(tx, 'customer', customer.id, [{ field: 'status', before: 'DORMANT', after: 'ACTIVE' }], {
          auth,
          reason: 'activity on a dormant customer',
          at,
        });
        await writeEvents(tx, [
          {
            clientId: auth.tenantId,
            eventType: 'CUSTOMER_ACTIVE',
            resourceType: 'customer',
            resourceId: customer.id,
            eventData: { customer: { id: customer.id, status: 'ACTIVE' } },
            at,
          },
        ]);
      }
    }
  }
}
