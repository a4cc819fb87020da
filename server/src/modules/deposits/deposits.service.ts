import type { Tx } from '../../db/client.js';
import { pgErrorCode } from '../../db/client.js';
import type { deposits } from '../../db/schema-money.js';
import type { DuePass } from '../../jobs/scheduler.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type AccountsService, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { assertCounterpartyUsable, findCounterparty } from '../counterparties/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService } from '../ledger/index.js';
import type { MovementGuard } from '../movements/index.js';
import { cryptoInstructions, fiatInstructions, newMemo } from './deposits.instructions.js';
import { type DepositRow, type DepositStatus, depositMachine } from './deposits.machine.js';
import { depositsRepository as repo } from './deposits.repository.js';

export type { DepositRow } from './deposits.machine.js';

/** Sandbox rail delays for pulls (ACH pull "settles by itself after a few minutes"). */
export const PULL_SETTLE_SECONDS = 180;

export interface CreateDepositInput {
  deposit_type: 'PUSH' | 'PULL';
  deposit_destination: { destination_account_id: string; asset_type_id?: unknown };
  deposit_source?: { source_counterparty_id?: string; asset_type_id?: unknown; deposit_instructions?: unknown };
  deposit_details?: { amount: number | string; reference?: string };
}

/**
 * Deposits (LAYER2_API.md §2.8). PUSH: reusable instructions (a memo for fiat rails, the account's
 * address for crypto); funds that arrive are matched by IncomingFundsService. PULL: an ACH debit of
 * a linked counterparty: accept puts the amount in flight (a PENDING credit), the rail settles it
 * after its delay (POSTED), and it can be returned.
 */
