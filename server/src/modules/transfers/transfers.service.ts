import type { DuePass } from '../../jobs/scheduler.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { canTransact, STATUSES } from '../../shared/status.js';
import { toWire, wakeDormantAccounts } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { wakeDormantCustomers } from '../customers/index.js';
import { insufficientFunds, translateLedgerError } from '../ledger/index.js';
import { type TransferRow, type TransferStatus, transferMachine } from './transfers.machine.js';
import {
  type AcceptManyParams,
  type AcceptOutcome,
  fromJson,
  type NewTransfer,
  type Party,
  transfersRepository as repo,
} from './transfers.repository.js';

export interface CreateTransferInput {
  source_account_id: string;
  destination_account_id: string;
  amount: number | string;
  description?: string | undefined;
}

/** The account and customer statuses that may transact (CONTRACT §5), as transfer_accept takes them. */
const TRANSACTABLE = STATUSES.filter(canTransact);
const ACCEPTABLE = transferMachine.sources('EXECUTED');

/**
 * Transfers (LAYER2_API.md §2.10): same-asset moves between two accounts of one client.
 * REQUESTED -> EXECUTED on accept (one journal entry of INTERNAL_TRANSFER lines), or CANCELLED, or
 * EXPIRED (transfers.machine.ts). Funds are checked at accept, under the ledger's row locks.
 * Accept is one round trip: transfer_accept_many (transfers.sql) locks, checks, posts, updates and
 * writes the events, for one transfer or a group of concurrent accepts (the route coalesces them);
 * only waking a DORMANT account or customer goes back to their modules.
 */
export class TransfersService {
  /**
   * @param batchSlots how many executing batches of one client may run at once, across processes
   *   (TRANSFER_BATCH_SLOTS; 0: no limit): see transfers_execute_batch in transfers.sql.
   */
  constructor(
    private readonly validitySeconds: number,
    readonly batchSlots = 2,
  ) {}

  view(t: TransferRow, now: Date) {
    const decimals = assetOf(t.assetTypeId)?.decimals ?? 0;
    const amount = JsonDecimal.fromMinor(t.amount, decimals) as unknown as number;
    return {
      id: t.id,
      status: transferMachine.statusAt(t, now),
      created_timestamp: t.createdAt.toISOString(),
      valid_until: t.validUntil.toISOString(),
      executed_timestamp: t.executedAt?.toISOString() ?? null,
      description: t.description,
      source_details: { source_account_id: t.sourceAccountId, asset_type_id: t.assetTypeId, amount_to_debit: amount },
      destination_details: { destination_account_id: t.destinationAccountId, asset_type_id: t.assetTypeId, amount_to_credit: amount },
    };
  }

