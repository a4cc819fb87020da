import { and, eq, gt, lte, or, type SQL } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { transfers } from '../../db/schema.js';
import type { DuePass } from '../../jobs/scheduler.js';
import type { AuthContext, Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type AccountRow, assertTransactable, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer } from '../customers/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService } from '../ledger/index.js';
import type { MovementGuard } from '../movements/index.js';

type TransferRow = typeof transfers.$inferSelect;
export type TransferStatus = TransferRow['status'];

export interface CreateTransferInput {
  source_account_id: string;
  destination_account_id: string;
  amount: number | string;
  description?: string | undefined;
}

/**
 * Transfers (LAYER2_API.md §2.10): same-asset moves between two accounts of one client.
 * REQUESTED -> EXECUTED on accept (one journal entry of INTERNAL_TRANSFER lines, §2.10);
 * REQUESTED -> CANCELLED | EXPIRED. Funds are checked at accept, under the ledger's row locks.
 */
export class TransfersService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly guard: MovementGuard,
    private readonly validitySeconds: number,
  ) {}

  /** A REQUESTED transfer past valid_until is EXPIRED, whether or not the sweep has marked it yet. */
  private statusOf(t: TransferRow, now: Date): TransferStatus {
    return t.status === 'REQUESTED' && now > t.validUntil ? 'EXPIRED' : t.status;
  }

  view(t: TransferRow, now: Date) {
    const decimals = assetOf(t.assetTypeId)?.decimals ?? 0;
    const amount = JsonDecimal.fromMinor(t.amount, decimals) as unknown as number;
    return {
      id: t.id,
      status: this.statusOf(t, now),
      created_timestamp: t.createdAt.toISOString(),
      valid_until: t.validUntil.toISOString(),
      executed_timestamp: t.executedAt?.toISOString() ?? null,
      description: t.description,
      source_details: { source_account_id: t.sourceAccountId, asset_type_id: t.assetTypeId, amount_to_debit: amount },
      destination_details: { destination_account_id: t.destinationAccountId, asset_type_id: t.assetTypeId, amount_to_credit: amount },
    };
  }

  private async accounts(db: Reader, auth: AuthContext, sourceId: string, destinationId: string) {
    const [source, destination] = await Promise.all([
      findAccount(db, auth.tenantId, sourceId),
      findAccount(db, auth.tenantId, destinationId),
    ]);
    if (!source) throw notFound('Source account', 'source_account_id');
    if (!destination) throw notFound('Destination account', 'destination_account_id');
    return { source, destination };
  }

  private async assertBothTransact(db: Reader, auth: AuthContext, source: AccountRow, destination: AccountRow) {
    const [sc, dc] = await Promise.all([
      findCustomer(db, auth.tenantId, source.customerId),
      findCustomer(db, auth.tenantId, destination.customerId),
    ]);
    assertTransactable(source, sc?.status ?? 'CLOSED', 'source account');
    assertTransactable(destination, dc?.status ?? 'CLOSED', 'destination account');
  }

  async create(ctx: WriteContext, input: CreateTransferInput) {
    const auth = ctx;
    if (input.source_account_id === input.destination_account_id) {
      throw new AppError('VALIDATION_ERROR', 'The source and destination accounts must differ.', 'destination_account_id');
    }
    const { source, destination } = await this.accounts(ctx.tx, auth, input.source_account_id, input.destination_account_id);
    if (source.assetTypeId !== destination.assetTypeId) {
      throw new AppError(
        'ASSET_MISMATCH',
        `Transfers move one asset: the source holds ${source.assetTypeId}, the destination ${destination.assetTypeId}.`,
        'destination_account_id',
      );
    }
    const asset = assetOf(source.assetTypeId);
    if (!asset) throw new Error(`unknown asset ${source.assetTypeId}`);
    const amount = toMinor(input.amount, asset.decimals);
    await this.assertBothTransact(ctx.tx, auth, source, destination);
    const at = ctx.now;
    const [row] = await ctx.tx
      .insert(transfers)
      .values({
        clientId: auth.tenantId,
        id: newId('transfer'),
        sourceAccountId: source.id,
        destinationAccountId: destination.id,
        assetTypeId: asset.asset_type_id,
        amount,
        description: input.description ?? null,
        status: 'REQUESTED',
        validUntil: new Date(at.getTime() + this.validitySeconds * 1000),
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    return this.view(row as TransferRow, at);
  }

  private async lock(tx: Tx, auth: AuthContext, id: string): Promise<TransferRow> {
    const [row] = await tx
      .select()
      .from(transfers)
      .where(and(eq(transfers.clientId, auth.tenantId), eq(transfers.id, id)))
      .for('no key update');
    if (!row) throw notFound('Transfer', 'id');
    return row;
  }

  private notRequested(t: TransferRow): AppError {
    return new AppError(
      'INVALID_STATUS_TRANSITION',
      `The transfer is ${t.status}; only a REQUESTED transfer can be accepted or cancelled.`,
    );
  }

  /** Executes the transfer atomically: one journal entry, status EXECUTED, TRANSACTION_POSTED x2. */
  async accept(ctx: WriteContext, id: string) {
    const auth = ctx;
    const tx = ctx.tx;
    const outcome = await (async () => {
      const t = await this.lock(tx, auth, id);
      if (t.status !== 'REQUESTED') throw this.notRequested(t);
      const at = ctx.now;
      if (at > t.validUntil) {
        const [expired] = await tx
          .update(transfers)
          .set({ status: 'EXPIRED', updatedAt: at })
          .where(and(eq(transfers.clientId, auth.tenantId), eq(transfers.id, id)))
          .returning();
        return { kind: 'expired' as const, row: expired as TransferRow };
      }
      const lock = await this.guard.lockForMovement(tx, auth, [t.sourceAccountId, t.destinationAccountId]);
      const { source, destination } = lock;
      const outId = newId('transaction');
      const inId = newId('transaction');
      const entryId = await this.ledger.post(tx, {
        clientId: auth.tenantId,
        categoryType: 'TRANSFER',
        categoryId: t.id,
        description: t.description,
        at,
        lines: [
          {
            ledgerAccountId: source.ledgerAccountId,
            amount: -t.amount,
            transactionType: 'INTERNAL_TRANSFER',
            accountRef: source.id,
            publicId: outId,
          },
          {
            ledgerAccountId: destination.ledgerAccountId,
            amount: t.amount,
            transactionType: 'INTERNAL_TRANSFER',
            accountRef: destination.id,
            publicId: inId,
          },
        ],
      });
      await this.guard.touch(tx, auth, lock, at);
      const [done] = await tx
        .update(transfers)
        .set({ status: 'EXECUTED', entryId, executedAt: at, updatedAt: at })
        .where(and(eq(transfers.clientId, auth.tenantId), eq(transfers.id, id)))
        .returning();
      await writeEvents(tx, [
        transactionEvent(auth.tenantId, 'POSTED', { id: outId, accountId: source.id, categoryType: 'TRANSFER', categoryId: t.id }, at),
        transactionEvent(auth.tenantId, 'POSTED', { id: inId, accountId: destination.id, categoryType: 'TRANSFER', categoryId: t.id }, at),
      ]);
      return { kind: 'done' as const, row: done as TransferRow };
    })();
    if (outcome.kind === 'expired') {
      throw new AppError(
        'EXPIRED',
        `The transfer was valid until ${outcome.row.validUntil.toISOString()}; it is now EXPIRED. Create a new one.`,
      ).keeping();
    }
    return this.view(outcome.row, ctx.now);
  }

  async cancel(ctx: WriteContext, id: string) {
    const auth = ctx;
    const tx = ctx.tx;
    const outcome = await (async () => {
      const t = await this.lock(tx, auth, id);
      if (t.status !== 'REQUESTED') throw this.notRequested(t);
      const at = ctx.now;
      const expired = at > t.validUntil;
      const [row] = await tx
        .update(transfers)
        .set({ status: expired ? 'EXPIRED' : 'CANCELLED', updatedAt: at })
        .where(and(eq(transfers.clientId, auth.tenantId), eq(transfers.id, id)))
        .returning();
      return { expired, row: row as TransferRow };
    })();
    if (outcome.expired) {
      throw new AppError(
        'EXPIRED',
        `The transfer expired at ${outcome.row.validUntil.toISOString()}; there is nothing left to cancel.`,
      ).keeping();
    }
    return this.view(outcome.row, ctx.now);
  }

  /** Scheduler task: marks REQUESTED transfers past valid_until as EXPIRED. */
  async expireDue(pass: DuePass): Promise<number> {
    const { now, clientId } = pass;
    const where: SQL[] = [eq(transfers.status, 'REQUESTED'), lte(transfers.validUntil, now)];
    if (clientId) where.push(eq(transfers.clientId, clientId));
    const rows = await pass.unit((tx) =>
      tx
        .update(transfers)
        .set({ status: 'EXPIRED', updatedAt: now })
        .where(and(...where))
        .returning({ id: transfers.id }),
    );
    return rows.length;
  }

  async get(ctx: Context, id: string) {
    const [row] = await ctx.db
      .select()
      .from(transfers)
      .where(and(eq(transfers.clientId, ctx.tenantId), eq(transfers.id, id)));
    if (!row) throw notFound('Transfer', 'id');
    return this.view(row, ctx.now);
  }

  async list(ctx: Context, q: RawPageQuery & { status?: string; account_id?: string }, basePath: string) {
    const auth = ctx;
    const page = parsePageQuery(q);
    const where: SQL[] = [eq(transfers.clientId, auth.tenantId)];
    const now = ctx.now;
    if (q.status === 'REQUESTED') where.push(eq(transfers.status, 'REQUESTED'), gt(transfers.validUntil, now));
    else if (q.status === 'EXPIRED') {
      where.push(or(eq(transfers.status, 'EXPIRED'), and(eq(transfers.status, 'REQUESTED'), lte(transfers.validUntil, now))) as SQL);
    } else if (q.status) where.push(eq(transfers.status, q.status as TransferStatus));
    const { rows, total } = await fetchPage(ctx.db, transfers, transfers.seq, where, page);
    const result = buildPage(page, rows, total, basePath, { status: q.status });
    return { ...result, items: result.items.map((r) => this.view(r, now)) };
  }
}
