import type { Db, Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { writeEvents } from '../events/index.js';
import { writeHistory } from '../history/index.js';
import { type AccountRow, accountsRepository, type LeaseRow } from './accounts.repository.js';
import { toWire } from './accounts.service.js';

export type { AccountRow, LeaseRow } from './accounts.repository.js';
export { accountsRoutes } from './accounts.routes.js';
export {
  type AccountsClosedHook,
  AccountsService,
  assertTransactable,
  type Family,
  fromWire,
  LEASE_SECONDS,
  LEASE_TRANSACTIONS,
  type LeaseTerms,
  type OpenInput,
  toWire,
} from './accounts.service.js';

/** For money-moving modules: read or lock one account of a client. */
export const findAccount = (db: Db | Tx, clientId: string, id: string): Promise<AccountRow | undefined> =>
  accountsRepository.find(db, clientId, id);
export const lockAccount = (tx: Tx, clientId: string, id: string): Promise<AccountRow | undefined> =>
  accountsRepository.lock(tx, clientId, id);

/** For deposits: the lease of the address crypto funds arrived at, locked (undefined: none of this client). */
export const lockLeaseAt = (tx: Tx, clientId: string, assetTypeId: string, walletAddress: string): Promise<LeaseRow | undefined> =>
  accountsRepository.lockLeaseByAddress(tx, clientId, assetTypeId, walletAddress);

/**
 * Can a locked lease no longer receive? An enforced lease ends at its end date, its transaction
 * count or its value; one found ended is marked expired (once). Unenforced leases never end.
 */
export async function leaseEnded(tx: Tx, lease: LeaseRow, at: Date): Promise<boolean> {
  if (!lease.leaseEnforced) return false;
  const ended =
    lease.expiredAt !== null ||
    (lease.leaseEndDate !== null && lease.leaseEndDate <= at) ||
    (lease.leaseTransactionLimit !== null && lease.receivedCount >= lease.leaseTransactionLimit) ||
    (lease.leaseValueLimit !== null && lease.receivedValue >= lease.leaseValueLimit);
  if (ended && lease.expiredAt === null) await accountsRepository.updateLease(tx, lease, { expiredAt: at });
  return ended;
}

/** Funds credited through a locked lease: its count and value grow; an enforced lease that reached a limit expires. */
export async function recordLeaseReceipt(tx: Tx, lease: LeaseRow, amount: bigint, at: Date): Promise<void> {
  const receivedCount = lease.receivedCount + 1;
  const receivedValue = lease.receivedValue + amount;
  const exhausted =
    (lease.leaseTransactionLimit !== null && receivedCount >= lease.leaseTransactionLimit) ||
    (lease.leaseValueLimit !== null && receivedValue >= lease.leaseValueLimit);
  await accountsRepository.updateLease(tx, lease, {
    receivedCount,
    receivedValue,
    ...(exhausted && lease.leaseEnforced && { expiredAt: at }),
  });
}

/**
 * A money movement's first activity on DORMANT accounts wakes them (CONTRACT §5): OPEN again, with
 * history and an ACCOUNT_OPEN event. The caller holds the accounts' row locks.
 */
export async function wakeDormantAccounts(ctx: WriteContext, ids: readonly string[]): Promise<void> {
  for (const id of new Set(ids)) {
    const woken = await accountsRepository.wake(ctx.tx, ctx.tenantId, id, ctx.now);
    if (!woken) continue;
    await writeHistory(ctx.tx, 'account', id, [{ field: 'status', before: 'DORMANT', after: toWire('ACTIVE') }], {
      auth: ctx,
      reason: 'activity on a dormant account',
      at: ctx.now,
    });
    await writeEvents(ctx.tx, [
      {
        clientId: ctx.tenantId,
        eventType: 'ACCOUNT_OPEN',
        resourceType: 'account',
        resourceId: id,
        eventData: { account: { id, status: 'OPEN' } },
        at: ctx.now,
      },
    ]);
  }
}
