import type { WriteContext } from '../../shared/context.js';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { extend } from '../../shared/objects.js';
import { canTransact, STATUSES } from '../../shared/status.js';
import { wakeDormantAccounts } from '../accounts/index.js';
import { wakeDormantCustomers } from '../customers/index.js';
import type { TransferRow } from './transfers.machine.js';
import { type BatchItem, type BatchParams, fromJson, transfersRepository as repo } from './transfers.repository.js';
import type { CreateTransferInput, TransfersService } from './transfers.service.js';

export interface BatchInput {
  transfers: (CreateTransferInput & { id?: string | undefined })[];
  /** Execute each transfer now (create + accept), rather than leave it REQUESTED. */
  execute?: boolean | undefined;
  /** All or none: one refused item leaves every item unapplied (a 400 naming each refusal). */
  atomic?: boolean | undefined;
}

export const BATCH_MAX = 1000;
const TRANSACTABLE = STATUSES.filter(canTransact);

type ItemResult = { transfer: ReturnType<TransfersService['view']> } | { errors: ErrorEntry[] };

/** An item's refusals, their fields prefixed by its place in the batch. */
const within = (i: number, entries: ErrorEntry[]): ErrorEntry[] =>
  entries.map((e) => ({ ...e, field: e.field ? `transfers.${i}.${e.field}` : `transfers.${i}` }));

/**
 * POST /v1/transfers/batch (beyond Layer2, as TigerBeetle's and Formance's batches): up to 1,000
 * transfers checked against their accounts read in one statement, then — with `execute` — created
 * and executed in one round trip (transfers_execute_batch: one set of locks, one posting call for
 * all, funds checked item by item in order). Each item answers its own result in order; with
 * `atomic` nothing takes effect unless everything can. The request is one unit of work, so the
 * batch is idempotent as a whole.
 */
export async function transferBatch(ctx: WriteContext, service: TransfersService, input: BatchInput): Promise<{ results: ItemResult[] }> {
  const items = input.transfers;
  const atomic = input.atomic ?? false;
  const parties = await service.parties(
    ctx,
    items.flatMap((t) => [t.source_account_id, t.destination_account_id]),
  );
  const chosenIds = items.map((t) => t.id).filter((id): id is string => id !== undefined);
  const taken = await repo.existingIds(ctx.tx, ctx.tenantId, chosenIds);
  const seen = new Set<string>();

  // Checked in TypeScript, as a single create is: each item a row to write, or its refusals.
  const prepared = items.map((item, i) => {
    try {
      if (item.id !== undefined && (taken.has(item.id) || seen.has(item.id))) {
        throw new AppError('DUPLICATE_ID', `A transfer with id ${item.id} already exists.`, 'id');
      }
      if (item.id !== undefined) seen.add(item.id);
      const row = service.prepare(ctx, item, parties);
      if (item.id !== undefined) row.id = item.id;
      return { row };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { errors: within(i, err.entries) };
    }
  });
  const refused = prepared.flatMap((p) => p.errors ?? []);
  if (atomic && refused.length) throw AppError.many(refused);

  if (!input.execute) {
    const rows = await repo.insertMany(
      ctx.tx,
      prepared.flatMap((p) => (p.row ? [p.row] : [])),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return {
      results: prepared.map((p) =>
        p.row ? { transfer: service.view(byId.get(p.row.id) as TransferRow, ctx.now) } : { errors: p.errors ?? [] },
      ),
    };
  }

  const valid = prepared.flatMap((p, i) => (p.row ? [{ i, row: p.row }] : []));
  const params: BatchParams = {
    clientId: ctx.tenantId,
    at: ctx.now,
    validUntil: valid[0]?.row.validUntil as Date,
    transactable: TRANSACTABLE,
    atomic,
    slots: service.batchSlots,
    items: valid.map(
      ({ row }): BatchItem => ({
        id: row.id,
        source: row.sourceAccountId,
        destination: row.destinationAccountId,
        asset: row.assetTypeId,
        amount: row.amount.toString(),
        description: row.description,
        txn_ids: [newId('transaction'), newId('transaction')],
        event_ids: [newId('event'), newId('event')],
      }),
    ),
  };

  // Each item's answer: its refusal from the checks above, until the ledger's outcome fills it.
  const results: ItemResult[] = prepared.map((p) => ({ errors: p.errors ?? [] }));

  // The usual case, answered before the ledger is touched: every item executes, no party sleeps.
  // The call goes with COMMIT and raises if that is not so; then the unit runs this again without
  // the prediction, and the branch below answers from what the call did.
  const dormant = (id: string) => {
    const party = parties.get(id);
    return party?.status === 'DORMANT' || party?.customer_status === 'DORMANT';
  };
  if (
    ctx.atCommitPredicted &&
    valid.length &&
    !valid.some(({ row }) => dormant(row.sourceAccountId) || dormant(row.destinationAccountId))
  ) {
    ctx.atCommitPredicted(repo.executeBatchPredictedSql(params));
    for (const { i, row } of valid) {
      const executed: TransferRow = extend(row, {
        status: 'EXECUTED' as const,
        executedAt: ctx.now,
        updatedAt: ctx.now,
        entryId: null,
        seq: 0n,
      });
      results[i] = { transfer: service.view(executed, ctx.now) };
    }
    return { results };
  }

  const outcome = valid.length ? await repo.executeBatch(ctx.tx, params) : { applied: true, results: [] };
  valid.forEach(({ i }, k) => {
    const r = outcome.results[k];
    if (r && 'transfer' in r) results[i] = { transfer: service.view(fromJson(r.transfer), ctx.now) };
    else if (r && 'error' in r) {
      const description =
        r.error === 'INSUFFICIENT_FUNDS'
          ? 'The available balance does not cover the amount (transfers of a batch are checked in order).'
          : `The ${r.role} ${r.account_id} cannot transact in its current status.`;
      results[i] = { errors: within(i, [{ code: r.error, description }]) };
    }
  });
  if (!outcome.applied) {
    throw AppError.many(results.flatMap((r) => ('errors' in r ? r.errors : [])));
  }
  if (outcome.dormant_accounts?.length) await wakeDormantAccounts(ctx, outcome.dormant_accounts);
  if (outcome.dormant_customers?.length) await wakeDormantCustomers(ctx, outcome.dormant_customers);
  return { results };
}
