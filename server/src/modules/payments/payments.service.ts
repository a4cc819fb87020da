import type { Reader, Tx } from '../../db/client.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { assertTransactable, findAccount } from '../accounts/index.js';
import { assertCounterpartyUsable, findCounterparty } from '../counterparties/index.js';
import { findCustomer } from '../customers/index.js';
import type { DepositsService } from '../deposits/index.js';
import type { paymentDocuments } from '../documents/index.js';
import { type PaymentRow, paymentsRepository } from './payments.repository.js';

type Json = Record<string, any>;

export interface CreatePaymentInput {
  payment_source: { source_counterparty_id: string; asset_type: string[] };
  payment_destination: { destination_account_id: string };
  payment_info: { description: string };
}

/**
 * Payments (Rail 1.1.2 collections, LAYER2_API.md §2.12): a counterparty of a customer pays into
 * that customer's account, on Ledgerline's ledger and rails.
 *  - create: REQUESTED, or CHANGES_REQUESTED with an INVOICE to upload when the payer is not the
 *    customer (profile.relationship_to_customer other than SELF): Rail's RFI for collections;
 *  - accept: issues the deposit instructions (a PUSH deposit of the destination account: a memo
 *    for fiat rails, the account's address for crypto) -> ACCEPTED;
 *  - the payer pays on a rail; the deposit is matched and credited as every deposit is (ledger
 *    lines TRANSFER_IN, category DEPOSIT), and the payment follows its deposit: EXECUTED once
 *    funds are received, FAILURE if the deposit fails.
 */
export class PaymentsService {
  constructor(
    private readonly deposits: DepositsService,
    private readonly documents: typeof paymentDocuments,
  ) {}

  private async find(db: Reader, clientId: string, id: string): Promise<PaymentRow> {
    const row = await paymentsRepository.find(db, clientId, id);
    if (!row) throw notFound('Payment', 'id');
    return row;
  }

  private async lock(tx: Tx, clientId: string, id: string): Promise<PaymentRow> {
    const row = await paymentsRepository.lock(tx, clientId, id);
    if (!row) throw notFound('Payment', 'id');
    return row;
  }

  /** The payment with what its deposit says: status after accept, and the instructions. */
  async view(ctx: Context, p: PaymentRow) {
    const deposit = p.depositId ? ((await this.deposits.get(ctx, p.depositId)) as Json) : undefined;
    const status =
      p.status !== 'ACCEPTED' || !deposit
        ? p.status
        : deposit.status === 'EXECUTED'
          ? 'EXECUTED'
          : deposit.status === 'FAILURE' || deposit.status === 'RETURNED'
            ? 'FAILURE'
            : 'ACCEPTED';
    const instructions = (deposit?.deposit_source?.deposit_instructions ?? []) as Json[];
    return {
      id: p.id,
      status,
      created_timestamp: p.createdAt.toISOString(),
      payment_source: {
        source_counterparty_id: p.sourceCounterpartyId,
        asset_type: p.assetTypes,
        // Per asset: how the payer pays (Rail's map of asset id -> instructions); empty before accept.
        deposit_instructions: instructions.length ? { [deposit?.deposit_destination?.asset_type_id as string]: instructions } : {},
      },
      payment_destination: { destination_account_id: p.destinationAccountId },
      payment_info: { description: p.description },
      deposit_id: p.depositId,
      accepted_timestamp: p.acceptedAt?.toISOString() ?? null,
      executed_timestamp: (deposit?.executed_timestamp as string | null | undefined) ?? null,
      received_total: deposit?.received_total ?? null,
    };
  }

