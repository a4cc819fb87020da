import type { Context } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { findAccount } from '../accounts/index.js';
import type { ExchangesService } from '../exchanges/index.js';
import type { TransfersService } from '../transfers/index.js';

type Json = Record<string, any>;

/**
 * Settlements (Layer2's legacy payment accounts, GET /v1/settlements/{id}). Ledgerline keeps no
 * separate settlement engine: a settlement is the movement that takes a payment account's
 * collected funds to another account — a transfer (same asset) or an exchange (converted) whose
 * source is a payment account — and its id is that transfer's or exchange's id (docs/versions.md).
 */
const SETTLEMENT_STATUS: Record<string, string> = {
  REQUESTED: 'INITIALIZED',
  ACCEPTED: 'DELIVERING',
  EXECUTED: 'SETTLED',
};
const ASSET_TYPES = new Set(['FIAT', 'BITCOIN', 'ETHEREUM', 'POLYGON']);

/** `ETHEREUM_SEPOLIA_USDC` -> {asset_type: ETHEREUM, currency: USDC} (asset_type only where Layer2 names it). */
function assetParts(assetTypeId: string): { asset_type?: string; currency: string } {
  const [chain] = assetTypeId.split('_');
  const currency = assetTypeId.split('_').pop() as string;
  return { ...(chain && ASSET_TYPES.has(chain) && { asset_type: chain }), currency };
}

export class SettlementsService {
  constructor(
    private readonly transfers: TransfersService,
    private readonly exchanges: ExchangesService,
  ) {}

  private async movement(ctx: Context, id: string): Promise<{ kind: 'TRANSFER' | 'EXCHANGE'; m: Json } | undefined> {
    try {
      if (id.startsWith('trf_')) return { kind: 'TRANSFER', m: await this.transfers.get(ctx, id) };
      if (id.startsWith('exc_')) return { kind: 'EXCHANGE', m: await this.exchanges.get(ctx, id) };
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return undefined;
      throw err;
    }
    return undefined;
  }

  async get(ctx: Context, id: string, q: { source_account_id?: string; destination_account_id?: string }) {
    const found = await this.movement(ctx, id);
    const src = found?.m.source_details as Json | undefined;
    const dst = found?.m.destination_details as Json | undefined;
    const source = src && (await findAccount(ctx.db, ctx.tenantId, src.source_account_id));
    if (!found || !src || !dst || !source || source.family !== 'payments') throw notFound('Settlement', 'id');
    if (q.source_account_id && q.source_account_id !== src.source_account_id) throw notFound('Settlement', 'source_account_id');
    if (q.destination_account_id && q.destination_account_id !== dst.destination_account_id) {
      throw notFound('Settlement', 'destination_account_id');
    }
    const destination = await findAccount(ctx.db, ctx.tenantId, dst.destination_account_id);
    const from = assetParts(src.asset_type_id);
    const to = assetParts(dst.asset_type_id);
    const status = found.kind === 'EXCHANGE' && found.m.status === 'ACCEPTED' ? 'CONVERTING' : SETTLEMENT_STATUS[found.m.status];
    return {
      id,
      ...(status && { settlement_status: status }),
      status_detail: found.m.status as string,
      settlement_type: found.kind,
      ...(found.m.executed_timestamp && { settlement_executed_timestamp: found.m.executed_timestamp }),
      ...(to.asset_type && { settlement_asset_type: to.asset_type }),
      settlement_currency: to.currency,
      settlement_amount: dst.amount_to_credit,
      settlement_details: [
        {
          source_account_customer_id: source.customerId,
          source_account_id: source.id,
          ...(from.asset_type && { source_asset_type: from.asset_type }),
          source_currency: from.currency,
          source_amount: src.amount_to_debit,
          ...(destination && { destination_account_customer_id: destination.customerId }),
          destination_account_id: dst.destination_account_id,
          ...(to.asset_type && { destination_asset_type: to.asset_type }),
          destination_currency: to.currency,
          destination_amount: dst.amount_to_credit,
        },
      ],
    };
  }
}
