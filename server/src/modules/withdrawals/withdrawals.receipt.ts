import { maskAccountNumber } from '../../shared/bank-codes.js';
import type { Context } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { PdfLayout, renderPdf } from '../../shared/pdf.js';
import { assetOf } from '../catalogue/index.js';
import { findCounterparty } from '../counterparties/index.js';
import type { WithdrawalsService } from './withdrawals.service.js';

const mask = (v: unknown) => (typeof v === 'string' ? maskAccountNumber(v) : null);

/** The transmission receipt of an executed (or returned) withdrawal: JSON, or PDF for people. */
export async function receipt(service: WithdrawalsService, ctx: Context, id: string) {
  const w = await service.find(ctx, id);
  if (w.status !== 'EXECUTED' && w.status !== 'RETURNED') {
    throw new AppError('INVALID_STATUS_TRANSITION', `A receipt exists once the withdrawal is EXECUTED (this one is ${w.status}).`);
  }
  const cp = await findCounterparty(ctx.db, ctx.tenantId, w.destinationCounterpartyId);
  if (!cp) throw notFound('Counterparty', 'destination_counterparty_id');
  const details = cp.details as Record<string, any>;
  const account = (details.account_information ?? {}) as Record<string, unknown>;
  return {
    ...service.view(w, ctx.now),
    beneficiary: {
      counterparty_id: cp.id,
      name: details.profile?.name ?? null,
      account_number: mask(account.account_number ?? account.iban ?? account.clabe),
      institution_name: account.institution_name ?? null,
      wallet_address: cp.walletAddress,
    },
  };
}

export async function receiptPdf(service: WithdrawalsService, ctx: Context, id: string): Promise<Buffer> {
  const r = await receipt(service, ctx, id);
  const decimals = assetOf(r.asset_type_id)?.decimals ?? 2;
  const doc = new PdfLayout();
  doc.text(48, 'Ledgerline', { size: 18, bold: true });
  doc.text(547, 'Withdrawal receipt', { size: 12, right: true });
  doc.down(30);
  const rows: [string, string][] = [
    ['Withdrawal', r.id],
    ['Status', r.status],
    ['Rail', r.withdrawal_rail],
    ['Rail reference', r.rail_reference ?? ''],
    ['Amount', `${String(r.amount)} ${r.asset_type_id}`],
    ['From account', r.source_account_id],
    ['Beneficiary', String(r.beneficiary.name ?? '')],
    ['Beneficiary account', String(r.beneficiary.account_number ?? r.beneficiary.wallet_address ?? '')],
    ['Institution', String(r.beneficiary.institution_name ?? '')],
    ['Purpose', r.purpose],
    ['Memo', r.memo ?? ''],
    ['Requested', r.created_timestamp],
    ['Executed', r.executed_timestamp ?? ''],
    ...(r.returned_timestamp ? ([['Returned', r.returned_timestamp]] as [string, string][]) : []),
  ];
  for (const [k, v] of rows) {
    doc.text(48, k, { bold: true });
    doc.text(190, v);
    doc.down(16);
  }
  doc.down(16);
  doc.text(48, `Amounts in ${r.asset_type_id} (${decimals} decimals). This receipt confirms transmission to the rail.`, { size: 8 });
  return renderPdf(doc.pages, `Withdrawal receipt ${r.id}`);
}
