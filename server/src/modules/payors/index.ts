import type { Reader } from '../../db/client.js';
import { type PayorRow, payorsRepository } from './payors.repository.js';

export type { PayorRow } from './payors.repository.js';
export { payorsRoutes } from './payors.routes.js';
export { PayorsService } from './payors.service.js';

/** For deposits (a lease's payor on a crypto arrival): one payor of a customer. */
export const findPayor = (db: Reader, clientId: string, customerId: string, id: string): Promise<PayorRow | undefined> =>
  payorsRepository.find(db, clientId, customerId, id);
