import { and, eq, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { cardAuthorizations, cardAuthorizationWebhooks, cardRefunds, cards } from '../../db/schema-cards.js';
import { queryRows } from '../../db/sql.js';
import type { PageRequest } from '../../shared/pagination.js';
import { type AuthorizationRow, type CardRow, type CardStatus, TERMINAL_CARD_STATUSES } from './cards.machine.js';

const cardById = (clientId: string, id: string) => and(eq(cards.clientId, clientId), eq(cards.id, id));
const authById = (clientId: string, id: string) => and(eq(cardAuthorizations.clientId, clientId), eq(cardAuthorizations.id, id));

export type WebhookRow = typeof cardAuthorizationWebhooks.$inferSelect;

/** The cards module's tables (cards, card_authorizations, card_refunds, card_authorization_webhooks): SQL only. */
export const cardsRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<CardRow | undefined> {
    const [row] = await db.select().from(cards).where(cardById(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<CardRow | undefined> {
    const [row] = await tx.select().from(cards).where(cardById(clientId, id)).for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof cards.$inferInsert): Promise<CardRow> {
    const [created] = await tx.insert(cards).values(row).returning();
    return created as CardRow;
  },
  async update(tx: Tx, c: CardRow, patch: Partial<typeof cards.$inferInsert>): Promise<CardRow> {
    const [row] = await tx.update(cards).set(patch).where(cardById(c.clientId, c.id)).returning();
    return row as CardRow;
  },
  /** Is this PAN (by its keyed hash) already issued, to anyone? */
  async panTaken(db: Reader, panHash: string): Promise<boolean> {
    const rows = await db.select({ id: cards.id }).from(cards).where(eq(cards.panHash, panHash)).limit(1);
    return rows.length > 0;
  },
  /** The cards of some accounts not yet in a terminal status, locked (a closing cascade). */
  async lockOpenOfAccounts(tx: Tx, clientId: string, accountIds: string[]): Promise<CardRow[]> {
    if (!accountIds.length) return [];
    return tx
      .select()
      .from(cards)
      .where(and(eq(cards.clientId, clientId), inArray(cards.accountId, accountIds), notInArray(cards.status, [...TERMINAL_CARD_STATUSES])))
      .orderBy(cards.id)
      .for('no key update');
  },
  async list(db: Reader, clientId: string, f: { customer_id?: string; account_id?: string; status?: CardStatus }, page: PageRequest) {
    const where: SQL[] = [eq(cards.clientId, clientId)];
    if (f.customer_id) where.push(eq(cards.customerId, f.customer_id));
    if (f.account_id) where.push(eq(cards.accountId, f.account_id));
    if (f.status) where.push(eq(cards.status, f.status));
    return fetchPage(db, cards, cards.seq, where, page);
  },

  // ---- authorizations ------------------------------------------------------------------------
  async findAuthorization(db: Reader, clientId: string, id: string): Promise<AuthorizationRow | undefined> {
    const [row] = await db.select().from(cardAuthorizations).where(authById(clientId, id));
    return row;
  },
  async lockAuthorization(tx: Tx, clientId: string, id: string): Promise<AuthorizationRow | undefined> {
    const [row] = await tx.select().from(cardAuthorizations).where(authById(clientId, id)).for('no key update');
    return row;
  },
  async insertAuthorization(tx: Tx, row: typeof cardAuthorizations.$inferInsert): Promise<AuthorizationRow> {
    const [created] = await tx.insert(cardAuthorizations).values(row).returning();
    return created as AuthorizationRow;
  },
  async updateAuthorization(
    tx: Tx,
    a: AuthorizationRow,
    patch: Partial<typeof cardAuthorizations.$inferInsert>,
  ): Promise<AuthorizationRow> {
    const [row] = await tx.update(cardAuthorizations).set(patch).where(authById(a.clientId, a.id)).returning();
    return row as AuthorizationRow;
  },
  async listAuthorizations(db: Reader, clientId: string, cardId: string, page: PageRequest) {
    return fetchPage(
      db,
      cardAuthorizations,
      cardAuthorizations.seq,
      [eq(cardAuthorizations.clientId, clientId), eq(cardAuthorizations.cardId, cardId)],
      page,
    );
  },
  /**
   * What a card spent in the UTC day and month of `at`: approved authorizations created in each
   * window, less what was reversed (a capture counts what it captured; an expired one — closed
   * EXPIRED, or PENDING past expires_at and not yet swept — counts nothing: its hold is released).
   */
  async usage(db: Reader, clientId: string, cardId: string, at: Date, now: Date): Promise<{ day: bigint; month: bigint }> {
    const dayStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    const dayEnd = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
    const monthStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    const spent = sql`CASE WHEN closed_reason = 'CAPTURED' THEN captured_amount
                           WHEN closed_reason = 'EXPIRED' THEN 0
                           WHEN status = 'PENDING' AND expires_at < ${now.toISOString()}::timestamptz THEN 0
                           ELSE amount - reversed_amount END`;
    const [row] = await queryRows<{ day: string; month: string }>(
      db,
      sql`SELECT coalesce(sum(${spent}) FILTER (WHERE created_at >= ${dayStart.toISOString()}::timestamptz
                                                  AND created_at < ${dayEnd.toISOString()}::timestamptz), 0)::text AS day,
                 coalesce(sum(${spent}), 0)::text AS month
            FROM card_authorizations
           WHERE client_id = ${clientId} AND card_id = ${cardId} AND status <> 'DECLINED'
             AND created_at >= ${monthStart.toISOString()}::timestamptz AND created_at < ${monthEnd.toISOString()}::timestamptz`,
    );
    return { day: BigInt(row?.day ?? '0'), month: BigInt(row?.month ?? '0') };
  },

  async insertRefund(tx: Tx, row: typeof cardRefunds.$inferInsert): Promise<void> {
    await tx.insert(cardRefunds).values(row);
  },

  // ---- the authorization webhook -------------------------------------------------------------
  async webhook(db: Reader, clientId: string): Promise<WebhookRow | undefined> {
    const [row] = await db.select().from(cardAuthorizationWebhooks).where(eq(cardAuthorizationWebhooks.clientId, clientId));
    return row;
  },
  async putWebhook(tx: Tx, row: typeof cardAuthorizationWebhooks.$inferInsert): Promise<WebhookRow> {
    const [saved] = await tx
      .insert(cardAuthorizationWebhooks)
      .values(row)
      .onConflictDoUpdate({
        target: cardAuthorizationWebhooks.clientId,
        set: { url: row.url, timeoutDecision: row.timeoutDecision, updatedAt: row.updatedAt },
      })
      .returning();
    return saved as WebhookRow;
  },
  async deleteWebhook(tx: Tx, clientId: string): Promise<WebhookRow | undefined> {
    const [row] = await tx.delete(cardAuthorizationWebhooks).where(eq(cardAuthorizationWebhooks.clientId, clientId)).returning();
    return row;
  },
};
