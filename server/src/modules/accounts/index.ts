import type { Db, Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { writeEvents } from '../events/index.js';
import { writeHistory } from '../history/index.js';
import { type AccountRow, accountsRepository } from './accounts.repository.js';
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
