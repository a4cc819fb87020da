import type { Tx } from '../../db/client.js';
import type { DuePass } from '../../jobs/scheduler.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { gt, lt, mul, parseDecimal, rational, toDecimalText } from '../../shared/rational.js';
import { findAccount } from '../accounts/index.js';
import { assetOf, PRODUCTS } from '../catalogue/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService } from '../ledger/index.js';
import type { MovementGuard } from '../movements/index.js';
import { type ExchangeRow, type ExchangeStatus, exchangeMachine } from './exchanges.machine.js';
import { exchangesRepository as repo } from './exchanges.repository.js';
import { price } from './pricing.js';
import type { RateSource } from './rates.js';

export type { ExchangeStatus } from './exchanges.machine.js';

/** A quote (or market indication) can be accepted for this long (upstream quotes live ~15-20 s). */
export const QUOTE_SECONDS = 30;
export const DEFAULT_SLIPPAGE = '0.01';

export interface ExchangeRequest {
  source_account_id: string;
  destination_account_id: string;
  amount: number | string;
  action: 'FIX_SOURCE' | 'FIX_DESTINATION';
  description?: string | undefined;
}

/**
 * Exchanges (LAYER2_API.md §2.11) between two accounts of one customer in different assets.
 * Quote and market both price now and re-price on accept; accept executes at the new price only
 * within maximum_slippage of the first (worse for the customer by more than that: REJECTED).
 * Execution is two journal entries, one per asset, through the platform's FX liquidity and fee
 * accounts, in one transaction.
 */
