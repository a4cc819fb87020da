import type { Db, Tx } from '../../db/client.js';
import { type CustomerRow, customersRepository } from './customers.repository.js';

export { type CustomerAddress, customerNameAndAddress } from './customers.party.js';
export type { CustomerRow } from './customers.repository.js';
export { customersRoutes } from './customers.routes.js';
export { type AccountSummary, type CustomerHooks, CustomersService } from './customers.service.js';

/** For modules building on customers (accounts, applications): read or lock one customer. */
export const findCustomer = (db: Db | Tx, clientId: string, id: string): Promise<CustomerRow | undefined> =>
  customersRepository.find(db, clientId, id);
export const lockCustomer = (tx: Tx, clientId: string, id: string): Promise<CustomerRow | undefined> =>
  customersRepository.lock(tx, clientId, id);
export {
  Address,
  CorporationDetails,
  corporationFields,
  ExternalId,
  IndividualDetails,
  IndividualDetailsOfCorporate,
  individualFields,
  PatchUpdates,
  PersonDetails,
} from './customers.schemas.js';
