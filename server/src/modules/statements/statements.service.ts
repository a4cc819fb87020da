import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ledgerTransactions } from '../../db/schema.js';
import type { AuthContext } from '../../platform/auth/plugin.js';
import type { Clock } from '../../shared/clock.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { toDecimalString, toFixedString } from '../../shared/money.js';
import { PdfLayout, renderPdf } from '../../shared/pdf.js';
import { type AccountRow, type Family, findAccount, toWire } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer } from '../customers/index.js';
import { transactionView } from '../transactions/index.js';

/**
 * Monthly statements (UTC calendar months), computed from the ledger: the opening balance is the
 * running balance of the last posted line before the month, the closing balance that of the last
 * line in it; totals in and out sum the month's posted lines. Ids: `stmt_YYYY_MM`.
 */
const ID = /^stmt_(\d{4})_(\d{2})$/;
const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1));
const idOf = (d: Date) => `stmt_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

export class StatementsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private async account(auth: AuthContext, family: Family, id: string): Promise<AccountRow> {
    const account = await findAccount(this.db, auth.tenantId, id);
    if (!account || account.family !== family) throw notFound('Account', 'account_id');
    return account;
  }

  /** Months from the account's opening to the current one, newest first. */
  private months(account: AccountRow): Date[] {
    const now = this.clock.now();
    const out: Date[] = [];
    let d = monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1);
    const first = monthStart(account.createdAt.getUTCFullYear(), account.createdAt.getUTCMonth() + 1);
    while (d >= first && out.length < 1200) {
      out.push(d);
      d = monthStart(d.getUTCFullYear(), d.getUTCMonth()); // previous month
    }
    return out;
  }

  private async summary(account: AccountRow, start: Date) {
    const end = monthStart(start.getUTCFullYear(), start.getUTCMonth() + 2);
    const decimals = assetOf(account.assetTypeId)?.decimals ?? 0;
    const posted = and(eq(ledgerTransactions.ledgerAccountId, account.ledgerAccountId), eq(ledgerTransactions.kind, 'line'));
    const [[before], [totals]] = await Promise.all([
      this.db
        .select({ balance: ledgerTransactions.runningBalance })
        .from(ledgerTransactions)
        .where(and(posted, lt(ledgerTransactions.createdAt, start)))
        .orderBy(desc(ledgerTransactions.id))
        .limit(1),
      this.db
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

  async list(auth: AuthContext, family: Family, accountId: string, page: number, pageSize: number) {
    const account = await this.account(auth, family, accountId);
    const months = this.months(account);
    const slice = months.slice(page * pageSize, (page + 1) * pageSize);
    const items = await Promise.all(slice.map((m) => this.summary(account, m)));
    return { items: items.map(({ _minor, ...s }) => s), total: months.length };
  }

  async get(auth: AuthContext, family: Family, accountId: string, statementId: string) {
    const account = await this.account(auth, family, accountId);
    const m = ID.exec(statementId);
    const start = m ? monthStart(Number(m[1]), Number(m[2])) : undefined;
    if (!start || !this.months(account).some((d) => d.getTime() === start.getTime())) throw notFound('Statement', 'statement_id');
    const summary = await this.summary(account, start);
    const rows = await this.db
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
    const customer = await findCustomer(this.db, auth.tenantId, account.customerId);
    return { statement: { ...rest, lines: rows.map(transactionView) }, account, customer, minor: _minor, rows };
  }

  /** The statement as a PDF a person can read. */
  async pdf(auth: AuthContext, family: Family, accountId: string, statementId: string): Promise<Buffer> {
    const { statement, account, minor, rows } = await this.get(auth, family, accountId, statementId);
    // Fiat and most crypto print with every decimal; 18-decimal assets trim trailing zeros.
    const fmt = (v: bigint) => (minor.decimals <= 9 ? toFixedString(v, minor.decimals) : toDecimalString(v, minor.decimals));
    const doc = new PdfLayout();
    doc.text(48, 'Ledgerline', { size: 18, bold: true });
    doc.text(547, 'Account statement', { size: 12, right: true });
    doc.down(28);
    for (const [k, v] of [
      ['Account', account.id],
      ['Customer', account.customerId],
      ['Asset', account.assetTypeId],
      ['Status', toWire(account.status)],
      ['Period', `${statement.period_start} to ${statement.period_end} (UTC)`],
      ['Statement', statement.id],
    ] as const) {
      doc.text(48, k, { bold: true });
      doc.text(150, v);
      doc.down(15);
    }
    doc.down(8);
    for (const [k, v] of [
      ['Opening balance', fmt(minor.opening)],
      ['Total in', fmt(minor.totalIn)],
      ['Total out', fmt(minor.totalOut)],
      ['Closing balance', fmt(minor.opening + minor.totalIn - minor.totalOut)],
    ] as const) {
      doc.text(48, k, { bold: k.startsWith('Closing') });
      doc.text(330, v, { right: true, bold: k.startsWith('Closing') });
      doc.down(15);
    }
    doc.down(12);
    const header = () => {
      doc.text(48, 'Date', { bold: true, size: 9 });
      doc.text(130, 'Type', { bold: true, size: 9 });
      doc.text(250, 'Reference', { bold: true, size: 9 });
      doc.text(460, 'Amount', { bold: true, size: 9, right: true });
      doc.text(547, 'Balance', { bold: true, size: 9, right: true });
      doc.down(6);
      doc.rule();
      doc.down(10);
    };
    header();
    if (!rows.length) doc.text(48, 'No transactions in this period.', { size: 9 });
    for (const r of rows) {
      doc.ensure(14, header);
      doc.text(48, r.createdAt.toISOString().slice(0, 16).replace('T', ' '), { size: 8 });
      doc.text(130, r.transactionType, { size: 8 });
      doc.text(250, `${r.categoryType} ${r.categoryId}`.slice(0, 44), { size: 7 });
      doc.text(460, fmt(r.amount), { size: 8, right: true });
      doc.text(547, r.runningBalance === null ? '' : fmt(r.runningBalance), { size: 8, right: true });
      doc.down(12);
    }
    doc.ensure(30);
    doc.down(18);
    doc.text(48, `Generated ${this.clock.now().toISOString()} from the ledger. Amounts in ${account.assetTypeId}.`, { size: 7 });
    return renderPdf(doc.pages, `Statement ${statement.id} ${account.id}`);
  }
}
