import type { WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { baseOf, type Status } from '../../shared/status.js';
import { lockAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService } from '../ledger/index.js';
import { adjustmentsRepository } from './adjustments.repository.js';

export interface AdjustmentInput {
  account_id: string;
  amount: number | string;
  transaction_type: 'CREDIT_CORRECTION' | 'DEBIT_CORRECTION';
  reason: string;
}

/**
 * Operator adjustments (CONTRACT §12): a credit or debit correction of a customer account against
 * the platform's adjustment account for the asset, category ADJUSTMENT. A debit cannot take the
 * account below zero available. Allowed in any status but CLOSED: corrections are the operator's.
 */
export class AdjustmentsService {
  constructor(private readonly ledger: LedgerService) {}

  async create(ctx: WriteContext, input: AdjustmentInput) {
    const { tx } = ctx;
    const auth = ctx;
    {
      const account = await lockAccount(tx, auth.tenantId, input.account_id);
      if (!account) throw notFound('Account', 'account_id');
      if (baseOf(account.status as Status) === 'CLOSED') {
        throw new AppError('NOT_TRANSACTABLE', `The account ${account.id} is CLOSED.`, 'account_id');
      }
      const asset = assetOf(account.assetTypeId);
      if (!asset) throw new Error(`unknown asset ${account.assetTypeId}`);
      const amount = toMinor(input.amount, asset.decimals);
      const at = ctx.now;
      const id = newId('adjustment');
      const sign = input.transaction_type === 'CREDIT_CORRECTION' ? 1n : -1n;
      const platform = await this.ledger.platformAccount(tx, 'adjustments', asset.asset_type_id, at);
      const txnId = newId('transaction');
      const entryId = await this.ledger.post(tx, {
        clientId: auth.tenantId,
        categoryType: 'ADJUSTMENT',
        categoryId: id,
        description: input.reason,
        at,
        lines: [
          {
            ledgerAccountId: account.ledgerAccountId,
            amount: sign * amount,
            transactionType: input.transaction_type,
            accountRef: account.id,
            publicId: txnId,
          },
          {
            ledgerAccountId: platform,
            amount: -sign * amount,
            transactionType: input.transaction_type === 'CREDIT_CORRECTION' ? 'DEBIT_CORRECTION' : 'CREDIT_CORRECTION',
          },
        ],
      });
      await adjustmentsRepository.insert(tx, {
        clientId: auth.tenantId,
        id,
        accountId: account.id,
        amount,
        transactionType: input.transaction_type,
        reason: input.reason,
        actorClientId: auth.caller.id,
        entryId,
        createdAt: at,
      });
      await writeEvents(tx, [
        transactionEvent(auth.tenantId, 'POSTED', { id: txnId, accountId: account.id, categoryType: 'ADJUSTMENT', categoryId: id }, at),
      ]);
      return {
        id,
        status: 'EXECUTED' as const,
        account_id: account.id,
        transaction_id: txnId,
        transaction_type: input.transaction_type,
        created_at: at.toISOString(),
      };
    }
  }
}
