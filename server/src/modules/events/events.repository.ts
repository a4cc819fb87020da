import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { eventOutbox, events } from '../../db/schema.js';
import { queryRows, textArrayLiteral } from '../../db/sql.js';
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

/** An event taken off the dispatcher's queue: who, which, what kind (the event may since be gone: see `written`). */
export type QueuedEvent = Pick<EventRow, 'clientId' | 'id' | 'eventType'>;

/** An event to deliver, as the dispatcher needs it. */
export type ClaimedEvent = Pick<EventRow, 'clientId' | 'id' | 'eventType' | 'createdAt'>;

/** The queue rows holding an event (its statement's row; none once dispatched). */
const placesOf = (clientId: string, id: string) =>
  sql`SELECT seq, event_ids, event_types FROM event_outbox WHERE client_id = ${clientId} AND ${id} = ANY (event_ids)`;

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
   * (The queue is short, the dispatcher's backlog, and has no index by event: a redelivery is rare.)
   */
  async lock(tx: Tx, clientId: string, id: string): Promise<EventRow | undefined> {
    const [row] = await tx
      .select()
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, id)));
    if (row) await queryRows(tx, sql`${placesOf(clientId, id)} FOR UPDATE`);
    return row;
  },
  /**
   * Takes events off the dispatcher's queue (event_outbox: a row per statement that wrote events),
   * oldest first, skipping rows another dispatcher holds: whole rows, as many as hold at most
   * `limit` events (always one, however large: a batch of 1,000 transfers queues 2,000). They are
   * deleted in the caller's transaction, which makes their deliveries (a rollback puts them back).
   * Their events in order.
   */
  async claimUndispatched(tx: Tx, limit: number): Promise<QueuedEvent[]> {
    const rows = await queryRows<{ client_id: string; event_ids: string[]; event_types: string[] }>(
      tx,
      sql`WITH locked AS MATERIALIZED (
            SELECT seq, cardinality(event_ids) AS n FROM event_outbox ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED),
          taken AS (
            SELECT seq FROM (SELECT seq, sum(n) OVER (ORDER BY seq) AS upto, row_number() OVER (ORDER BY seq) AS rn FROM locked) x
             WHERE x.upto <= ${limit} OR x.rn = 1),
          claimed AS (
            DELETE FROM event_outbox o USING taken WHERE o.seq = taken.seq
            RETURNING o.seq, o.client_id, o.event_ids, o.event_types)
          SELECT client_id, event_ids, event_types FROM claimed ORDER BY seq`,
    );
    return rows.flatMap((r) => r.event_ids.map((id, i) => ({ clientId: r.client_id, id, eventType: r.event_types[i] as string })));
  },
  /**
   * The events among `queued` that exist (a batch deletes the events of its refused items, whose
   * ids stay in the queue: events_discard), with what a delivery needs, in the order given.
   */
  async written(tx: Tx, queued: readonly QueuedEvent[]): Promise<ClaimedEvent[]> {
    if (!queued.length) return [];
    const found = await tx
      .select({ clientId: events.clientId, id: events.id, eventType: events.eventType, createdAt: events.createdAt })
      .from(events)
      .where(
        sql`(${events.clientId}, ${events.id}) IN (SELECT * FROM unnest(${textArrayLiteral(queued.map((q) => q.clientId))}::text[], ${textArrayLiteral(queued.map((q) => q.id))}::text[]))`,
      );
    const byKey = new Map(found.map((e) => [`${e.clientId}\n${e.id}`, e]));
    return queued.flatMap((q) => byKey.get(`${q.clientId}\n${q.id}`) ?? []);
  },
  /** Takes an event off the dispatcher's queue (its deliveries were made another way); the rest of its statement's row stays. */
  async markDispatched(tx: Tx, clientId: string, id: string): Promise<void> {
    const places = await queryRows<{ seq: string; event_ids: string[]; event_types: string[] }>(
      tx,
      sql`${placesOf(clientId, id)} FOR UPDATE`,
    );
    for (const place of places) {
      const keep = place.event_ids.flatMap((e, i) => (e === id ? [] : [i]));
      if (!keep.length) {
        await tx.delete(eventOutbox).where(eq(eventOutbox.seq, BigInt(place.seq)));
        continue;
      }
      await tx
        .update(eventOutbox)
        .set({ eventIds: keep.map((i) => place.event_ids[i] as string), eventTypes: keep.map((i) => place.event_types[i] as string) })
        .where(eq(eventOutbox.seq, BigInt(place.seq)));
    }
  },
  /** How many events wait for the dispatcher (metrics; a batch's refused items count until dispatched). */
  async countUndispatched(db: Reader): Promise<number> {
    const [row] = await db.select({ n: sql<number>`coalesce(sum(cardinality(${eventOutbox.eventIds})), 0)::int` }).from(eventOutbox);
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
