import type { Db, Tx } from '../../db/client.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { assertCounterpartyUsable, findCounterparty, lockCounterparty } from '../counterparties/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService } from '../ledger/index.js';
import type { MovementGuard } from '../movements/index.js';
import { type WithdrawalRow, type WithdrawalStatus, withdrawalMachine } from './withdrawals.machine.js';
import { withdrawalsRepository as repo } from './withdrawals.repository.js';
import { checkWithdrawal, SEND_DELAY_SECONDS, VALIDITY_SECONDS } from './withdrawals.rules.js';

export type { WithdrawalRow, WithdrawalStatus } from './withdrawals.machine.js';

export interface CreateWithdrawalInput {
  withdrawal_rail: string;
  source_account_id: string;
  destination_counterparty_id: string;
  amount: number | string;
  purpose: string;
  description?: string | undefined;
  memo?: string | undefined;
}

/**
 * Documents a withdrawal may need (RFI). The documents module implements it; withdrawals only ask
 * for a document id and whether its file is in.
 */
export interface WithdrawalDocuments {
  request(tx: Tx, clientId: string, withdrawalId: string, at: Date): Promise<string>;
  statusOf(db: Db | Tx, clientId: string, documentId: string): Promise<{ id: string; document: string; status: string } | undefined>;
}

/**
 * Withdrawals (LAYER2_API.md §2.9). REQUESTED (or CHANGES_REQUESTED above the RFI threshold until
 * the document is in) -> accept -> AUTHORIZED (funds on hold: not spendable twice) -> IN_PROGRESS
 * (sent; the hold is PENDING) -> EXECUTED (posted) | FAILED (released) -> RETURNED (reversed).
 * Cancel until the funds leave (REQUESTED, CHANGES_REQUESTED, AUTHORIZED); unaccepted ones expire.
 */
export class WithdrawalsService {
  constructor(
    readonly ledger: LedgerService,
    private readonly guard: MovementGuard,
    private readonly documents: WithdrawalDocuments,
    /** Amounts at or above this (in the asset's unit) need a supporting document. */
    private readonly rfiThreshold: bigint | undefined,
  ) {}

  view(w: WithdrawalRow, now: Date) {
    const decimals = assetOf(w.assetTypeId)?.decimals ?? 0;
    return {
      id: w.id,
      // Unaccepted past valid_until is EXPIRED, whether or not the sweep has marked it yet.
      status: withdrawalMachine.statusAt(w, now),
      created_timestamp: w.createdAt.toISOString(),
      valid_until: w.validUntil.toISOString(),
      withdrawal_rail: w.withdrawalRail,
      source_account_id: w.sourceAccountId,
      destination_counterparty_id: w.destinationCounterpartyId,
      asset_type_id: w.assetTypeId,
      amount: JsonDecimal.fromMinor(w.amount, decimals) as unknown as number,
      purpose: w.purpose,
      description: w.description,
      memo: w.memo,
      rail_reference: w.railReference,
      failure_reason: w.failureReason,
      accepted_timestamp: w.acceptedAt?.toISOString() ?? null,
      executed_timestamp: w.executedAt?.toISOString() ?? null,
      returned_timestamp: w.returnedAt?.toISOString() ?? null,
    };
  }

  async create(ctx: WriteContext, input: CreateWithdrawalInput) {
    const account = await findAccount(ctx.db, ctx.tenantId, input.source_account_id);
    if (!account) throw notFound('Source account', 'source_account_id');
    const counterparty = await findCounterparty(ctx.db, ctx.tenantId, input.destination_counterparty_id);
    if (!counterparty) throw notFound('Counterparty', 'destination_counterparty_id');
    if (counterparty.customerId !== account.customerId) {
      throw new AppError(
        'VALIDATION_ERROR',
        'The counterparty belongs to another customer than the source account.',
        'destination_counterparty_id',
      );
    }
    const asset = assetOf(account.assetTypeId);
    if (!asset) throw new Error(`unknown asset ${account.assetTypeId}`);
    checkWithdrawal(input, asset, counterparty, assetOf(counterparty.assetTypeId));
    const amount = toMinor(input.amount, asset.decimals);
    const at = ctx.now;
    const row = await (async (tx: Tx) => {
      await this.guard.lockForMovement(tx, ctx, [account.id]);
      const cp = await lockCounterparty(tx, ctx.tenantId, counterparty.id);
      if (!cp) throw notFound('Counterparty', 'destination_counterparty_id');
      assertCounterpartyUsable(cp);
      const id = newId('withdrawal');
      const rfi = this.rfiThreshold !== undefined && amount >= this.rfiThreshold * 10n ** BigInt(asset.decimals);
      let created = await repo.insert(tx, {
        clientId: ctx.tenantId,
        id,
        sourceAccountId: account.id,
        destinationCounterpartyId: cp.id,
        withdrawalRail: input.withdrawal_rail,
        assetTypeId: asset.asset_type_id,
        amount,
        purpose: input.purpose,
        description: input.description ?? null,
        memo: input.memo ?? null,
        status: rfi ? 'CHANGES_REQUESTED' : 'REQUESTED',
        validUntil: new Date(at.getTime() + VALIDITY_SECONDS * 1000),
        createdAt: at,
        updatedAt: at,
      });
      if (rfi) {
        // The document refers to the withdrawal: it is issued once the withdrawal row exists.
        created = await this.update(tx, created, { documentId: await this.documents.request(tx, ctx.tenantId, id, at), updatedAt: at });
        await writeEvents(tx, [
          {
            clientId: ctx.tenantId,
            eventType: 'WITHDRAWAL_CHANGES_REQUESTED',
            resourceType: 'withdrawal',
            resourceId: id,
            eventData: { withdrawal: { id, status: 'CHANGES_REQUESTED' } },
            at,
          },
        ]);
      }
      return created;
    })(ctx.tx);
    return this.view(row, ctx.now);
  }

