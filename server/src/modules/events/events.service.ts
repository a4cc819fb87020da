import type { Context } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type EventRow, eventsRepository as repo } from './events.repository.js';

/** An event as the API shows it: the webhook envelope's fields, plus what it is about. */
export function eventView(row: EventRow) {
  return {
    id: row.id,
    event_type: row.eventType,
    event_date: row.createdAt.toISOString(),
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    event_data: row.eventData as Record<string, unknown>,
  };
}

export interface ListEventsQuery extends RawPageQuery {
  event_type?: string;
  resource_type?: string;
  resource_id?: string;
}

/** The events API (CONTRACT §9 additions): a client's own events, newest first. */
export class EventsService {
  async get(ctx: Context, id: string) {
    const row = await repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Event', 'id');
    return eventView(row);
  }

  async list(ctx: Context, query: ListEventsQuery, basePath: string) {
    const page = parsePageQuery(query);
    const filters = { event_type: query.event_type, resource_type: query.resource_type, resource_id: query.resource_id };
    const { rows, total } = await repo.list(
      ctx.db,
      ctx.tenantId,
      { eventType: query.event_type, resourceType: query.resource_type, resourceId: query.resource_id },
      page,
    );
    const result = buildPage(page, rows, total, basePath, filters);
    return { ...result, items: result.items.map(eventView) };
  }
}
