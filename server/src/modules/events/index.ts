import type { Reader, Tx } from '../../db/client.js';
import { type ClaimedEvent, type EventRow, eventsRepository, type NewEvent, type QueuedEvent } from './events.repository.js';

export type { ClaimedEvent, EventRow, NewEvent, QueuedEvent } from './events.repository.js';

/**
 * Events (CONTRACT §9) are written in the same transaction as the change they describe; a worker
 * delivers them after commit. `event_data` is thin: `{<resource>: {id, status}}`.
 */
export async function writeEvents(tx: Tx, list: NewEvent[]): Promise<void> {
  await eventsRepository.insert(tx, list);
}

/**
 * The outbox, for the webhook dispatcher: take undispatched events off the queue in the transaction
 * that makes their deliveries (`claim`, then `written` for those somebody subscribes to), or take
 * one off when its deliveries were made another way.
 */
export const outbox = {
  claim: (tx: Tx, limit: number): Promise<QueuedEvent[]> => eventsRepository.claimUndispatched(tx, limit),
  written: (tx: Tx, queued: readonly QueuedEvent[]): Promise<ClaimedEvent[]> => eventsRepository.written(tx, queued),
  markDispatched: (tx: Tx, event: Pick<EventRow, 'clientId' | 'id'>): Promise<void> =>
    eventsRepository.markDispatched(tx, event.clientId, event.id),
  pending: (db: Reader): Promise<number> => eventsRepository.countUndispatched(db),
  find: (db: Reader, clientId: string, id: string): Promise<EventRow | undefined> => eventsRepository.find(db, clientId, id),
  lock: (tx: Tx, clientId: string, id: string): Promise<EventRow | undefined> => eventsRepository.lock(tx, clientId, id),
};

/** `CUSTOMER_FROZEN_L2F`, `ACCOUNT_OPEN`, … : the Layer2 status event name. */
export function statusEventType(resource: 'CUSTOMER' | 'ACCOUNT' | 'COUNTERPARTY', status: string): string {
  return `${resource}_${status}`;
}

/** TRANSACTION_* events: `{transaction: {id, status, account_id, category_type, category_id}}`. */
export function transactionEvent(
  clientId: string,
  status: 'AUTHORIZED' | 'PENDING' | 'POSTED' | 'CANCELLED',
  t: { id: string; accountId: string; categoryType: string; categoryId: string },
  at: Date,
): NewEvent {
  return {
    clientId,
    eventType: `TRANSACTION_${status}`,
    resourceType: 'transaction',
    resourceId: t.id,
    eventData: { transaction: { id: t.id, status, account_id: t.accountId, category_type: t.categoryType, category_id: t.categoryId } },
    at,
  };
}

export { EVENT_TYPES, isEventType } from './event-types.js';
export { eventsRoutes } from './events.routes.js';
export { EventsService, eventView } from './events.service.js';
