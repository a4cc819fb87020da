import type { Db, Tx } from '../../db/client.js';
import { AppError } from '../../shared/errors.js';
import { canTransact } from '../../shared/status.js';
import { counterpartiesRepository } from './counterparties.repository.js';
import { type CounterpartyRecord, toRecord } from './counterparties.view.js';

export { CounterpartyLinking } from './counterparties.link.js';
export { encryptStoredCounterparties } from './counterparties.repository.js';
export { counterpartiesRoutes, counterpartySimulationRoutes } from './counterparties.routes.js';
export { COUNTERPARTY_TYPES, type CounterpartyType, RAILS } from './counterparties.schemas.js';
export { CounterpartiesService } from './counterparties.service.js';
export type { CounterpartyRecord } from './counterparties.view.js';

/** For money-moving modules (withdrawals, deposits): one counterparty of a client. */
export async function findCounterparty(db: Db | Tx, clientId: string, id: string): Promise<CounterpartyRecord | undefined> {
  const row = await counterpartiesRepository.find(db, clientId, id);
  return row && toRecord(row);
}

/** The same, locked FOR SHARE: its status cannot change until the caller's transaction ends. */
export async function lockCounterparty(tx: Tx, clientId: string, id: string): Promise<CounterpartyRecord | undefined> {
  const row = await counterpartiesRepository.share(tx, clientId, id);
  return row && toRecord(row);
}

/** Refuses a counterparty whose status does not allow sending or receiving funds (CONTRACT §5). */
export function assertCounterpartyUsable(c: CounterpartyRecord, field?: string): void {
  if (!canTransact(c.status)) {
    throw new AppError('NOT_TRANSACTABLE', `The counterparty ${c.id} is ${c.status} and cannot send or receive funds.`, field);
  }
}