  async lock(tx: Tx, clientId: string, id: string): Promise<WithdrawalRow> {
    const row = await repo.lock(tx, clientId, id);
    if (!row) throw notFound('Withdrawal', 'id');
    return row;
  }

  update(tx: Tx, w: WithdrawalRow, patch: Parameters<typeof repo.update>[2]): Promise<WithdrawalRow> {
    return repo.update(tx, w, patch);
  }

  /** What documents do to a withdrawal: upload only while it waits or is still unaccepted; an upload lets it continue. */
  documentHooks() {
    return {
      lockOwner: async (tx: Tx, ctx: WriteContext, withdrawalId: string, change: 'upload' | 'review') => {
        const w = await this.lock(tx, ctx.tenantId, withdrawalId);
        if (change === 'upload' && !withdrawalMachine.can(w.status, 'AUTHORIZED') && !withdrawalMachine.can(w.status, 'REQUESTED')) {
          throw new AppError('NOT_UPDATABLE', `The withdrawal is ${w.status}: its document can no longer be replaced.`, 'status');
        }
      },
      afterChange: async (tx: Tx, ctx: WriteContext, withdrawalId: string, at: Date) => {
        const doc = (await this.lock(tx, ctx.tenantId, withdrawalId)).documentId; // inside the transaction
        const state = doc ? await this.documents.statusOf(tx, ctx.tenantId, doc) : undefined;
        if (state?.status === 'SUBMITTED' || state?.status === 'APPROVED') await this.documentSubmitted(tx, ctx.tenantId, withdrawalId, at);
      },
    };
  }

  /** A document arrived for an RFI: the withdrawal continues (CHANGES_REQUESTED -> REQUESTED). */
  async documentSubmitted(tx: Tx, clientId: string, withdrawalId: string, at: Date): Promise<void> {
    const w = await this.lock(tx, clientId, withdrawalId);
    if (w.status === 'CHANGES_REQUESTED' && withdrawalMachine.can(w.status, 'REQUESTED')) {
      // The requester had to wait for us: the validity window restarts.
      await this.update(tx, w, { status: 'REQUESTED', validUntil: new Date(at.getTime() + VALIDITY_SECONDS * 1000), updatedAt: at });
    }
  }

