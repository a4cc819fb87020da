import type { Reader, Tx } from '../../db/client.js';
import type { VirtualAccountRow } from './virtual-accounts.machine.js';
import { virtualAccountsRepository } from './virtual-accounts.repository.js';

export { RETURN_REASON, type VirtualAccountRow, virtualAccountMachine } from './virtual-accounts.machine.js';
export { abaCheckDigit, ibanCheckDigits, SANDBOX_BIC, SANDBOX_ROUTING_NUMBER } from './virtual-accounts.numbers.js';
export { virtualAccountsRoutes } from './virtual-accounts.routes.js';
export { closeVirtualAccountsOf, RAIL_CURRENCY, VirtualAccountsService } from './virtual-accounts.service.js';

export type VirtualAccountDetails = { accountNumber: string; routingNumber: string } | { iban: string };

/** For arrivals (deposits module): the client's virtual account with these details, unlocked. */
export const findVirtualAccountByDetails = (db: Reader, clientId: string, details: VirtualAccountDetails) =>
  virtualAccountsRepository.byDetails(db, clientId, details);

/** For arrivals: the virtual account under a shared lock (its status holds until commit). */
export const shareVirtualAccount = (tx: Tx, clientId: string, id: string): Promise<VirtualAccountRow | undefined> =>
  virtualAccountsRepository.share(tx, clientId, id);

/** For arrivals' listing: one virtual account of a client. */
export const findVirtualAccount = (db: Reader, clientId: string, id: string): Promise<VirtualAccountRow | undefined> =>
  virtualAccountsRepository.find(db, clientId, id);
