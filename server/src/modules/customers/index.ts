import type { Db, Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { writeEvents } from '../events/index.js';
import { writeHistory } from '../history/index.js';
import { type CustomerRow, customersRepository } from './customers.repository.js';

export { type CustomerAddress, customerNameAndAddress } from './customers.party.js';
export type { CustomerRow } from './customers.repository.js';
export { customersRoutes } from './customers.routes.js';
export { type AccountSummary, type CustomerHooks, CustomersService, encryptStoredCustomers } from './customers.service.js';

/** For modules building on customers (accounts, applications): read or lock one customer. */
export const findCustomer = (db: Db | Tx, clientId: string, id: string): Promise<CustomerRow | undefined> =>
  customersRepository.find(db, clientId, id);
export const lockCustomer = (tx: Tx, clientId: string, id: string): Promise<CustomerRow | undefined> =>
  customersRepository.lock(tx, clientId, id);
/**
 * The dormancy sweep (accounts module, CONTRACT §5), once it has set idle accounts DORMANT: customers
 * whose accounts are all DORMANT or CLOSED become DORMANT. Returns them; the caller writes history and events.
 */
export const markDormantCustomers = (
  tx: Tx,
  p: { clientId?: string | undefined; cutoff: Date; now: Date },
): Promise<{ client_id: string; id: string }[]> => customersRepository.markDormant(tx, p);
export {
  Address,
  CorporationDetails,
  corporationFields,
  ExternalId,
  IndividualDetails,
  IndividualDetailsOfCorporate,
  individualFields,
  MaskedPersonalFields,
  PatchUpdates,
  PersonDetails,
} from './customers.schemas.js';

/**
 * A money movement's first activity for DORMANT customers wakes them (CONTRACT §5): ACTIVE again,
 * with history and a CUSTOMER_ACTIVE event. The caller holds their rows FOR NO KEY UPDATE.
 */
export async function wakeDormantCustomers(ctx: WriteContext, ids: readonly string[]): Promise<void> {
  for (const id of new Set(ids)) {
    const [row] = await customersRepository.wake(ctx.tx, ctx.tenantId, id, ctx.now);
    if (!row) continue;
    await writeHistory(ctx.tx, 'customer', id, [{ field: 'status', before: 'DORMANT', after: 'ACTIVE' }], {
      auth: ctx,
      reason: 'activity on a dormant customer',
      at: ctx.now,
    });
    await writeEvents(ctx.tx, [
      {
        clientId: ctx.tenantId,
        eventType: 'CUSTOMER_ACTIVE',
        resourceType: 'customer',
        resourceId: id,
        eventData: { customer: { id, status: 'ACTIVE' } },
        at: ctx.now,
      },
    ]);
  }
}
