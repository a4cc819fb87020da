import { and, asc, eq, inArray, isNull, like, lte, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { events } from '../../db/schema.js';
import { type DeliveryStatus, subscriptions, webhookAttempts, webhookDeliveries } from '../../db/schema-webhooks.js';
import { uuidv7 } from '../../shared/ids.js';
import type { PageRequest } from '../../shared/pagination.js';
import type { ClaimedEvent } from '../events/index.js';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
/** What dispatching and redelivering need of a subscription. */
export type LiveSubscription = Pick<SubscriptionRow, 'clientId' | 'id' | 'eventType' | 'createdAt'>;

/** Platform ids of this module (`sub_…`, `whd_…`, `wha_…`): time-ordered like every other (shared/ids.ts). */
export const webhookId = (prefix: 'sub' | 'whd' | 'wha') => `${prefix}_${uuidv7()}`;

/** `(a, b) IN ((…), (…))`: rows by a two-column key (every tenant table's key leads with client_id). */
function pairIn(a: AnyPgColumn, b: AnyPgColumn, pairs: [string, string][]): SQL {
  return sql`(${a}, ${b}) IN (${sql.join(
    pairs.map(([x, y]) => sql`(${x}, ${y})`),
    sql`, `,
  )})`;
}

const d = webhookDeliveries;
const s = subscriptions;
/** Read only (a delivery's payload): the events module owns them and marks them dispatched. */
const e = events;
const liveSubscription = (clientId: string, id: string) => and(eq(s.clientId, clientId), eq(s.id, id), isNull(s.deletedAt));

/** What a worker needs to perform one claimed attempt. */
export interface ClaimedDelivery {
  clientId: string;
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  eventData: unknown;
  eventDate: Date;
  callbackUrl: string;
  privateKey: string;
  /** The claim: the row's locked_until as this worker set it. */
  lockedUntil: Date;
}

export const webhooksRepository = {
  // ---- subscriptions ------------------------------------------------------------------------
  async insertSubscription(db: Db, row: typeof subscriptions.$inferInsert): Promise<SubscriptionRow> {
    const [created] = await db.insert(s).values(row).returning();
    return created as SubscriptionRow;
  },
  async findSubscription(db: Db | Tx, clientId: string, id: string): Promise<SubscriptionRow | undefined> {
    const [row] = await db.select().from(s).where(liveSubscription(clientId, id));
    return row;
  },
  async listSubscriptions(db: Db, clientId: string, eventType: string | undefined, page: PageRequest) {
    const where: SQL[] = [eq(s.clientId, clientId), isNull(s.deletedAt)];
    if (eventType) where.push(eq(s.eventType, eventType));
    return fetchPage(db, s, s.seq, where, page);
  },
  /** Soft delete; the subscription's pending deliveries are CANCELLED. Undefined when not found. */
  async deleteSubscription(tx: Tx, clientId: string, id: string, at: Date): Promise<SubscriptionRow | undefined> {
    const [row] = await tx.update(s).set({ deletedAt: at }).where(liveSubscription(clientId, id)).returning();
    if (!row) return undefined;
    await tx
      .update(d)
      .set({ status: 'CANCELLED', nextAttemptAt: null, lockedUntil: null, lastError: 'subscription deleted' })
      .where(and(eq(d.clientId, clientId), eq(d.subscriptionId, id), eq(d.status, 'PENDING')));
    return row;
  },
  // ---- dispatch: events -> deliveries -------------------------------------------------------
  /** The live subscriptions to any of `kinds` ([client, event type]), oldest first. */
  async liveSubscriptionsFor(tx: Tx, kinds: readonly [string, string][]): Promise<LiveSubscription[]> {
    if (!kinds.length) return [];
    return tx
      .select({ clientId: s.clientId, id: s.id, eventType: s.eventType, createdAt: s.createdAt })
      .from(s)
      .where(and(isNull(s.deletedAt), pairIn(s.clientId, s.eventType, [...kinds])))
      .orderBy(asc(s.seq));
  },
  /**
   * One PENDING delivery per live subscription (`subs`, liveSubscriptionsFor) of the client and
   * event type that existed when the event happened, for events the dispatcher claimed from the
   * outbox (events module), in its transaction.
   */
  async createDeliveries(tx: Tx, claimed: readonly ClaimedEvent[], subs: readonly LiveSubscription[], now: Date): Promise<void> {
    if (!claimed.length || !subs.length) return;
    const rows: (typeof d.$inferInsert)[] = [];
    for (const ev of claimed) {
      for (const sub of subs) {
        if (sub.clientId !== ev.clientId || sub.eventType !== ev.eventType || sub.createdAt > ev.createdAt) continue;
        rows.push({
          clientId: ev.clientId,
          id: webhookId('whd'),
          subscriptionId: sub.id,
          eventId: ev.id,
          eventType: ev.eventType,
          status: 'PENDING',
          attempts: 0,
          // Due from the moment the event happened, and never later than now: a client whose sandbox
          // clock runs ahead stamps its events in the future, and its webhooks must not wait for it.
          nextAttemptAt: ev.createdAt < now ? ev.createdAt : now,
          createdAt: now,
        });
      }
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insert(d).values(rows.slice(i, i + 500));
  },

  // ---- deliveries ---------------------------------------------------------------------------
  /**
   * Claims up to `limit` due deliveries (skipping rows another worker holds or has claimed):
   * sets locked_until, and returns what the attempt needs. Run inside one transaction; the
   * caller commits before any network call.
   */
  async claimDue(tx: Tx, now: Date, lockedUntil: Date, limit: number, clientId?: string): Promise<ClaimedDelivery[]> {
    const where = [eq(d.status, 'PENDING'), lte(d.nextAttemptAt, now), or(isNull(d.lockedUntil), lte(d.lockedUntil, now))];
    if (clientId !== undefined) where.push(eq(d.clientId, clientId));
    const due = await tx
      .select({ clientId: d.clientId, id: d.id })
      .from(d)
      .where(and(...where))
      .orderBy(asc(d.nextAttemptAt))
      .limit(limit)
      .for('no key update', { skipLocked: true });
    if (!due.length) return [];
    const keys = due.map((r) => [r.clientId, r.id] as [string, string]);
    await tx
      .update(d)
      .set({ lockedUntil })
      .where(pairIn(d.clientId, d.id, keys));
    const rows = await tx
      .select({
        clientId: d.clientId,
        id: d.id,
        subscriptionId: d.subscriptionId,
        eventId: d.eventId,
        eventType: d.eventType,
        eventData: e.eventData,
        eventDate: e.createdAt,
        callbackUrl: s.callbackUrl,
        privateKey: s.privateKey,
      })
      .from(d)
      .innerJoin(e, and(eq(e.clientId, d.clientId), eq(e.id, d.eventId)))
      .innerJoin(s, and(eq(s.clientId, d.clientId), eq(s.id, d.subscriptionId)))
      .where(pairIn(d.clientId, d.id, keys))
      .orderBy(asc(d.nextAttemptAt));
    return rows.map((r) => ({ ...r, lockedUntil }));
  },
  async lockDelivery(tx: Tx, clientId: string, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await tx
      .select()
      .from(d)
      .where(and(eq(d.clientId, clientId), eq(d.id, id)))
      .for('no key update');
    return row;
  },
  async updateDelivery(tx: Tx, clientId: string, id: string, patch: Partial<typeof d.$inferInsert>): Promise<void> {
    await tx
      .update(d)
      .set(patch)
      .where(and(eq(d.clientId, clientId), eq(d.id, id)));
  },
  async insertAttempt(tx: Tx, row: Omit<typeof webhookAttempts.$inferInsert, 'id'>): Promise<void> {
    await tx.insert(webhookAttempts).values({ ...row, id: webhookId('wha') });
  },
  /** Gives a claim back (the worker stopped before it knew the outcome): due again at once. */
  async release(db: Db, c: ClaimedDelivery): Promise<void> {
    await db
      .update(d)
      .set({ lockedUntil: null })
      .where(and(eq(d.clientId, c.clientId), eq(d.id, c.id), eq(d.status, 'PENDING'), eq(d.lockedUntil, c.lockedUntil)));
  },
  async insertDeliveries(tx: Tx, rows: (typeof d.$inferInsert)[]): Promise<void> {
    if (rows.length) await tx.insert(d).values(rows);
  },
  async pendingDelivery(tx: Tx, clientId: string, eventId: string, subscriptionId: string): Promise<DeliveryRow | undefined> {
    const [row] = await tx
      .select()
      .from(d)
      .where(and(eq(d.clientId, clientId), eq(d.eventId, eventId), eq(d.subscriptionId, subscriptionId), eq(d.status, 'PENDING')))
      .for('no key update');
    return row;
  },
  async listDeliveries(
    db: Db,
    clientId: string,
    filters: { subscriptionId?: string; eventId?: string; status?: DeliveryStatus | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(d.clientId, clientId)];
    if (filters.subscriptionId !== undefined) where.push(eq(d.subscriptionId, filters.subscriptionId));
    if (filters.eventId !== undefined) where.push(eq(d.eventId, filters.eventId));
    if (filters.status !== undefined) where.push(eq(d.status, filters.status));
    return fetchPage(db, d, d.seq, where, page);
  },
  async attemptsOf(db: Db, clientId: string, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return [];
    return db
      .select()
      .from(webhookAttempts)
      .where(and(eq(webhookAttempts.clientId, clientId), inArray(webhookAttempts.deliveryId, deliveryIds)))
      .orderBy(asc(webhookAttempts.seq));
  },

  // ---- private keys stored in clear by an earlier version (webhooks.keys.ts) ---------------------
  async clearPrivateKeys(db: Db, limit: number): Promise<Pick<SubscriptionRow, 'clientId' | 'id' | 'privateKey'>[]> {
    return db
      .select({ clientId: s.clientId, id: s.id, privateKey: s.privateKey })
      .from(s)
      .where(like(s.privateKey, '-----BEGIN%'))
      .limit(limit);
  },
  /** Compare-and-set: false when another process changed the key first. */
  async replacePrivateKey(db: Db, row: Pick<SubscriptionRow, 'clientId' | 'id' | 'privateKey'>, sealed: string): Promise<boolean> {
    const updated = await db
      .update(s)
      .set({ privateKey: sealed })
      .where(and(eq(s.clientId, row.clientId), eq(s.id, row.id), eq(s.privateKey, row.privateKey)))
      .returning({ id: s.id });
    return updated.length > 0;
  },

  // ---- monitoring ---------------------------------------------------------------------------
  /** The delivery backlog, all clients (metrics): read through the partial index on PENDING rows. */
  async backlog(db: Db, now: Date) {
    const [row] = await db
      .select({
        pending: sql<number>`count(*)::int`,
        due: sql<number>`count(*) FILTER (WHERE ${d.nextAttemptAt} <= ${now.toISOString()}::timestamptz)::int`,
        oldestDue: sql<string | null>`min(${d.nextAttemptAt}) FILTER (WHERE ${d.nextAttemptAt} <= ${now.toISOString()}::timestamptz)`,
      })
      .from(d)
      .where(eq(d.status, 'PENDING'));
    const oldest = row?.oldestDue ? new Date(row.oldestDue).getTime() : undefined;
    return {
      pending: Number(row?.pending ?? 0),
      due: Number(row?.due ?? 0),
      oldestDueSeconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest) / 1000),
    };
  },
};
