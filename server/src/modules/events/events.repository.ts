import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { events } from '../../db/schema.js';
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

/** `(client_id, id) IN ((…), (…))`. */
const byKeys = (keys: readonly Pick<EventRow, 'clientId' | 'id'>[]) =>
  sql`(${events.clientId}, ${events.id}) IN (${sql.join(
    keys.map((k) => sql`(${k.clientId}, ${k.id})`),
    sql`, `,
  )})`;

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
  async lock(tx: Tx, clientId: string, id: string): Promise<EventRow | undefined> {
    const [row] = await tx
      .select()
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, id)))
      .for('no key update');
    return row;
  },
  /** Up to `limit` undispatched events, oldest first, skipping those another dispatcher holds. */
  async claimUndispatched(tx: Tx, limit: number): Promise<ClaimedEvent[]> {
    return tx
      .select({ clientId: events.clientId, id: events.id, eventType: events.eventType, createdAt: events.createdAt })
      .from(events)
      .where(isNull(events.dispatchedAt))
      .orderBy(asc(events.seq))
      .limit(limit)
      .for('no key update', { skipLocked: true });
  },
  /** Marks events dispatched (those not already). */
  async markDispatched(tx: Tx, keys: readonly Pick<EventRow, 'clientId' | 'id'>[], at: Date): Promise<void> {
    if (!keys.length) return;
    await tx
      .update(events)
      .set({ dispatchedAt: at })
      .where(and(byKeys(keys), isNull(events.dispatchedAt)));
  },
  /** How many events wait for the dispatcher (metrics; the partial index on undispatched rows). */
  async countUndispatched(db: Reader): Promise<number> {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(events).where(isNull(events.dispatchedAt));
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
