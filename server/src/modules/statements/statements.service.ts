import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Reader } from '../../db/client.js';
import { ledgerTransactions } from '../../db/schema.js';
import type { Context } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import type { Institution } from '../../shared/pdf-document.js';
import { type AccountRow, type Family, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer } from '../customers/index.js';
import { transactionView } from '../transactions/index.js';
import { statementPdf } from './statement.document.js';

/**
 * Monthly statements (UTC calendar months), computed from the ledger: the opening balance is the
 * running balance of the last posted line before the month, the closing balance that of the last
 * line in it; totals in and out sum the month's posted lines. Ids: `stmt_YYYY_MM`.
 */
const ID = /^stmt_(\d{4})_(\d{2})$/;
const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1));
const ordinal = (d: Date) => BigInt(d.getUTCFullYear() * 12 + d.getUTCMonth());
const DEFAULT_STATEMENTS_PER_PAGE = 12;
const idOf = (d: Date) => `stmt_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

export class StatementsService {
  private async account(ctx: Context, family: Family, id: string): Promise<AccountRow> {
    const account = await findAccount(ctx.db, ctx.tenantId, id);
    if (!account || account.family !== family) throw notFound('Account', 'account_id');
    return account;
  }

  /** Months from the account's opening to the current one, newest first. */
  private months(account: AccountRow, now: Date): Date[] {
    const out: Date[] = [];
    let d = monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1);
    const first = monthStart(account.createdAt.getUTCFullYear(), account.createdAt.getUTCMonth() + 1);
    while (d >= first && out.length < 1200) {
      out.push(d);
      d = monthStart(d.getUTCFullYear(), d.getUTCMonth()); // previous month
    }
    return out;
  }

  private async summary(db: Reader, account: AccountRow, start: Date) {
    const end = monthStart(start.getUTCFullYear(), start.getUTCMonth() + 2);
    const decimals = assetOf(account.assetTypeId)?.decimals ?? 0;
    const posted = and(eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId), eq(ledgerTransactions.kind, 'line'));
    const [[before], [totals]] = await Promise.all([
      db
        .select({ balance: ledgerTransactions.runningBalance })
        .from(ledgerTransactions)
        .where(and(posted, lt(ledgerTransactions.createdAt, start)))
        .orderBy(desc(ledgerTransactions.id))
        .limit(1),
      db
        .select({
          inn: sql<string>`coalesce(sum(${ledgerTransactions.amount}) filter (where ${ledgerTransactions.amount} > 0), 0)::text`,
          out: sql<string>`coalesce(-sum(${ledgerTransactions.amount}) filter (where ${ledgerTransactions.amount} < 0), 0)::text`,
          count: sql<string>`count(*)::text`,
        })
        .from(ledgerTransactions)
        .where(and(posted, gte(ledgerTransactions.createdAt, start), lt(ledgerTransactions.createdAt, end))),
    ]);
    const opening = before?.balance ?? 0n;
    const totalIn = BigInt(totals?.inn ?? '0');
    const totalOut = BigInt(totals?.out ?? '0');
    const last = new Date(end.getTime() - 1);
    const money = (v: bigint) => JsonDecimal.fromMinor(v, decimals) as unknown as number;
    return {
      id: idOf(start),
      account_id: account.id,
      asset_type_id: account.assetTypeId,
      period_start: start.toISOString().slice(0, 10),
      period_end: last.toISOString().slice(0, 10),
      opening_balance: money(opening),
      closing_balance: money(opening + totalIn - totalOut),
      total_in: money(totalIn),
      total_out: money(totalOut),
      transaction_count: Number(totals?.count ?? '0'),
      _minor: { opening, totalIn, totalOut, decimals, end },
    };
  }

  /**
   * One page of the account's months, both styles (CONTRACT §3): page/page_size by offset, or
   * limit/cursor keyed on the month itself (its ordinal, year × 12 + month), so a cursor walk
   * stays put when a new month begins. Newest first unless `order=ASC`; 12 per page by default.
   */
  async list(ctx: Context, family: Family, accountId: string, q: RawPageQuery, basePath: string) {
    const req = parsePageQuery(q);
    if (q.page_size === undefined && q.limit === undefined) req.size = DEFAULT_STATEMENTS_PER_PAGE;
    const account = await this.account(ctx, family, accountId);
    const newestFirst = this.months(account, ctx.now).map((month) => ({ month, seq: ordinal(month) }));
    const walk = req.order === 'ASC' ? newestFirst.reverse() : newestFirst;
    const after = req.after;
    const from =
      req.style === 'cursor'
        ? walk.filter((m) => after === undefined || (req.order === 'ASC' ? m.seq > after : m.seq < after))
        : walk.slice(req.page * req.size);
    const page = buildPage(req, from.slice(0, req.size + 1), walk.length, basePath, {});
    const items = await Promise.all(page.items.map((m) => this.summary(ctx.db, account, m.month)));
    return { ...page, items: items.map(({ _minor, ...s }) => s) };
  }

  async get(ctx: Context, family: Family, accountId: string, statementId: string) {
    const account = await this.account(ctx, family, accountId);
    const m = ID.exec(statementId);
    const start = m ? monthStart(Number(m[1]), Number(m[2])) : undefined;
    if (!start || !this.months(account, ctx.now).some((d) => d.getTime() === start.getTime())) throw notFound('Statement', 'statement_id');
    const summary = await this.summary(ctx.db, account, start);
    const rows = await ctx.db
      .select()
      .from(ledgerTransactions)
      .where(
        and(
          eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId),
          eq(ledgerTransactions.kind, 'line'),
          gte(ledgerTransactions.createdAt, start),
          lt(ledgerTransactions.createdAt, summary._minor.end),
        ),
      )
      .orderBy(asc(ledgerTransactions.id));
    if (rows.length > 10_000)
      throw new AppError('VALIDATION_ERROR', 'This statement has too many lines to render; use the transactions API.', 'statement_id');
    const { _minor, ...rest } = summary;
    const customer = await findCustomer(ctx.db, ctx.tenantId, account.customerId);
    return { statement: { ...rest, lines: rows.map(transactionView) }, account, customer, minor: _minor, rows };
  }

  /** The statement as a PDF a person can read (statement.pdf.ts lays it out). */
  async pdf(ctx: Context, family: Family, accountId: string, statementId: string, institution: Institution): Promise<Buffer> {
    const computed = await this.get(ctx, family, accountId, statementId);
    return statementPdf(ctx.db, ctx.tenantId, computed, institution, ctx.now);
  }
}