export class DepositsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly guard: MovementGuard,
    private readonly accounts: AccountsService,
  ) {}

  view(d: DepositRow) {
    const decimals = assetOf(d.assetTypeId)?.decimals ?? 0;
    const money = (v: bigint) => JsonDecimal.fromMinor(v, decimals) as unknown as number;
    const common = {
      id: d.id,
      status: d.status,
      created_timestamp: d.createdAt.toISOString(),
      deposit_type: d.depositType,
      deposit_destination: { destination_account_id: d.destinationAccountId, asset_type_id: d.assetTypeId },
      received_total: money(d.receivedTotal),
      received_count: d.receivedCount,
      executed_timestamp: d.executedAt?.toISOString() ?? null,
    };
    if (d.depositType === 'PUSH') {
      // Funds sent to a virtual account's details: the deposit names it.
      const via = d.virtualAccountId ? { virtual_account_id: d.virtualAccountId } : {};
      return { ...common, deposit_source: { deposit_instructions: d.instructions ?? [], ...via } };
    }
    return {
      ...common,
      deposit_source: { source_counterparty_id: d.sourceCounterpartyId, asset_type_id: d.assetTypeId },
      deposit_details: { amount: money(d.amount ?? 0n), reference: d.reference },
      settle_at: d.settleAt?.toISOString() ?? null,
      failure_reason: d.failureReason,
    };
  }

  async create(ctx: WriteContext, input: CreateDepositInput) {
    const account = await findAccount(ctx.db, ctx.tenantId, input.deposit_destination.destination_account_id);
    if (!account) throw notFound('Destination account', 'deposit_destination.destination_account_id');
    const asset = assetOf(account.assetTypeId);
    if (!asset) throw new Error(`unknown asset ${account.assetTypeId}`);
    const at = ctx.now;
    return (async (tx: Tx) => {
      await this.guard.lockForMovement(tx, ctx, [account.id]);
      if (input.deposit_type === 'PUSH') {
        if (input.deposit_details || input.deposit_source?.source_counterparty_id) {
          throw new AppError('VALIDATION_ERROR', 'A PUSH deposit takes only deposit_destination.', 'deposit_details');
        }
        let instructions: Record<string, unknown>[];
        let memo: string | null = null;
        if (asset.kind === 'CRYPTO') {
          const lease = await this.accounts.leaseFor(ctx, account);
          instructions = cryptoInstructions(asset, lease.walletAddress);
        } else {
          memo = newMemo();
          instructions = fiatInstructions(asset, memo);
        }
        const row = await this.insert(tx, {
          clientId: ctx.tenantId,
          id: newId('deposit'),
          depositType: 'PUSH',
          status: 'REQUESTED',
          destinationAccountId: account.id,
          assetTypeId: asset.asset_type_id,
          memo,
          instructions,
          receivedTotal: 0n,
          receivedCount: 0,
          createdAt: at,
          updatedAt: at,
        });
        return this.view(row);
      }
      // PULL: from a linked counterparty over ACH, in the account's currency.
      const source = input.deposit_source?.source_counterparty_id;
      if (!source)
        throw new AppError(
          'VALIDATION_ERROR',
          'A PULL deposit needs deposit_source.source_counterparty_id.',
          'deposit_source.source_counterparty_id',
        );
      if (!input.deposit_details) throw new AppError('VALIDATION_ERROR', 'A PULL deposit needs deposit_details.amount.', 'deposit_details');
      const counterparty = await findCounterparty(tx, ctx.tenantId, source);
      if (!counterparty) throw notFound('Counterparty', 'deposit_source.source_counterparty_id');
      if (counterparty.counterpartyType !== 'FIAT_US_LINKED' || !counterparty.linked) {
        throw new AppError(
          'VALIDATION_ERROR',
          'Pulls come from a linked counterparty (FIAT_US_LINKED, connected).',
          'deposit_source.source_counterparty_id',
        );
      }
      assertCounterpartyUsable(counterparty);
      if (!asset.rails.includes('ACH') || counterparty.assetTypeId !== asset.asset_type_id) {
        throw new AppError(
          'ASSET_MISMATCH',
          `An ACH pull needs a USD account matching the counterparty (${counterparty.assetTypeId}).`,
          'deposit_destination.destination_account_id',
        );
      }
      const amount = toMinor(input.deposit_details.amount, asset.decimals, 'deposit_details.amount');
      const row = await this.insert(tx, {
        clientId: ctx.tenantId,
        id: newId('deposit'),
        depositType: 'PULL',
        status: 'REQUESTED',
        destinationAccountId: account.id,
        assetTypeId: asset.asset_type_id,
        sourceCounterpartyId: counterparty.id,
        amount,
        reference: input.deposit_details.reference ?? null,
        receivedTotal: 0n,
        receivedCount: 0,
        createdAt: at,
        updatedAt: at,
      });
      return this.view(row);
    })(ctx.tx);
  }

  private async insert(tx: Tx, row: typeof deposits.$inferInsert): Promise<DepositRow> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await repo.insert(tx, row);
      } catch (err) {
        // A memo collision (1 in 32^8) gets a new memo; anything else is an error.
        if (pgErrorCode(err) !== '23505' || !row.memo || attempt > 3) throw err;
        row.memo = newMemo();
        row.instructions = (row.instructions ?? []).map((i) => ({ ...i, ...('memo' in i ? { memo: row.memo } : { reference: row.memo }) }));
      }
    }
  }

  private async lock(tx: Tx, clientId: string, id: string): Promise<DepositRow> {
    const row = await repo.lock(tx, clientId, id);
    if (!row) throw notFound('Deposit', 'id');
    return row;
  }

  /** Accept a PULL: the amount is in flight (PENDING credit) until the rail settles it. */
  async accept(ctx: WriteContext, id: string) {
    return (async (tx: Tx) => {
      const d = await this.lock(tx, ctx.tenantId, id);
      if (d.depositType !== 'PULL')
        throw new AppError('INVALID_STATUS_TRANSITION', 'Only PULL deposits are accepted; PUSH instructions are usable as they are.');
      depositMachine.assertMove(d, 'ACCEPTED', ctx.now, 'accepted');
      const { source: account } = await this.guard.lockForMovement(tx, ctx, [d.destinationAccountId]);
      const counterparty = await findCounterparty(tx, ctx.tenantId, d.sourceCounterpartyId as string);
      if (!counterparty) throw notFound('Counterparty', 'deposit_source.source_counterparty_id');
      assertCounterpartyUsable(counterparty);
      const at = ctx.now;
      const omnibus = await this.ledger.platformAccount(tx, 'omnibus:ACH', d.assetTypeId, at);
      const txnId = newId('transaction');
      const holdId = await this.ledger.authorize(tx, {
        clientId: ctx.tenantId,
        debit: { ledgerAccountId: omnibus, transactionType: 'TRANSFER_IN' },
        credit: { ledgerAccountId: account.ledgerAccountId, accountRef: account.id, transactionType: 'TRANSFER_IN', publicId: txnId },
        visible: { debit: false, credit: true },
        amount: d.amount as bigint,
        categoryType: 'DEPOSIT',
        categoryId: d.id,
        description: d.reference,
        at,
      });
      await this.ledger.holdPending(tx, holdId);
      const row = await repo.update(tx, d, {
        status: 'ACCEPTED',
        holdId,
        acceptedAt: at,
        settleAt: new Date(at.getTime() + PULL_SETTLE_SECONDS * 1000),
        updatedAt: at,
      });
      await writeEvents(tx, [
        transactionEvent(ctx.tenantId, 'PENDING', { id: txnId, accountId: account.id, categoryType: 'DEPOSIT', categoryId: d.id }, at),
      ]);
      return this.view(row);
    })(ctx.tx);
  }

  /** Settles one accepted pull: the hold posts (the customer's credit is final). */
  private async settle(tx: Tx, d: DepositRow, at: Date): Promise<DepositRow> {
    depositMachine.assertMove(d, 'EXECUTED', at, 'settled');
    const account = await findAccount(tx, d.clientId, d.destinationAccountId);
    if (!account || d.holdId === null || d.amount === null) throw new Error(`deposit ${d.id} cannot settle`);
    const omnibus = await this.ledger.platformAccount(tx, 'omnibus:ACH', d.assetTypeId, at);
    const txnId = newId('transaction');
    await this.ledger.postHold(tx, d.holdId, d.amount, d.reference, at, [
      { ledgerAccountId: omnibus, amount: -d.amount, transactionType: 'TRANSFER_IN' },
      {
        ledgerAccountId: account.ledgerAccountId,
        amount: d.amount,
        transactionType: 'TRANSFER_IN',
        accountRef: account.id,
        publicId: txnId,
      },
    ]);
    const row = await repo.update(tx, d, { status: 'EXECUTED', executedAt: at, updatedAt: at, receivedTotal: d.amount, receivedCount: 1 });
    await writeEvents(tx, [
      transactionEvent(d.clientId, 'POSTED', { id: txnId, accountId: account.id, categoryType: 'DEPOSIT', categoryId: d.id }, at),
    ]);
    return row;
  }

  /** Scheduler task: pulls whose rail delay has passed settle. */
  async settleDue(pass: DuePass): Promise<number> {
    const { now, clientId } = pass;
    let done = 0;
    for (;;) {
      const settled = await pass.unit(async (tx) => {
        const due = await repo.claimSettleDue(tx, now, clientId);
        if (!due) return false;
        // Settles at its due instant (see WithdrawalLifecycle.drain).
        await this.settle(tx, due, due.settleAt && due.settleAt < now ? due.settleAt : now);
        return true;
      });
      if (!settled) return done;
      done++;
    }
  }

  /**
   * The rail returns a pull (sandbox: POST /v1/simulations/deposits/{id}/return). In flight, the
   * pending credit is cancelled; after settlement the credit is reversed, which needs the funds to
   * still be available (a return never takes an account below zero).
   */
  async returnPull(ctx: WriteContext, id: string, reason?: string) {
    return (async (tx: Tx) => {
      const d = await this.lock(tx, ctx.tenantId, id);
      if (d.depositType !== 'PULL') throw new AppError('INVALID_STATUS_TRANSITION', 'Only a pull can be returned.');
      depositMachine.assertMove(d, 'RETURNED', ctx.now, 'returned');
      const at = ctx.now;
      const account = await findAccount(tx, ctx.tenantId, d.destinationAccountId);
      if (!account || d.holdId === null || d.amount === null) throw new Error(`deposit ${d.id} has no hold`);
      if (d.status === 'ACCEPTED') {
        await this.ledger.voidHold(tx, d.holdId, 'VOIDED', at);
        const [held] = await this.ledger.holdRowIds(tx, d.holdId);
        if (held) {
          await writeEvents(tx, [
            transactionEvent(ctx.tenantId, 'CANCELLED', { id: held, accountId: account.id, categoryType: 'DEPOSIT', categoryId: d.id }, at),
          ]);
        }
      } else {
        const omnibus = await this.ledger.platformAccount(tx, 'omnibus:ACH', d.assetTypeId, at);
        const txnId = newId('transaction');
        await this.ledger.post(tx, {
          clientId: ctx.tenantId,
          categoryType: 'DEPOSIT',
          categoryId: d.id,
          description: reason ?? 'ACH return',
          at,
          lines: [
            {
              ledgerAccountId: account.ledgerAccountId,
              amount: -d.amount,
              transactionType: 'FIAT_TRANSFER_IN_RETURN',
              accountRef: account.id,
              publicId: txnId,
            },
            { ledgerAccountId: omnibus, amount: d.amount, transactionType: 'FIAT_TRANSFER_IN_RETURN' },
          ],
        });
        await writeEvents(tx, [
          transactionEvent(ctx.tenantId, 'POSTED', { id: txnId, accountId: account.id, categoryType: 'DEPOSIT', categoryId: d.id }, at),
        ]);
      }
      const row = await repo.update(tx, d, { status: 'RETURNED', failureReason: reason ?? 'returned by the rail', updatedAt: at });
      return this.view(row);
    })(ctx.tx);
  }

  async get(ctx: Context, id: string) {
    const row = await repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Deposit', 'id');
    return this.view(row);
  }

  async list(ctx: Context, q: RawPageQuery & { status?: string; deposit_type?: string; account_id?: string }, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await repo.list(
      ctx.db,
      ctx.tenantId,
      { status: q.status as DepositStatus | undefined, depositType: q.deposit_type, accountId: q.account_id },
      page,
    );
    const result = buildPage(page, rows, total, basePath, { status: q.status, deposit_type: q.deposit_type, account_id: q.account_id });
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }
}
