import { and, eq, gte, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Reader } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { ledgerTransactions } from '../../db/schema.js';
import type { Context } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type Family, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';

type Row = typeof ledgerTransactions.$inferSelect;

/**
 * Layer2 transactions (LAYER2_API.md §2.6) read from the ledger. `value` is signed from the
 * account's point of view: positive = money in (credit to the account), negative = money out.
 * `balance_after` (addition) is the account's posted balance after a POSTED line.
 */
export function transactionView(r: Row) {
  const decimals = assetOf(r.assetTypeId)?.decimals ?? 0;
  const details = (r.details ?? {}) as Record<string, unknown>;
  return {
    id: r.publicId,
    account_id: r.accountId as string,
    asset_type_id: r.assetTypeId,
    description: r.description,
    value: JsonDecimal.fromMinor(r.amount, decimals) as unknown as number,
    balance_after: r.runningBalance === null ? null : (JsonDecimal.fromMinor(r.runningBalance, decimals) as unknown as number),
    transaction_date: r.createdAt.toISOString(),
    transaction_posted_date: r.postedAt?.toISOString() ?? null,
    transaction_status: r.status,
    transaction_type: r.transactionType,
    category_type: r.categoryType,
    category_id: r.categoryId,
    ...details,
  };
}
export type TransactionView = ReturnType<typeof transactionView>;

export interface TransactionFilters extends RawPageQuery {
  start_date?: string | undefined;
  end_date?: string | undefined;
  account_id?: string | undefined;
  category_id?: string | undefined;
  category_type?: string | undefined;
  transaction_status?: string | undefined;
}

function dateRange(q: TransactionFilters): SQL[] {
  const out: SQL[] = [];
  if (q.start_date) out.push(gte(ledgerTransactions.createdAt, new Date(`${q.start_date}T00:00:00Z`)));
  if (q.end_date) {
    const end = new Date(`${q.end_date}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    out.push(lt(ledgerTransactions.createdAt, end));
  }
  if (q.start_date && q.end_date && q.start_date > q.end_date) {
    throw new AppError('VALIDATION_ERROR', 'start_date is after end_date.', 'start_date');
  }
  return out;
}

export class TransactionsService {
  private async page(db: Reader, where: SQL[], q: TransactionFilters, basePath: string, echo: Record<string, string | undefined>) {
    const page = parsePageQuery(q);
    const { rows, total } = await fetchPage(db, ledgerTransactions, ledgerTransactions.id, where, { ...page });
    // fetchPage pages by `seq`; the ledger's row id is its insertion order.
    const result = buildPage(
      page,
      rows.map((r) => ({ ...r, seq: r.id })),
      total,
      basePath,
      echo,
    );
    return { ...result, items: result.items.map(transactionView) };
  }

  async forAccount(ctx: Context, family: Family, accountId: string, q: TransactionFilters, basePath: string) {
    const account = await findAccount(ctx.db, ctx.tenantId, accountId);
    if (!account || account.family !== family) throw notFound('Account', 'account_id');
    return this.page(ctx.db, [eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId), ...dateRange(q)], q, basePath, {
      start_date: q.start_date,
      end_date: q.end_date,
    });
  }

  async one(ctx: Context, family: Family, accountId: string, transactionId: string) {
    const account = await findAccount(ctx.db, ctx.tenantId, accountId);
    if (!account || account.family !== family) throw notFound('Account', 'account_id');
    const [row] = await ctx.db
      .select()
      .from(ledgerTransactions)
      .where(and(eq(ledgerTransactions.publicId, transactionId), eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId)));
    if (!row) throw notFound('Transaction', 'transaction_id');
    return transactionView(row);
  }

  /** GET /v1/transactions/{id}: one customer-account transaction of the client. */
  async byId(ctx: Context, transactionId: string) {
    const [row] = await ctx.db
      .select()
      .from(ledgerTransactions)
      .where(
        and(
          eq(ledgerTransactions.clientId, ctx.tenantId),
          eq(ledgerTransactions.publicId, transactionId),
          isNotNull(ledgerTransactions.accountId),
        ),
      )
      .limit(1);
    if (!row) throw notFound('Transaction', 'id');
    return transactionView(row);
  }

  /** GET /v1/transactions: every customer-account transaction of the client, with filters. */
  async bulk(ctx: Context, q: TransactionFilters, basePath: string) {
    // One account's lines are found by its ledger account alone (ledger_transactions_by_account,
    // newest first), as the account's own list finds them: the account is this client's, so its
    // ledger account's lines are. (A second index by client and account cost every posting its
    // upkeep; filtering on client_id or account_id as well made the planner expect too few rows
    // and sort them all.) Another client's account, or none: no lines.
    const account = q.account_id ? await findAccount(ctx.db, ctx.tenantId, q.account_id) : undefined;
    const where: SQL[] = [
      ...(q.account_id
        ? [account ? eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId) : sql`false`]
        : [eq(ledgerTransactions.clientId, ctx.tenantId), isNotNull(ledgerTransactions.accountId)]),
      ...dateRange(q),
    ];
    if (q.category_id) where.push(eq(ledgerTransactions.categoryId, q.category_id));
    if (q.category_type) where.push(eq(ledgerTransactions.categoryType, q.category_type));
    if (q.transaction_status) where.push(eq(ledgerTransactions.status, q.transaction_status as 'POSTED'));
    return this.page(ctx.db, where, q, basePath, {
      account_id: q.account_id,
      category_id: q.category_id,
      category_type: q.category_type,
      transaction_status: q.transaction_status,
      start_date: q.start_date,
      end_date: q.end_date,
    });
  }
}
