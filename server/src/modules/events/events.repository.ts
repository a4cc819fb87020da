import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { eventOutbox, events } from '../../db/schema.js';
import { queryRows } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { PageRequest } from '../../shared/pagination.js';

export type EventRow = typeof events.$inferSelect;

export interface EventFilters {
  eventType?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
}

/** An event as the change that caused it writes it (CONTRACT §9). */
export interface NewEvent {
  clientId: string;
  eventType: string;
  resourceType: string;
  resourceId: string;
  eventData: Record<string, unknown>;
  at: Date;
}

/** An undispatched event, claimed for the webhook dispatcher. */
export type ClaimedEvent = Pick<EventRow, 'clientId' | 'id' | 'eventType' | 'createdAt'>;

export const eventsRepository = {
  async insert(tx: Tx, list: readonly NewEvent[]): Promise<void> {
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
  },
  /**
   * An event, with its place in the dispatcher's queue locked when it still has one: a dispatcher
   * taking it off is waited for (its deliveries are then visible), and none takes it meanwhile.
   */
  async lock(tx: Tx, clientId: string, id: string): Promise<EventRow | undefined> {
    const [row] = await tx
      .select()
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, id)));
    if (row) await tx.select({ seq: eventOutbox.seq }).from(eventOutbox).where(eq(eventOutbox.seq, row.seq)).for('update');
    return row;
  },
  /**
   * Takes up to `limit` events off the dispatcher's queue (event_outbox), oldest first, skipping
   * those another dispatcher holds: their rows are deleted in the caller's transaction, which makes
   * their deliveries (a rollback puts them back).
   */
  async claimUndispatched(tx: Tx, limit: number): Promise<ClaimedEvent[]> {
    const rows = await queryRows<{ client_id: string; id: string; event_type: string; created_at: string | Date }>(
      tx,
      sql`WITH claimed AS (
            DELETE FROM event_outbox WHERE seq IN (
              SELECT seq FROM event_outbox ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED)
            RETURNING seq, client_id, event_id)
          SELECT e.client_id, e.id, e.event_type, e.created_at
            FROM claimed c JOIN events e ON e.client_id = c.client_id AND e.id = c.event_id
           ORDER BY c.seq`,
    );
    return rows.map((r) => ({ clientId: r.client_id, id: r.id, eventType: r.event_type, createdAt: new Date(r.created_at) }));
  },
  /** Takes events off the dispatcher's queue (their deliveries were made another way). */
  async markDispatched(tx: Tx, list: readonly Pick<EventRow, 'seq'>[]): Promise<void> {
    if (!list.length) return;
    await tx.delete(eventOutbox).where(
      inArray(
        eventOutbox.seq,
        list.map((e) => e.seq),
      ),
    );
  },
  /** How many events wait for the dispatcher (metrics). */
  async countUndispatched(db: Reader): Promise<number> {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(eventOutbox);
    return Number(row?.n ?? 0);
  },

  async find(db: Reader, clientId: string, id: string): Promise<EventRow | undefined> {
    const [row] = await db
      .select()
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, id)));
    return row;
  },
  async list(db: Reader, clientId: string, filters: EventFilters, page: PageRequest) {
    const where: SQL[] = [eq(events.clientId, clientId)];
    if (filters.eventType !== undefined) where.push(eq(events.eventType, filters.eventType));
    if (filters.resourceType !== undefined) where.push(eq(events.resourceType, filters.resourceType));
    if (filters.resourceId !== undefined) where.push(eq(events.resourceId, filters.resourceId));
    return fetchPage(db, events, events.seq, where, page);
  },
};
