import type { Db, Tx } from '../../db/client.js';
import type { ledgerTransactions } from '../../db/schema.js';
import { type Institution, postalLines } from '../../shared/pdf-document.js';
import type { AccountRow } from '../accounts/index.js';
import { assetLabel, assetOf } from '../catalogue/index.js';
import { customerNameAndAddress, findCustomer } from '../customers/index.js';
import { renderStatementPdf, type StatementModel } from './statement.pdf.js';

/** What StatementsService.get computed for one month. */
export interface ComputedStatement {
  statement: { id: string; period_start: string; period_end: string };
  account: AccountRow;
  minor: { opening: bigint; totalIn: bigint; totalOut: bigint; decimals: number; end: Date };
  rows: (typeof ledgerTransactions.$inferSelect)[];
}

/**
 * Gathers what the statement prints besides the ledger (the holder's name and address, the
 * asset's name) and renders it. The period is interim while `now` is before its end.
 */
export async function statementPdf(
  db: Db | Tx,
  clientId: string,
  s: ComputedStatement,
  institution: Institution,
  now: Date,
): Promise<Buffer> {
  const customer = await findCustomer(db, clientId, s.account.customerId);
  const holder = customer ? customerNameAndAddress(customer) : { name: s.account.customerId, address: undefined };
  const { opening, totalIn, totalOut, decimals, end } = s.minor;
  const model: StatementModel = {
    institution,
    customer: { name: holder.name, address: postalLines(holder.address) },
    accountId: s.account.id,
    asset: {
      label: assetLabel(s.account.assetTypeId),
      currency: assetOf(s.account.assetTypeId)?.currency ?? s.account.assetTypeId,
      decimals,
    },
    statementId: s.statement.id,
    periodStart: new Date(`${s.statement.period_start}T00:00:00Z`),
    periodEnd: new Date(`${s.statement.period_end}T00:00:00Z`),
    interim: now < end,
    generatedAt: now,
    opening,
    totalIn,
    totalOut,
    closing: opening + totalIn - totalOut,
    lines: s.rows.map((r) => ({
      date: r.createdAt,
      type: r.transactionType,
      description: r.description,
      reference: r.publicId,
      amount: r.amount,
      balance: r.runningBalance,
    })),
  };
  return renderStatementPdf(model);
}