  /**
   * Checks one requested transfer against its parties (read in one statement) and returns the row
   * to insert. Refusals name the field they are about.
   */
  prepare(ctx: WriteContext, input: CreateTransferInput, parties: Map<string, Party>): NewTransfer {
    if (input.source_account_id === input.destination_account_id) {
      throw new AppError('VALIDATION_ERROR', 'The source and destination accounts must differ.', 'destination_account_id');
    }
    const source = parties.get(input.source_account_id);
    const destination = parties.get(input.destination_account_id);
    if (!source) throw notFound('Source account', 'source_account_id');
    if (!destination) throw notFound('Destination account', 'destination_account_id');
    if (source.asset_type_id !== destination.asset_type_id) {
      throw new AppError(
        'ASSET_MISMATCH',
        `Transfers move one asset: the source holds ${source.asset_type_id}, the destination ${destination.asset_type_id}.`,
        'destination_account_id',
      );
    }
    const asset = assetOf(source.asset_type_id);
    if (!asset) throw new Error(`unknown asset ${source.asset_type_id}`);
    const amount = toMinor(input.amount, asset.decimals);
    assertParty(source, 'source account');
    assertParty(destination, 'destination account');
    return {
      clientId: ctx.tenantId,
      id: newId('transfer'),
      sourceAccountId: source.id,
      destinationAccountId: destination.id,
      assetTypeId: asset.asset_type_id,
      amount,
      description: input.description ?? null,
      status: 'REQUESTED' as const,
      validUntil: new Date(ctx.now.getTime() + this.validitySeconds * 1000),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  }

  async parties(ctx: Context, ids: string[]): Promise<Map<string, Party>> {
    const unique = [...new Set(ids)];
    return new Map((await repo.parties(ctx.db, ctx.tenantId, unique)).map((p) => [p.id, p]));
  }

  async create(ctx: WriteContext, input: CreateTransferInput) {
    return settled((await this.createMany(ctx, [{ input, parties: ctx.prefetched as unknown as Party[] | undefined }]))[0]);
  }

  /**
   * Creates transfers: one request's, or a group of concurrent requests' (their unit of work
   * coalesces them). Each item answers its transfer or its refusal. In a request's unit of work
   * this costs no round trip of its own: the parties come with BEGIN (the route's prefetch,
   * partiesSql) and the rows go with COMMIT, as one insert.
   */
  async createMany(ctx: WriteContext, items: { input: CreateTransferInput; parties: Party[] | undefined }[]) {
    const missing = items.filter((i) => !i.parties).flatMap((i) => [i.input.source_account_id, i.input.destination_account_id]);
    const read = missing.length ? await this.parties(ctx, missing) : new Map<string, Party>();
    // Members of a group may share one read (the same rows): one map for each distinct read.
    const maps = new Map<Party[], Map<string, Party>>();
    const mapOf = (rows: Party[]) => maps.get(rows) ?? maps.set(rows, new Map(rows.map((p) => [p.id, p]))).get(rows);
    const answers: (NewTransfer | AppError)[] = items.map((item) => {
      const parties = item.parties ? (mapOf(item.parties) as Map<string, Party>) : read;
      try {
        return this.prepare(ctx, item.input, parties);
      } catch (err) {
        if (err instanceof AppError) return err;
        throw err;
      }
    });
    const rows = answers.filter((a): a is NewTransfer => !(a instanceof AppError));
    if (!rows.length) return answers as AppError[];
    let written: TransferRow[];
    if (ctx.atCommit) {
      const insert = repo.insertAtCommit(rows);
      ctx.atCommit(insert.statement);
      written = insert.rows;
    } else {
      written = await repo.insertMany(ctx.tx, rows);
    }
    const byId = new Map(written.map((r) => [r.id, r]));
    return answers.map((a) => (a instanceof AppError ? a : this.view(byId.get(a.id) as TransferRow, ctx.now)));
  }

  /** The parties read of creates (one request's or a group's), for the route's prefetch (sent with BEGIN). */
  partiesSql(tenantId: string, inputs: CreateTransferInput[]): string {
    return repo.partiesSql(tenantId, [...new Set(inputs.flatMap((i) => [i.source_account_id, i.destination_account_id]))]);
  }

  /** Executes the transfer atomically: one journal entry, status EXECUTED, TRANSACTION_POSTED x2. */
  async accept(ctx: WriteContext, id: string) {
    return settled((await this.acceptMany(ctx, [id]))[0]);
  }

  /**
   * Executes distinct transfers in one round trip (transfer_accept_many): one request's, or a group
   * of concurrent requests' coalesced by their unit of work. Each answers its transfer or its
   * refusal; a refused one wrote nothing (but an EXPIRED one, which stands).
   */
  async acceptMany(ctx: WriteContext, ids: string[]) {
    const outcomes = await repo.acceptMany(ctx.tx, this.acceptParams(ctx.tenantId, ctx.now, ids)).catch(translateLedgerError);
    return this.accepted(ctx, outcomes);
  }

  /**
   * acceptMany's posting for a group of concurrent accepts, sent with the group's claim in its
   * opening round trip (coalesce.opening): `runs` (SQL boolean[]) says which of `ids` run.
   * `acceptedInGroup` reads its outcomes.
   */
  acceptManySql(tenantId: string, now: Date, ids: string[], runs: string): string {
    return repo.acceptManySql(this.acceptParams(tenantId, now, ids), runs);
  }

  /** The answers of a group's accepts from the outcomes acceptManySql returned (each member at its position). */
  async acceptedInGroup(ctx: WriteContext, members: { position: number; prefetched: Record<string, unknown>[] | undefined }[]) {
    const outcomes = members.map((m) => {
      const outcome = (m.prefetched?.[0]?.r as (AcceptOutcome | null)[] | undefined)?.[m.position];
      if (!outcome) throw new Error('an accept of the group has no outcome');
      return outcome;
    });
    return this.accepted(ctx, outcomes);
  }

  private acceptParams(tenantId: string, now: Date, ids: string[]): AcceptManyParams {
    return {
      clientId: tenantId,
      ids,
      at: now,
      from: ACCEPTABLE,
      transactable: TRANSACTABLE,
      txnIds: ids.flatMap(() => [newId('transaction'), newId('transaction')]),
      eventIds: ids.flatMap(() => [newId('event'), newId('event')]),
    };
  }

  /** Each accept's answer: its transfer, or its refusal. */
  private async accepted(ctx: WriteContext, outcomes: AcceptOutcome[]) {
    // Their first activity wakes DORMANT accounts and customers (rare: their modules do it).
    const executed = outcomes.flatMap((o) => (o.outcome === 'EXECUTED' ? [o] : []));
    const dormantAccounts = [...new Set(executed.flatMap((o) => o.dormant_accounts))];
    const dormantCustomers = [...new Set(executed.flatMap((o) => o.dormant_customers))];
    if (dormantAccounts.length) await wakeDormantAccounts(ctx, dormantAccounts);
    if (dormantCustomers.length) await wakeDormantCustomers(ctx, dormantCustomers);
    return outcomes.map((o) => {
      try {
        return this.view(this.executed(o, ctx.now), ctx.now);
      } catch (err) {
        if (err instanceof AppError) return err;
        throw err;
      }
    });
  }

  /** An accept's outcome as the executed row, or its refusal (thrown). */
  private executed(result: AcceptOutcome, now: Date): TransferRow {
    switch (result.outcome) {
      case 'EXECUTED':
        return fromJson(result.transfer);
      case 'NOT_FOUND':
        throw notFound('Transfer', 'id');
      case 'STATUS':
        throw this.notRequested(fromJson(result.transfer), now);
      case 'EXPIRED': {
        const t = fromJson(result.transfer);
        throw new AppError(
          'EXPIRED',
          `The transfer was valid until ${t.validUntil.toISOString()}; it is now EXPIRED. Create a new one.`,
        ).keeping();
      }
      case 'INSUFFICIENT_FUNDS':
        throw insufficientFunds();
      case 'NOT_TRANSACTABLE': {
        const what = result.customer_status
          ? `The customer of ${result.role} ${result.account_id} is ${result.customer_status}`
          : `The ${result.role} ${result.account_id} is ${toWire(result.account_status ?? '')}`;
        throw new AppError('NOT_TRANSACTABLE', `${what} and cannot transact.`);
      }
      default: {
        const exhaustive: never = result;
        throw new Error(`unknown accept outcome ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  private notRequested(t: TransferRow, now: Date): AppError {
    if (transferMachine.statusAt(t, now) === 'EXPIRED') {
      return new AppError('EXPIRED', `The transfer was valid until ${t.validUntil.toISOString()}; it is EXPIRED.`);
    }
    return new AppError(
      'INVALID_STATUS_TRANSITION',
      `The transfer is ${transferMachine.statusAt(t, now)}; only a REQUESTED transfer can be accepted or cancelled.`,
    );
  }

  async cancel(ctx: WriteContext, id: string) {
    const t = await repo.lock(ctx.tx, ctx.tenantId, id);
    if (!t) throw notFound('Transfer', 'id');
    if (transferMachine.expired(t, ctx.now)) {
      const expired = await repo.setStatus(ctx.tx, ctx.tenantId, id, 'EXPIRED', ctx.now);
      throw new AppError(
        'EXPIRED',
        `The transfer expired at ${expired.validUntil.toISOString()}; there is nothing left to cancel.`,
      ).keeping();
    }
    if (!transferMachine.can(t.status, 'CANCELLED')) throw this.notRequested(t, ctx.now);
    return this.view(await repo.setStatus(ctx.tx, ctx.tenantId, id, 'CANCELLED', ctx.now), ctx.now);
  }

  /** Scheduler task: marks REQUESTED transfers past valid_until as EXPIRED. */
  expireDue(pass: DuePass): Promise<number> {
    return pass.unit((tx) => repo.expireDue(tx, pass.now, pass.clientId));
  }

  async get(ctx: Context, id: string) {
    const row = await repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Transfer', 'id');
    return this.view(row, ctx.now);
  }

  async list(ctx: Context, q: RawPageQuery & { status?: string }, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await repo.list(ctx.db, ctx.tenantId, q.status as TransferStatus | undefined, ctx.now, page);
    const result = buildPage(page, rows, total, basePath, { status: q.status });
    return { ...result, items: result.items.map((r) => this.view(r, ctx.now)) };
  }
}

/** One item's answer of createMany/acceptMany, for the one-item calls: the value, or its refusal thrown. */
function settled<T>(answer: T | AppError | undefined): T {
  if (answer instanceof AppError) throw answer;
  if (answer === undefined) throw new Error('no answer');
  return answer;
}

/** May money move through this account and its customer (CONTRACT §5)? */
function assertParty(p: Party, role: string): void {
  if (!canTransact(p.status as never)) {
    throw new AppError('NOT_TRANSACTABLE', `The ${role} ${p.id} is ${toWire(p.status)} and cannot transact.`);
  }
  const customer = p.customer_status ?? 'CLOSED';
  if (!canTransact(customer as never)) {
    throw new AppError('NOT_TRANSACTABLE', `The customer of ${role} ${p.id} is ${customer} and cannot transact.`);
  }
}
