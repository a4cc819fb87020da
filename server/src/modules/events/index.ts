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
