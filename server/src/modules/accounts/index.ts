import type { Db, Tx } from '../../db/client.js';
import { type AccountRow, accountsRepository } from './accounts.repository.js';

export type { AccountRow, LeaseRow } from './accounts.repository.js';
export { accountsRoutes } from './accounts.routes.js';
export {
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
