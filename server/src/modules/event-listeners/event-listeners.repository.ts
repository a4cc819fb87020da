import { and, asc, eq, gt, inArray, isNull, like, type SQL, sql } from 'drizzle-orm';
import type { Db, Reader, Tx } from '../../db/client.js';
import { events } from '../../db/schema.js';
import { type EventListenerRow, eventListeners } from './event-listeners.table.js';

export type StreamedEventRow = Pick<typeof events.$inferSelect, 'id' | 'eventType' | 'eventData' | 'createdAt' | 'seq'>;

/** SQL only: every query is scoped by the client; writes take the request's transaction. */
export const eventListenersRepository = {
  /** Rows whose private key an earlier version stored in clear (PEM). */
  async storedInClear(db: Db): Promise<Pick<EventListenerRow, 'clientId' | 'id' | 'privateKey'>[]> {
    return db
      .select({ clientId: eventListeners.clientId, id: eventListeners.id, privateKey: eventListeners.privateKey })
      .from(eventListeners)
      .where(like(eventListeners.privateKey, '-----BEGIN%'));
  },
  /** Replaces a private key's stored form, only if it is still as read (compare-and-set). */
  async replaceKey(db: Db, clientId: string, id: string, from: string, to: string): Promise<boolean> {
    const rows = await db
      .update(eventListeners)
      .set({ privateKey: to })
      .where(and(eq(eventListeners.clientId, clientId), eq(eventListeners.id, id), eq(eventListeners.privateKey, from)))
      .returning({ id: eventListeners.id });
    return rows.length > 0;
  },
  async newestSeq(db: Reader, clientId: string): Promise<bigint> {
    const [row] = await db
      .select({ seq: sql<string | null>`max(${events.seq})::text` })
      .from(events)
      .where(eq(events.clientId, clientId));
    return BigInt(row?.seq ?? 0);
  },

  async insert(db: Tx, row: typeof eventListeners.$inferInsert): Promise<EventListenerRow> {
    const [created] = await db.insert(eventListeners).values(row).returning();
    return created as EventListenerRow;
  },

  async find(db: Reader, clientId: string, id: string): Promise<EventListenerRow | undefined> {
    const [row] = await db
      .select()
      .from(eventListeners)
      .where(and(eq(eventListeners.clientId, clientId), eq(eventListeners.id, id), isNull(eventListeners.deletedAt)));
    return row;
  },

  async markDeleted(db: Tx, clientId: string, id: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(eventListeners)
      .set({ deletedAt: at })
      .where(and(eq(eventListeners.clientId, clientId), eq(eventListeners.id, id), isNull(eventListeners.deletedAt)))
      .returning({ id: eventListeners.id });
    return rows.length > 0;
  },

  /** The seq of one of the client's events (to resume after it). */
  async seqOf(db: Reader, clientId: string, eventId: string): Promise<bigint | undefined> {
    const [row] = await db
      .select({ seq: events.seq })
      .from(events)
      .where(and(eq(events.clientId, clientId), eq(events.id, eventId)));
    return row?.seq;
  },

  /** The client's events after `afterSeq`, oldest first. */
  async after(db: Reader, clientId: string, afterSeq: bigint, types: string[] | null, limit: number): Promise<StreamedEventRow[]> {
    const where: SQL[] = [eq(events.clientId, clientId), gt(events.seq, afterSeq)];
    if (types?.length) where.push(inArray(events.eventType, types));
    return db
      .select({ id: events.id, eventType: events.eventType, eventData: events.eventData, createdAt: events.createdAt, seq: events.seq })
      .from(events)
      .where(and(...where))
      .orderBy(asc(events.seq))
      .limit(limit);
  },
};
