import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db, Reader, Tx } from '../../db/client.js';
import { pgErrorCode } from '../../db/client.js';
import { ledgerTransactions } from '../../db/schema.js';
import { queryRows } from '../../db/sql.js';
import type { DuePass } from '../../jobs/scheduler.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { ledgerRepository } from './ledger.repository.js';

/**
 * The ledger's write side. Every operation is one call of a PL/pgSQL function (ledger.sql, the
 * functions' one source): one round trip, the same on PGlite and PostgreSQL. Callers pass
 * their transaction; the functions lock customer ledger rows in id order.
 */
export interface Line {
  ledgerAccountId: bigint;
  /** Signed minor units from the account's view: + in, - out. */
  amount: bigint;
  transactionType: string;
  /** The external account id, for customer accounts (what the transactions API shows). */
  accountRef?: string | null;
  description?: string | null;
  details?: Record<string, unknown> | null;
  /** Given to make the public id known before the call (events, responses). */
  publicId?: string;
}

export interface Posting {
  clientId: string | null;
  categoryType: string;
  categoryId: string;
  description?: string | null;
  at: Date;
  lines: Line[];
}

export interface HoldRequest {
  clientId: string | null;
  debit: { ledgerAccountId: bigint; accountRef?: string | null; transactionType: string; publicId?: string };
  credit: { ledgerAccountId: bigint; accountRef?: string | null; transactionType: string; publicId?: string };
  /** Which sides get a visible hold row (customer accounts). */
  visible: { debit: boolean; credit: boolean };
  amount: bigint;
  categoryType: string;
  categoryId: string;
  description?: string | null;
  expiresAt?: Date | null;
  at: Date;
}

/** The refusal of a posting the available balance does not cover (LL001, or a function's INSUFFICIENT_FUNDS item). */
export const insufficientFunds = () => new AppError('INSUFFICIENT_FUNDS', 'The available balance does not cover the amount.');

/** Ledger SQLSTATEs (raised by the functions) mapped onto the error catalogue; anything else rethrown. */
export function translateLedgerError(err: unknown): never {
  const code = pgErrorCode(err);
  if (code === 'LL001' || code === '23514') throw insufficientFunds();
  if (code === 'LL003') {
    throw new AppError('INVALID_STATUS_TRANSITION', 'The hold was already posted, voided or expired.');
  }
  // Tenancy's database backstop: a customer account of another client is, to this client, absent.
  if (code === 'LL004') throw new AppError('NOT_FOUND', 'Account not found.');
  throw err;
}

const linesJson = (lines: Line[]) =>
  JSON.stringify(
    lines.map((l) => ({
      account: l.ledgerAccountId.toString(),
      amount: l.amount.toString(),
      type: l.transactionType,
      public_id: l.publicId ?? newId('transaction'),
      account_ref: l.accountRef ?? null,
      description: l.description ?? null,
      details: l.details ?? null,
    })),
  );

const one = async <T>(db: Db | Tx, q: SQL, key: string): Promise<T> => (await queryRows<Record<string, T>>(db, q))[0]?.[key] as T;

/** An open hold that expired by time, for its owner (category_type) to follow. */
export interface ExpiredHold {
  holdId: bigint;
  clientId: string | null;
  categoryType: string;
  categoryId: string;
  expiredAt: Date;
}

export class LedgerService {
  private readonly platformIds = new Map<string, bigint>();
  private readonly expiryOwners = new Map<string, (tx: Tx, hold: ExpiredHold) => Promise<void>>();

  /** The owner of holds of one category_type (e.g. CARD) follows their expiry in the same transaction. */
  onHoldExpired(categoryType: string, follow: (tx: Tx, hold: ExpiredHold) => Promise<void>): void {
    this.expiryOwners.set(categoryType, follow);
  }