  /** Accept: the funds go on hold (AUTHORIZED) and leave after the send delay. */
  async accept(ctx: WriteContext, id: string) {
    const outcome = await (async (tx: Tx) => {
      const w = await this.lock(tx, ctx.tenantId, id);
      const at = ctx.now;
      if (withdrawalMachine.expired(w, at)) return { expired: await this.update(tx, w, { status: 'EXPIRED', updatedAt: at }) };
      if (w.status === 'CHANGES_REQUESTED') {
        throw new AppError('INVALID_STATUS_TRANSITION', 'The withdrawal waits for a document: see GET /v1/withdrawals/{id}/status.');
      }
      withdrawalMachine.assertMove(w, 'AUTHORIZED', at, 'accepted');
      const lock = await this.guard.lockForMovement(tx, ctx, [w.sourceAccountId]);
      const { source } = lock;
      const cp = await lockCounterparty(tx, ctx.tenantId, w.destinationCounterpartyId);
      if (!cp) throw notFound('Counterparty', 'destination_counterparty_id');
      assertCounterpartyUsable(cp);
      const omnibus = await this.ledger.platformAccount(tx, `omnibus:${w.withdrawalRail}`, w.assetTypeId, at);
      const txnId = newId('transaction');
      const holdId = await this.ledger.authorize(tx, {
        clientId: ctx.tenantId,
        debit: { ledgerAccountId: source.ledgerAccountId, accountRef: source.id, transactionType: 'TRANSFER_OUT', publicId: txnId },
        credit: { ledgerAccountId: omnibus, transactionType: 'TRANSFER_OUT' },
        visible: { debit: true, credit: false },
        amount: w.amount,
        categoryType: 'WITHDRAWAL',
        categoryId: w.id,
        description: w.description,
        at,
      });
      await this.guard.touch(ctx, lock);
      const done = await this.update(tx, w, {
        status: 'AUTHORIZED',
        holdId,
        acceptedAt: at,
        sendAt: new Date(at.getTime() + SEND_DELAY_SECONDS * 1000),
        updatedAt: at,
      });
      await writeEvents(tx, [
        transactionEvent(ctx.tenantId, 'AUTHORIZED', { id: txnId, accountId: source.id, categoryType: 'WITHDRAWAL', categoryId: w.id }, at),
      ]);
      return { done };
    })(ctx.tx);
    if ('expired' in outcome) {
      throw new AppError(
        'EXPIRED',
        `The withdrawal was valid until ${outcome.expired?.validUntil.toISOString()}; it is now EXPIRED.`,
      ).keeping();
    }
    return this.view(outcome.done, ctx.now);
  }

  /** Cancel before the funds leave; an authorized hold is released. */
  async cancel(ctx: WriteContext, id: string) {
    const row = await (async (tx: Tx) => {
      const w = await this.lock(tx, ctx.tenantId, id);
      const at = ctx.now;
      // Past its validity it has expired: say so rather than pretend to cancel it.
      if (withdrawalMachine.expired(w, at)) return this.update(tx, w, { status: 'EXPIRED', updatedAt: at });
      if (withdrawalMachine.can(w.status, 'CANCELLED') && w.holdId === null) {
        return this.update(tx, w, { status: 'CANCELLED', updatedAt: at });
      }
      if (withdrawalMachine.can(w.status, 'CANCELLED') && w.holdId !== null) {
        await this.ledger.voidHold(tx, w.holdId, 'VOIDED', at);
        await writeEvents(tx, [
          transactionEvent(
            ctx.tenantId,
            'CANCELLED',
            { id: await this.holdTransactionId(tx, w.holdId), accountId: w.sourceAccountId, categoryType: 'WITHDRAWAL', categoryId: w.id },
            at,
          ),
        ]);
        return this.update(tx, w, { status: 'CANCELLED', updatedAt: at });
      }
      if (w.status === 'IN_PROGRESS' || w.status === 'EXECUTED') {
        throw new AppError('INVALID_STATUS_TRANSITION', 'The funds have left: the withdrawal can no longer be cancelled.');
      }
      withdrawalMachine.assertMove(w, 'CANCELLED', at, 'cancelled');
      throw new Error('unreachable: the machine allows this cancel');
    })(ctx.tx);
    return this.view(row, ctx.now);
  }

  async holdTransactionId(tx: Tx, holdId: bigint): Promise<string> {
    return (await this.ledger.holdRowIds(tx, holdId))[0] ?? '';
  }

  async get(ctx: Context, id: string) {
    return this.view(await this.find(ctx, id), ctx.now);
  }

  async find(ctx: Context, id: string): Promise<WithdrawalRow> {
    const row = await repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Withdrawal', 'id');
    return row;
  }

  /** GET …/status: what the withdrawal waits for (LAYER2_API.md §2.9, 1.1.2). */
  async status(ctx: Context, id: string) {
    const w = await this.find(ctx, id);
    const doc = w.documentId ? await this.documents.statusOf(ctx.db, ctx.tenantId, w.documentId) : undefined;
    const documents = doc ? [{ document_id: doc.id, document: doc.document, status: doc.status }] : [];
    return {
      id: w.id,
      status: withdrawalMachine.statusAt(w, ctx.now),
      fields: [],
      field_errors: [],
      documents,
      document_errors: documents.filter((d) => d.status === 'MISSING' || d.status === 'CHANGES_REQUESTED' || d.status === 'REJECTED'),
    };
  }

  async list(ctx: Context, q: RawPageQuery & { status?: string; account_id?: string }, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await repo.list(
      ctx.db,
      ctx.tenantId,
      { status: q.status as WithdrawalStatus | undefined, accountId: q.account_id },
      ctx.now,
      page,
    );
    const result = buildPage(page, rows, total, basePath, { status: q.status, account_id: q.account_id });
    return { ...result, items: result.items.map((r) => this.view(r, ctx.now)) };
  }
}