  async create(ctx: WriteContext, input: CreatePaymentInput) {
    const tx = ctx.tx;
    const accountId = input.payment_destination.destination_account_id;
    const account = await findAccount(tx, ctx.tenantId, accountId);
    if (!account) throw notFound('Destination account', 'payment_destination.destination_account_id');
    const customer = await findCustomer(tx, ctx.tenantId, account.customerId);
    assertTransactable(account, customer?.status ?? 'CLOSED', 'destination account');
    const counterparty = await findCounterparty(tx, ctx.tenantId, input.payment_source.source_counterparty_id);
    if (!counterparty) throw notFound('Counterparty', 'payment_source.source_counterparty_id');
    if (counterparty.customerId !== account.customerId) {
      throw new AppError(
        'VALIDATION_ERROR',
        'The counterparty belongs to another customer than the destination account.',
        'payment_source.source_counterparty_id',
      );
    }
    assertCounterpartyUsable(counterparty, 'payment_source.source_counterparty_id');
    const other = input.payment_source.asset_type.filter((a) => a !== account.assetTypeId);
    if (other.length) {
      throw new AppError(
        'ASSET_MISMATCH',
        `The destination account holds ${account.assetTypeId}: a payment into it is made in that asset (not ${other.join(', ')}).`,
        'payment_source.asset_type',
      );
    }
    const at = ctx.now;
    const id = newId('payment');
    const rfi = counterparty.relationshipToCustomer !== 'SELF';
    await paymentsRepository.insert(tx, {
      clientId: ctx.tenantId,
      id,
      sourceCounterpartyId: counterparty.id,
      destinationAccountId: account.id,
      assetTypes: [account.assetTypeId],
      description: input.payment_info.description,
      status: rfi ? 'CHANGES_REQUESTED' : 'REQUESTED',
      createdAt: at,
      updatedAt: at,
    });
    if (rfi) {
      const documentId = await this.documents.request(tx, ctx.tenantId, id, at);
      await paymentsRepository.update(tx, ctx.tenantId, id, { documentId });
    }
    return this.view(ctx, await this.find(tx, ctx.tenantId, id));
  }

  /** Accept: the deposit instructions the payer uses (a PUSH deposit of the destination account). */
  async accept(ctx: WriteContext, id: string) {
    const p = await this.lock(ctx.tx, ctx.tenantId, id);
    if (p.status === 'CHANGES_REQUESTED') {
      throw new AppError('INVALID_STATUS_TRANSITION', 'The payment waits for a document: see GET /v1/payments/{id}/status.');
    }
    if (p.status !== 'REQUESTED') {
      throw new AppError('INVALID_STATUS_TRANSITION', `The payment is ${p.status}; only a REQUESTED payment can be accepted.`);
    }
    const deposit = (await this.deposits.create(ctx, {
      deposit_type: 'PUSH',
      deposit_destination: { destination_account_id: p.destinationAccountId },
    })) as Json;
    await paymentsRepository.update(ctx.tx, ctx.tenantId, id, {
      status: 'ACCEPTED',
      depositId: deposit.id as string,
      acceptedAt: ctx.now,
      updatedAt: ctx.now,
    });
    return this.view(ctx, await this.find(ctx.tx, ctx.tenantId, id));
  }

  async get(ctx: Context, id: string) {
    return this.view(ctx, await this.find(ctx.db, ctx.tenantId, id));
  }

  /** What the payment waits for: its status and the documents asked (RFI). */
  async status(ctx: Context, id: string) {
    const p = await this.find(ctx.db, ctx.tenantId, id);
    const view = await this.view(ctx, p);
    const doc = p.documentId ? await this.documents.statusOf(ctx.db, ctx.tenantId, p.documentId) : undefined;
    const documents = doc
      ? [
          {
            document_id: doc.id,
            id: doc.id,
            document: doc.document,
            status: doc.status,
            mandatory: true,
            description: `An invoice for this payment: upload it with POST /v1/documents/${doc.id}.`,
          },
        ]
      : [];
    return {
      id: p.id,
      status: view.status,
      document_errors: documents.filter((d) => d.status === 'MISSING' || d.status === 'CHANGES_REQUESTED' || d.status === 'REJECTED'),
      documents,
    };
  }

  async list(ctx: Context, q: RawPageQuery, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await paymentsRepository.list(ctx.db, ctx.tenantId, page);
    const result = buildPage(page, rows, total, basePath, {});
    return { ...result, items: await Promise.all(result.items.map((r) => this.view(ctx, r))) };
  }

  /** The document module's hooks: an upload to the payment's RFI lets it continue. */
  documentHooks() {
    return {
      lockOwner: async (tx: Tx, ctx: WriteContext, paymentId: string, change: 'upload' | 'review') => {
        const p = await this.lock(tx, ctx.tenantId, paymentId);
        if (change === 'upload' && p.status !== 'CHANGES_REQUESTED' && p.status !== 'REQUESTED') {
          throw new AppError('NOT_UPDATABLE', `The payment is ${p.status}: its document can no longer be replaced.`, 'status');
        }
      },
      afterChange: async (tx: Tx, ctx: WriteContext, paymentId: string, at: Date) => {
        const p = await this.lock(tx, ctx.tenantId, paymentId);
        const doc = p.documentId ? await this.documents.statusOf(tx, ctx.tenantId, p.documentId) : undefined;
        if (p.status === 'CHANGES_REQUESTED' && (doc?.status === 'SUBMITTED' || doc?.status === 'APPROVED')) {
          await paymentsRepository.update(tx, ctx.tenantId, paymentId, { status: 'REQUESTED', updatedAt: at });
        }
      },
    };
  }
}
