import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { events } from '../../db/schema.js';
import type { PageRequest } from '../../shared/pagination.js';

export type EventRow = typeof events.$inferSelect;

export interface EventFilters {
  eventType?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
}

export const eventsRepository = {
  async find(db: Db, clientId: string, id: string): Promise<EventRow | undefined> {
    const [row] = await db
      .select()
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, id)));
    return row;
  },
  async list(db: Db, clientId: string, filters: EventFilters, page: PageRequest) {
    const where: SQL[] = [eq(events.clientId, clientId)];
    if (filters.eventType !== undefined) where.push(eq(events.eventType, filters.eventType));
    if (filters.resourceType !== undefined) where.push(eq(events.resourceType, filters.resourceType));
    if (filters.resourceId !== undefined) where.push(eq(events.resourceId, filters.resourceId));
    return fetchPage(db, events, events.seq, where, page);
  },
};