export class ExchangesService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly guard: MovementGuard,
    private readonly rates: RateSource,
  ) {}

  view(e: ExchangeRow, now: Date) {
    const src = assetOf(e.sourceAssetTypeId)?.decimals ?? 0;
    const dst = assetOf(e.destinationAssetTypeId)?.decimals ?? 0;
    return {
      id: e.id,
      // A REQUESTED quote past valid_until is EXPIRED, marked or not.
      status: exchangeMachine.statusAt(e, now),
      exchange_type: e.exchangeType,
      action: e.action,
      created_timestamp: e.createdAt.toISOString(),
      valid_until: e.validUntil.toISOString(),
      executed_timestamp: e.executedAt?.toISOString() ?? null,
      description: e.description,
      rate: e.rate,
      mid_rate: e.midRate,
      spread_bps: e.spreadBps,
      fee: JsonDecimal.fromMinor(e.fee, dst) as unknown as number,
      maximum_slippage: e.maximumSlippage,
      rejection_reason: e.rejectionReason,
      source_details: {
        source_account_id: e.sourceAccountId,
        asset_type_id: e.sourceAssetTypeId,
        amount_to_debit: JsonDecimal.fromMinor(e.amountToDebit, src) as unknown as number,
      },
      destination_details: {
        destination_account_id: e.destinationAccountId,
        asset_type_id: e.destinationAssetTypeId,
        amount_to_credit: JsonDecimal.fromMinor(e.amountToCredit, dst) as unknown as number,
      },
    };
  }

  private async priceFor(
    ctx: Context,
    sourceAsset: string,
    destinationAsset: string,
    action: 'FIX_SOURCE' | 'FIX_DESTINATION',
    amount: bigint,
  ) {
    const src = assetOf(sourceAsset);
    const dst = assetOf(destinationAsset);
    if (!src || !dst) throw new Error('unknown asset');
    const mid = await this.rates.mid(ctx.db, src.currency, dst.currency);
    if (!mid) {
      throw new AppError('VALIDATION_ERROR', `Exchanging ${src.currency} for ${dst.currency} is not supported.`, 'destination_account_id');
    }
    const spreadBps = ctx.tenant.exchangeSpreadBps;
    return {
      ...price({ action, amount, mid, spreadBps, sourceDecimals: src.decimals, destinationDecimals: dst.decimals }),
      mid,
      spreadBps,
    };
  }

  async create(ctx: WriteContext, type: 'QUOTE' | 'MARKET', input: ExchangeRequest) {
    const [source, destination] = await Promise.all([
      findAccount(ctx.db, ctx.tenantId, input.source_account_id),
      findAccount(ctx.db, ctx.tenantId, input.destination_account_id),
    ]);
    if (!source) throw notFound('Source account', 'source_account_id');
    if (!destination) throw notFound('Destination account', 'destination_account_id');
    if (source.customerId !== destination.customerId) {
      throw new AppError('VALIDATION_ERROR', 'An exchange is between two accounts of one customer.', 'destination_account_id');
    }
    if (source.assetTypeId === destination.assetTypeId) {
      throw new AppError(
        'ASSET_MISMATCH',
        'An exchange swaps two different assets; use a transfer for one asset.',
        'destination_account_id',
      );
    }
    for (const [a, field] of [
      [source, 'source_account_id'],
      [destination, 'destination_account_id'],
    ] as const) {
      if (!PRODUCTS.find((p) => p.product_id === a.productId)?.exchanges) {
        throw new AppError('VALIDATION_ERROR', `Accounts of ${a.productId} do not support exchanges.`, field);
      }
    }
    const fixed = assetOf(input.action === 'FIX_SOURCE' ? source.assetTypeId : destination.assetTypeId);
    if (!fixed) throw new Error('unknown asset');
    const amount = toMinor(input.amount, fixed.decimals);
    const p = await this.priceFor(ctx, source.assetTypeId, destination.assetTypeId, input.action, amount);
    const at = ctx.now;
    return (async (tx: Tx) => {
      await this.guard.lockForMovement(tx, ctx, [source.id, destination.id]);
      const row = await repo.insert(tx, {
        clientId: ctx.tenantId,
        id: newId('exchange'),
        exchangeType: type,
        action: input.action,
        status: 'REQUESTED',
        sourceAccountId: source.id,
        destinationAccountId: destination.id,
        sourceAssetTypeId: source.assetTypeId,
        destinationAssetTypeId: destination.assetTypeId,
        amountToDebit: p.debit,
        amountToCredit: p.credit,
        fee: p.fee,
        rate: toDecimalText(p.clientRate),
        midRate: toDecimalText(p.mid),
        spreadBps: p.spreadBps,
        description: input.description ?? null,
        validUntil: new Date(at.getTime() + QUOTE_SECONDS * 1000),
        createdAt: at,
        updatedAt: at,
      });
      return this.view(row, ctx.now);
    })(ctx.tx);
  }

  private async lock(tx: Tx, clientId: string, id: string): Promise<ExchangeRow> {
    const row = await repo.lock(tx, clientId, id);
    if (!row) throw notFound('Exchange', 'id');
    return row;
  }

  private set(tx: Tx, e: ExchangeRow, patch: Parameters<typeof repo.update>[2]): Promise<ExchangeRow> {
    return repo.update(tx, e, patch);
  }

  async accept(ctx: WriteContext, id: string, maximumSlippage?: string | number) {
    const slippageText = String(maximumSlippage ?? DEFAULT_SLIPPAGE).trim();
    const slippage = parseDecimal(slippageText);
    if (!slippage)
      throw new AppError('VALIDATION_ERROR', 'maximum_slippage must be a fraction of 0 or more (0.001 = 10 bps).', 'maximum_slippage');
    // Re-price first: nothing slow (or outside the transaction's session) runs while it is open.
    const current = await repo.find(ctx.db, ctx.tenantId, id);
    if (!current) throw notFound('Exchange', 'id');
    const fixedAmount = current.action === 'FIX_SOURCE' ? current.amountToDebit : current.amountToCredit;
    const p = await this.priceFor(ctx, current.sourceAssetTypeId, current.destinationAssetTypeId, current.action, fixedAmount);
    const outcome = await (async (tx: Tx) => {
      const e = await this.lock(tx, ctx.tenantId, id);
      const at = ctx.now;
      if (exchangeMachine.expired(e, at))
        return { kind: 'expired' as const, row: await this.set(tx, e, { status: 'EXPIRED', updatedAt: at }) };
      exchangeMachine.assertMove(e, 'EXECUTED', at, 'accepted');
      const worse =
        e.action === 'FIX_SOURCE'
          ? lt(rational(p.credit), mul(rational(e.amountToCredit), rational(slippage.den - slippage.num, slippage.den)))
          : gt(rational(p.debit), mul(rational(e.amountToDebit), rational(slippage.den + slippage.num, slippage.den)));
      if (worse) {
        return {
          kind: 'rejected' as const,
          row: await this.set(tx, e, {
            status: 'REJECTED',
            maximumSlippage: slippageText,
            rejectionReason: `The price moved beyond maximum_slippage ${slippageText}: now ${toDecimalText(p.clientRate)} against ${e.rate}.`,
            updatedAt: at,
          }),
        };
      }
      const lock = await this.guard.lockForMovement(tx, ctx, [e.sourceAccountId, e.destinationAccountId]);
      const { source, destination } = lock;
      const fxSource = await this.ledger.platformAccount(tx, 'fx-liquidity', e.sourceAssetTypeId, at);
      const fxDestination = await this.ledger.platformAccount(tx, 'fx-liquidity', e.destinationAssetTypeId, at);
      const fees = await this.ledger.platformAccount(tx, 'fees', e.destinationAssetTypeId, at);
      const outId = newId('transaction');
      const inId = newId('transaction');
      await this.ledger.post(tx, {
        clientId: ctx.tenantId,
        categoryType: 'EXCHANGE',
        categoryId: e.id,
        description: e.description,
        at,
        lines: [
          { ledgerAccountId: source.ledgerAccountId, amount: -p.debit, transactionType: 'TRADE', accountRef: source.id, publicId: outId },
          { ledgerAccountId: fxSource, amount: p.debit, transactionType: 'TRADE' },
        ],
      });
      await this.ledger.post(tx, {
        clientId: ctx.tenantId,
        categoryType: 'EXCHANGE',
        categoryId: e.id,
        description: e.description,
        at,
        lines: [
          { ledgerAccountId: fxDestination, amount: -p.atMid, transactionType: 'TRADE' },
          {
            ledgerAccountId: destination.ledgerAccountId,
            amount: p.credit,
            transactionType: 'TRADE',
            accountRef: destination.id,
            publicId: inId,
          },
          ...(p.fee > 0n ? [{ ledgerAccountId: fees, amount: p.fee, transactionType: 'FEE' }] : []),
        ],
      });
      await this.guard.touch(ctx, lock);
      await writeEvents(tx, [
        transactionEvent(ctx.tenantId, 'POSTED', { id: outId, accountId: source.id, categoryType: 'EXCHANGE', categoryId: e.id }, at),
        transactionEvent(ctx.tenantId, 'POSTED', { id: inId, accountId: destination.id, categoryType: 'EXCHANGE', categoryId: e.id }, at),
      ]);
      return {
        kind: 'executed' as const,
        row: await this.set(tx, e, {
          status: 'EXECUTED',
          amountToDebit: p.debit,
          amountToCredit: p.credit,
          fee: p.fee,
          rate: toDecimalText(p.clientRate),
          midRate: toDecimalText(p.mid),
          maximumSlippage: slippageText,
          executedAt: at,
          updatedAt: at,
        }),
      };
    })(ctx.tx);
    if (outcome.kind === 'expired') {
      throw new AppError(
        'EXPIRED',
        `The quote was valid until ${outcome.row.validUntil.toISOString()}; it is now EXPIRED. Ask for a new one.`,
      ).keeping();
    }
    return this.view(outcome.row, ctx.now);
  }

  async get(ctx: Context, id: string) {
    const row = await repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Exchange', 'id');
    return this.view(row, ctx.now);
  }

  /** Scheduler task: quotes past valid_until are marked EXPIRED (they already read so). */
  expireDue(pass: DuePass): Promise<number> {
    return pass.unit((tx) => repo.expireDue(tx, pass.now, pass.clientId));
  }

  async list(ctx: Context, q: RawPageQuery & { status?: string }, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await repo.list(ctx.db, ctx.tenantId, q.status as ExchangeStatus | undefined, ctx.now, page);
    const result = buildPage(page, rows, total, basePath, { status: q.status });
    return { ...result, items: result.items.map((r) => this.view(r, ctx.now)) };
  }
}