  /**
   * Scheduler task: open holds past their expires_at are released as EXPIRED (available comes back),
   * at their own expiry instant, and each owner follows in the same unit. Batches of 100.
   */
  async expireDue(pass: DuePass): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await pass.unit(async (tx) => {
        const rows = await queryRows<{
          hold_id: string;
          client_id: string | null;
          category_type: string;
          category_id: string;
          expired_at: string;
        }>(
          tx,
          sql`SELECT hold_id::text, client_id, category_type, category_id, expired_at::text
                FROM ledger_holds_expire(${pass.clientId ?? null}::text, ${pass.now.toISOString()}::timestamptz, 100)`,
        );
        for (const r of rows) {
          await this.expiryOwners.get(r.category_type)?.(tx, {
            holdId: BigInt(r.hold_id),
            clientId: r.client_id,
            categoryType: r.category_type,
            categoryId: r.category_id,
            expiredAt: new Date(r.expired_at),
          });
        }
        return rows.length;
      });
      total += n;
      if (n < 100) return total;
    }
  }

  /** Posts one balanced journal entry; returns its id. */
  async post(tx: Tx, p: Posting): Promise<bigint> {
    try {
      const id = await one<string | number>(
        tx,
        sql`SELECT ledger_post(${p.clientId}, ${p.categoryType}, ${p.categoryId}, ${p.description ?? null},
          ${p.at.toISOString()}::timestamptz, ${linesJson(p.lines)}::jsonb)::text AS id`,
        'id',
      );
      return BigInt(id);
    } catch (err) {
      translateLedgerError(err);
    }
  }

  async authorize(tx: Tx, h: HoldRequest): Promise<bigint> {
    const rows = [
      ...(h.visible.debit
        ? [
            {
              side: 'debit',
              public_id: h.debit.publicId ?? newId('transaction'),
              type: h.debit.transactionType,
              account_ref: h.debit.accountRef ?? null,
            },
          ]
        : []),
      ...(h.visible.credit
        ? [
            {
              side: 'credit',
              public_id: h.credit.publicId ?? newId('transaction'),
              type: h.credit.transactionType,
              account_ref: h.credit.accountRef ?? null,
            },
          ]
        : []),
    ];
    try {
      const id = await one<string>(
        tx,
        sql`SELECT ledger_hold_authorize(${h.clientId}, ${h.debit.ledgerAccountId.toString()}::bigint,
          ${h.credit.ledgerAccountId.toString()}::bigint, ${h.amount.toString()}::numeric, ${h.categoryType}, ${h.categoryId},
          ${h.description ?? null}, ${h.expiresAt?.toISOString() ?? null}::timestamptz, ${h.at.toISOString()}::timestamptz,
          ${JSON.stringify(rows)}::jsonb)::text AS id`,
        'id',
      );
      return BigInt(id);
    } catch (err) {
      translateLedgerError(err);
    }
  }

  /** Posts an open hold (all, or part: amount <= authorized); lines as for post(). */
  async postHold(tx: Tx, holdId: bigint, amount: bigint, description: string | null, at: Date, lines: Line[]): Promise<bigint> {
    try {
      const id = await one<string>(
        tx,
        sql`SELECT ledger_hold_post(${holdId.toString()}::bigint, ${amount.toString()}::numeric, ${description},
          ${at.toISOString()}::timestamptz, ${linesJson(lines)}::jsonb)::text AS id`,
        'id',
      );
      return BigInt(id);
    } catch (err) {
      translateLedgerError(err);
    }
  }

  /** Resizes an open hold (a card authorization's increment or partial reversal); more is funds-checked. */
  async resizeHold(tx: Tx, holdId: bigint, amount: bigint): Promise<void> {
    try {
      await tx.execute(sql`SELECT ledger_hold_resize(${holdId.toString()}::bigint, ${amount.toString()}::numeric)`);
    } catch (err) {
      translateLedgerError(err);
    }
  }

  /** Releases an open hold without posting (VOIDED by a party, EXPIRED by time). */
  async voidHold(tx: Tx, holdId: bigint, status: 'VOIDED' | 'EXPIRED', at: Date): Promise<void> {
    try {
      await tx.execute(
        sql`SELECT (ledger_hold_release(${holdId.toString()}::bigint, ${status}, NULL, ${at.toISOString()}::timestamptz)).id`,
      );
    } catch (err) {
      translateLedgerError(err);
    }
  }

  /** Marks an open hold as in flight (PENDING): the client can no longer cancel it. */
  async holdPending(tx: Tx, holdId: bigint): Promise<void> {
    try {
      await tx.execute(sql`SELECT ledger_hold_pending(${holdId.toString()}::bigint)`);
    } catch (err) {
      translateLedgerError(err);
    }
  }

  /**
   * A platform account by code (e.g. `adjustments:FIAT_TESTNET_USD`), created on first use. It may
   * go negative and keeps no stored balance (derived from its lines), so it is never a lock.
   */
  async platformAccount(db: Db | Tx, code: string, assetTypeId: string, at: Date): Promise<bigint> {
    const key = `${code}|${assetTypeId}`;
    const cached = this.platformIds.get(key);
    if (cached !== undefined) return cached;
    const fullCode = `${code}:${assetTypeId}`;
    const created = await ledgerRepository.insertPlatformAccount(db, fullCode, assetTypeId, at);
    // Created in the caller's transaction: it may still roll back, so it is not cached yet.
    if (created !== undefined) return created;
    // Already there: ON CONFLICT waited for its creator to commit, so the row is durable.
    const row = await ledgerRepository.platformAccountId(db, fullCode);
    if (row === undefined) throw new Error(`platform account ${fullCode} could not be created`);
    this.platformIds.set(key, row);
    return row;
  }

  /**
   * The invariant check (CONTRACT §12): per asset the posted lines sum to zero; every customer
   * account's stored balances equal its lines and open holds; running balances chain.
   */
  async verify(db: Reader) {
    const assetRows = await queryRows<{ asset_type_id: string; sum: string }>(
      db,
      sql`
      SELECT asset_type_id, sum(amount)::text AS sum FROM ledger_transactions WHERE kind = 'line'
      GROUP BY asset_type_id ORDER BY asset_type_id`,
    );
    const mismatchedRows = await queryRows<Record<string, string>>(
      db,
      sql`
      SELECT a.id::text AS ledger_account_id, a.client_id, a.asset_type_id,
             a.posted::text AS posted, coalesce(l.total, 0)::text AS lines,
             a.pending_out::text AS pending_out, coalesce(h.out_open, 0)::text AS holds_out,
             a.pending_in::text AS pending_in, coalesce(h.in_open, 0)::text AS holds_in
        FROM ledger_accounts a
        LEFT JOIN (SELECT ledger_account_id, sum(amount) AS total FROM ledger_transactions WHERE kind = 'line'
                    GROUP BY 1) l ON l.ledger_account_id = a.id
        LEFT JOIN (SELECT acc, sum(o) AS out_open, sum(i) AS in_open FROM (
                     SELECT debit_account_id AS acc, amount AS o, 0 AS i FROM ledger_holds WHERE status = 'OPEN'
                     UNION ALL
                     SELECT credit_account_id, 0, amount FROM ledger_holds WHERE status = 'OPEN') x GROUP BY acc) h
               ON h.acc = a.id
       WHERE a.kind = 'customer'
         AND (a.posted <> coalesce(l.total, 0) OR a.pending_out <> coalesce(h.out_open, 0)
              OR a.pending_in <> coalesce(h.in_open, 0) OR a.posted - a.pending_out < 0)`,
    );
    const chains = await queryRows<{ ledger_account_id: string }>(
      db,
      sql`
      SELECT ledger_account_id::text AS ledger_account_id FROM (
        SELECT ledger_account_id, running_balance,
               sum(amount) OVER (PARTITION BY ledger_account_id ORDER BY id) AS expected
          FROM ledger_transactions t
         WHERE kind = 'line' AND running_balance IS NOT NULL) s
       WHERE running_balance <> expected GROUP BY ledger_account_id`,
    );
    const badChains = new Set(chains.map((r) => r.ledger_account_id));
    for (const id of badChains) {
      if (!mismatchedRows.some((r) => r.ledger_account_id === id))
        mismatchedRows.push({ ledger_account_id: id, reason: 'running balance chain broken' });
    }
    return {
      balanced: assetRows.every((a) => BigInt(a.sum) === 0n) && mismatchedRows.length === 0,
      assets: assetRows.map((a) => ({ asset_type_id: a.asset_type_id, sum: a.sum })),
      mismatched_accounts: mismatchedRows,
    };
  }

  /** The public ids of a hold's visible rows (the AUTHORIZED/PENDING/CANCELLED transactions). */
  async holdRowIds(db: Db | Tx, holdId: bigint): Promise<string[]> {
    const rows = await db
      .select({ id: ledgerTransactions.publicId })
      .from(ledgerTransactions)
      .where(and(eq(ledgerTransactions.holdId, holdId), eq(ledgerTransactions.kind, 'hold')));
    return rows.map((r) => r.id);
  }
}
