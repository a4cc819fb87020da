import { maskAccountNumber } from '../../shared/bank-codes.js';
import type { Context } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { type Institution, postalLines } from '../../shared/pdf-document.js';
import { findAccount } from '../accounts/index.js';
import { assetLabel, assetOf } from '../catalogue/index.js';
import { findCounterparty } from '../counterparties/index.js';
import { customerNameAndAddress, findCustomer } from '../customers/index.js';
import { renderReceiptPdf } from './receipt.pdf.js';
import type { WithdrawalsService } from './withdrawals.service.js';

const mask = (v: unknown) => (typeof v === 'string' ? maskAccountNumber(v) : null);
const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** An executed (or returned) withdrawal and its beneficiary; any other status has no receipt. */
async function load(service: WithdrawalsService, ctx: Context, id: string) {
  const w = await service.find(ctx, id);
  if (w.status !== 'EXECUTED' && w.status !== 'RETURNED') {
    throw new AppError('INVALID_STATUS_TRANSITION', `A receipt exists once the withdrawal is EXECUTED (this one is ${w.status}).`);
  }
  const cp = await findCounterparty(ctx.db, ctx.tenantId, w.destinationCounterpartyId);
  if (!cp) throw notFound('Counterparty', 'destination_counterparty_id');
  const details = cp.details as Record<string, any>;
  const account = (details.account_information ?? {}) as Record<string, unknown>;
  const beneficiary = {
    counterparty_id: cp.id,
    name: details.profile?.name ?? null,
    account_number: mask(account.account_number ?? account.iban ?? account.clabe),
    institution_name: account.institution_name ?? null,
    wallet_address: cp.walletAddress,
  };
  return { w, beneficiary };
}

/** The transmission receipt of an executed (or returned) withdrawal: JSON, or PDF for people. */
export async function receipt(service: WithdrawalsService, ctx: Context, id: string) {
  const { w, beneficiary } = await load(service, ctx, id);
  return { ...service.view(w, ctx.now), beneficiary };
}

/** The receipt as a PDF (receipt.pdf.ts lays it out): the holder, the account, the payment. */
export async function receiptPdf(service: WithdrawalsService, ctx: Context, id: string, institution: Institution): Promise<Buffer> {
  const { w, beneficiary: b } = await load(service, ctx, id);
  const account = await findAccount(ctx.db, ctx.tenantId, w.sourceAccountId);
  const customer = account ? await findCustomer(ctx.db, ctx.tenantId, account.customerId) : undefined;
  const holder = customer ? customerNameAndAddress(customer) : { name: account?.customerId ?? '', address: undefined };
  const asset = assetOf(w.assetTypeId);
  return renderReceiptPdf({
    institution,
    customer: { name: holder.name, address: postalLines(holder.address) },
    accountId: w.sourceAccountId,
    asset: { label: assetLabel(w.assetTypeId), currency: asset?.currency ?? w.assetTypeId, decimals: asset?.decimals ?? 0 },
    withdrawal: {
      id: w.id,
      status: w.status,
      rail: w.withdrawalRail,
      railReference: w.railReference,
      purpose: w.purpose,
      description: w.description,
      memo: w.memo,
      amount: w.amount,
      returnReason: w.failureReason,
      requestedAt: w.createdAt,
      acceptedAt: w.acceptedAt,
      executedAt: w.executedAt,
      returnedAt: w.returnedAt,
    },
    beneficiary: {
      counterpartyId: b.counterparty_id,
      name: text(b.name),
      accountNumber: b.account_number,
      institutionName: text(b.institution_name),
      walletAddress: b.wallet_address,
    },
    generatedAt: ctx.now,
  });
}
