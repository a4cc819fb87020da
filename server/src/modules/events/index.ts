import type { Tx } from '../../db/client.js';
import { events } from '../../db/schema.js';
import { newId } from '../../shared/ids.js';

/**
 * Events (CONTRACT §9) are written in the same transaction as the change they describe; a worker
 * delivers them after commit. `event_data` is thin: `{<resource>: {id, status}}`.
 */
export interface NewEvent {
  clientId: string;
  eventType: string;
  resourceType: string;
  resourceId: string;
  eventData: Record<string, unknown>;
  at: Date;
}

export async function writeEvents(tx: Tx, list: NewEvent[]): Promise<void> {
  if (!list.length) return;
  await tx.insert(events).values(
    list.map((e) => ({
      clientId: e.clientId,
      id: newId('event'),
      eventType: e.eventType,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      eventData: e.eventData,
      createdAt: e.at,
    })),
  );
}

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
