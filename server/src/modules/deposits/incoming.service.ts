import type { Tx } from '../../db/client.js';
import { maskAccountNumber } from '../../shared/bank-codes.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { canTransact, type Status } from '../../shared/status.js';
import { type AccountRow, type LeaseRow, leaseEnded, lockAccount, lockLeaseAt, recordLeaseReceipt } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer } from '../customers/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import type { LedgerService, Line } from '../ledger/index.js';
import { findPayor } from '../payors/index.js';
import {
  findVirtualAccount,
  findVirtualAccountByDetails,
  RETURN_REASON,
  shareVirtualAccount,
  type VirtualAccountDetails,
  type VirtualAccountRow,
} from '../virtual-accounts/index.js';
import { railReference, virtualAccountInstructions } from './deposits.instructions.js';
import { depositsRepository } from './deposits.repository.js';
import { type IncomingRow, incomingRepository, type NewIncoming } from './incoming.repository.js';

export interface Arrival {
  rail: string;
  asset_type_id: string;
  amount: number | string;
  memo?: string | undefined;
  wallet_address?: string | undefined;
  originator?: { name?: string; account_number?: string; routing_number?: string; blockchain_address?: string } | undefined;
  /** The beneficiary's details: a virtual account's (ACH, FEDWIRE) … */
  account_number?: string | undefined;
  routing_number?: string | undefined;
  /** … or its IBAN (SEPA_CT). */
  iban?: string | undefined;
}

const US_RAILS = ['ACH', 'FEDWIRE'];

/** The beneficiary details an arrival names, checked against its rail (undefined: none). */
function beneficiaryOf(input: Arrival): VirtualAccountDetails | undefined {
  const { account_number, routing_number } = input;
  const iban = input.iban?.replace(/\s+/g, '').toUpperCase();
  if (iban !== undefined) {
    if (account_number !== undefined || routing_number !== undefined) {
      const field = account_number !== undefined ? 'account_number' : 'routing_number';
      throw new AppError('VALIDATION_ERROR', 'Name an IBAN or an account and routing number, not both.', field);
    }
    if (input.rail !== 'SEPA_CT') throw new AppError('VALIDATION_ERROR', `An IBAN is paid on SEPA_CT, not ${input.rail}.`, 'iban');
    return { iban };
  }
  if (account_number === undefined && routing_number === undefined) return undefined;
  if (account_number === undefined)
    throw new AppError('VALIDATION_ERROR', 'A routing number goes with an account_number.', 'account_number');
  if (routing_number === undefined)
    throw new AppError('VALIDATION_ERROR', 'An account number goes with a routing_number.', 'routing_number');
  if (!US_RAILS.includes(input.rail)) {
    throw new AppError('VALIDATION_ERROR', `US bank details are paid on ACH or FEDWIRE, not ${input.rail}.`, 'account_number');
  }
  return { accountNumber: account_number, routingNumber: routing_number };
}

/** What an arrival at a virtual account's details does. */
type Target =
  | { account: AccountRow; depositId?: string; lease?: LeaseRow; virtualAccount?: VirtualAccountRow }
  | { returned: 'ACCOUNT_DISABLED' | 'ACCOUNT_CLOSED'; virtualAccount: VirtualAccountRow }
  | { reason: string };

/**
 * Funds arriving on a rail (CONTRACT §10: sandbox POST /v1/simulations/deposits). They are
 * matched like real ones: fiat by the deposit instructions' memo, crypto by the receiving address
 * (a payment lease attributes them to its payor). A match credits the account (TRANSACTION_POSTED,
 * category DEPOSIT); anything that cannot be credited — no match, wrong asset, an account that
 * cannot receive, an expired lease — goes to the platform's suspense account for the operator.
 */
export class IncomingFundsService {
  constructor(private readonly ledger: LedgerService) {}

  view(r: IncomingRow) {
    const decimals = assetOf(r.assetTypeId)?.decimals ?? 0;
    return {
      id: r.id,
      status: r.status,
      // Matched: the details or memo named an account (credited, or refused and returned).
      matched: r.status === 'CREDITED' || r.status === 'RETURNED',
      returned: r.status === 'RETURNED',
      return_reason: r.status === 'RETURNED' ? r.reason : null,
      virtual_account_id: r.virtualAccountId,
      rail: r.rail,
      asset_type_id: r.assetTypeId,
      amount: JsonDecimal.fromMinor(r.amount, decimals) as unknown as number,
      memo: r.memo,
      wallet_address: r.walletAddress,
      rail_reference: r.railReference,
      reason: r.reason,
      client_id: r.clientId,
      account_id: r.accountId,
      deposit_id: r.depositId,
      transaction_id: r.transactionId,
      created_at: r.createdAt.toISOString(),
      assigned_at: r.assignedAt?.toISOString() ?? null,
    };
  }

  /** Matching is within the calling client in the sandbox: a tenant cannot credit another's accounts. */
  async arrive(ctx: WriteContext, input: Arrival) {
    const asset = assetOf(input.asset_type_id);
    if (!asset) throw new AppError('VALIDATION_ERROR', `Unknown asset ${input.asset_type_id}.`, 'asset_type_id');
    if (!(asset.rails as string[]).includes(input.rail)) {
      throw new AppError(
        'VALIDATION_ERROR',
        `${input.asset_type_id} does not travel on ${input.rail} (rails: ${asset.rails.join(', ')}).`,
        'rail',
      );
    }
    if (input.rail === 'CRYPTO' ? !input.wallet_address : false) {
      throw new AppError('VALIDATION_ERROR', 'Crypto arrivals name the receiving wallet_address.', 'wallet_address');
    }
    const beneficiary = beneficiaryOf(input);
    const amount = toMinor(input.amount, asset.decimals);
    const at = ctx.now;
    const rref = railReference(input.rail);
    const originator = {
      originator_type: input.rail === 'CRYPTO' ? 'CRYPTO' : 'FIAT_US',
      rail: input.rail,
      rail_reference: rref,
      rail_originator_memo: input.memo ?? null,
      profile: { name: input.originator?.name ?? null },
      ...(input.rail === 'CRYPTO'
        ? { wallet_information: { blockchain_address: input.originator?.blockchain_address ?? null } }
        : {
            account_information: {
              account_number: (input.originator?.account_number ? maskAccountNumber(input.originator.account_number) : undefined) ?? null,
              routing_number: input.originator?.routing_number ?? null,
            },
          }),
    };

    const row = await (async (tx: Tx) => {
      const target: Target = beneficiary
        ? await this.matchDetails(tx, ctx.tenantId, beneficiary, input.rail, asset.asset_type_id)
        : await this.match(tx, ctx.tenantId, input, asset.asset_type_id, at);
      const id = newId('incoming');
      // The arrival as recorded, whatever became of it.
      const record = (outcome: Partial<NewIncoming> & Pick<NewIncoming, 'status'>) =>
        incomingRepository.insert(tx, {
          id,
          rail: input.rail,
          assetTypeId: asset.asset_type_id,
          amount,
          memo: input.memo ?? null,
          walletAddress: input.wallet_address ?? null,
          originator,
          railReference: rref,
          createdAt: at,
          ...outcome,
        });
      if ('returned' in target) {
        // Refused at the door: the sender gets the funds back; nothing reaches the ledger. The
        // client hears of it (VIRTUAL_ACCOUNT_PAYMENT_RETURNED), in this transaction.
        const va = target.virtualAccount;
        const returned = await record({
          status: 'RETURNED',
          reason: target.returned,
          clientId: va.clientId,
          accountId: va.accountId,
          virtualAccountId: va.id,
        });
        await writeEvents(tx, [
          {
            clientId: va.clientId,
            eventType: 'VIRTUAL_ACCOUNT_PAYMENT_RETURNED',
            resourceType: 'incoming_payment',
            resourceId: returned.id,
            eventData: { incoming_payment: { id: returned.id, status: 'RETURNED', virtual_account_id: va.id } },
            at,
          },
        ]);
        return returned;
      }
      const omnibus = await this.ledger.platformAccount(tx, `omnibus:${input.rail}`, asset.asset_type_id, at);
      if ('reason' in target) {
        const suspense = await this.ledger.platformAccount(tx, 'suspense', asset.asset_type_id, at);
        await this.ledger.post(tx, {
          clientId: null,
          categoryType: 'DEPOSIT',
          categoryId: id,
          description: `unmatched ${input.rail} arrival: ${target.reason}`,
          at,
          lines: [
            { ledgerAccountId: omnibus, amount: -amount, transactionType: 'TRANSFER_IN' },
            { ledgerAccountId: suspense, amount, transactionType: 'TRANSFER_IN', details: { originator } },
          ],
        });
        return record({ status: 'SUSPENSE', reason: target.reason });
      }
      const { account, lease, virtualAccount } = target;
      let depositId = target.depositId;
      if (virtualAccount) {
        // Each payment to a virtual account's details is a deposit naming the virtual account.
        depositId = newId('deposit');
        await depositsRepository.insert(tx, {
          clientId: account.clientId,
          id: depositId,
          depositType: 'PUSH',
          status: 'EXECUTED',
          destinationAccountId: account.id,
          assetTypeId: asset.asset_type_id,
          memo: null,
          instructions: virtualAccountInstructions(input.rail, asset, {
            account_number: virtualAccount.accountNumber,
            routing_number: virtualAccount.routingNumber,
            iban: virtualAccount.iban,
            bic: virtualAccount.bic,
          }),
          virtualAccountId: virtualAccount.id,
          receivedTotal: amount,
          receivedCount: 1,
          createdAt: at,
          updatedAt: at,
          executedAt: at,
        });
      }
      const txnId = newId('transaction');
      const payor = lease?.payorId ? await this.payorOf(tx, account, lease.payorId) : undefined;
      const details: Record<string, unknown> = { originator };
      if (lease?.leaseEnforced) {
        details.payor_id = lease.payorId;
        details.payor_reference_id = lease.paymentReference;
        details.payor_amount = lease.expectedAmount === null ? null : JsonDecimal.fromMinor(lease.expectedAmount, asset.decimals).text;
        if (payor) details.payor = payor;
      }
      const categoryId = depositId ?? id;
      await this.credit(
        tx,
        account,
        { ledgerAccountId: omnibus, amount: -amount, transactionType: 'TRANSFER_IN' },
        amount,
        txnId,
        categoryId,
        details,
        at,
        input.memo,
      );
      if (depositId && !virtualAccount) await depositsRepository.received(tx, account.clientId, depositId, amount, at);
      if (lease) await recordLeaseReceipt(tx, lease, amount, at);
      return record({
        status: 'CREDITED',
        clientId: account.clientId,
        accountId: account.id,
        depositId: depositId ?? null,
        leaseId: lease?.id ?? null,
        virtualAccountId: virtualAccount?.id ?? null,
        transactionId: txnId,
      });
    })(ctx.tx);
    if (row.status === 'RETURNED') {
      return {
        id: row.id,
        matched: true,
        returned: true,
        return_reason: row.reason as string,
        virtual_account_id: row.virtualAccountId as string,
      };
    }
    return this.view(row);
  }

  /**
   * An arrival naming bank details: a virtual account of the calling client, on its rail. ACTIVE
   * credits its account (when the account and its customer can receive, in the account's asset);
   * DISABLED and CLOSED return the funds. Locks: the account, then the virtual account (shared),
   * the order the account's closing takes. Unknown details, details of another rail (FEDWIRE
   * details are unknown to ACH, and the reverse), another asset, an account that cannot receive:
   * suspense.
   */
  private async matchDetails(tx: Tx, clientId: string, details: VirtualAccountDetails, rail: string, assetTypeId: string): Promise<Target> {
    const found = await findVirtualAccountByDetails(tx, clientId, details);
    if (!found) return { reason: 'no virtual account of this client has these details' };
    // A virtual account's rail never changes: no lock is needed to read it.
    if (found.rail !== rail) return { reason: `virtual account ${found.id} receives ${found.rail}, not ${rail}` };
    const account = await lockAccount(tx, clientId, found.accountId);
    const va = await shareVirtualAccount(tx, clientId, found.id);
    if (!account || !va) return { reason: `the account of virtual account ${found.id} is gone` };
    const returned = RETURN_REASON[va.status];
    if (returned) return { returned, virtualAccount: va };
    if (account.assetTypeId !== assetTypeId) return { reason: `virtual account ${va.id} receives ${account.assetTypeId}` };
    const refused = await this.receivable(tx, account);
    if (refused) return { reason: refused };
    return { account, virtualAccount: va };
  }

  /** Every arrival at a virtual account's details (credited or returned), newest first. */
  async ofVirtualAccount(ctx: Context, virtualAccountId: string, q: RawPageQuery, basePath: string) {
    const va = await findVirtualAccount(ctx.db, ctx.tenantId, virtualAccountId);
    if (!va) throw notFound('Virtual account', 'id');
    const page = parsePageQuery(q);
    const { rows, total } = await incomingRepository.pageOfVirtualAccount(ctx.db, ctx.tenantId, va.id, page);
    const result = buildPage(page, rows, total, basePath, {});
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }

  /** Credits a customer account (it must be able to receive: checked by the caller's match). */
  private async credit(
    tx: Tx,
    account: AccountRow,
    counter: Line,
    amount: bigint,
    txnId: string,
    categoryId: string,
    details: Record<string, unknown>,
    at: Date,
    memo?: string,
  ) {
    await this.ledger.post(tx, {
      clientId: account.clientId,
      categoryType: 'DEPOSIT',
      categoryId,
      description: memo ?? null,
      at,
      lines: [
        counter,
        {
          ledgerAccountId: account.ledgerAccountId,
          amount,
          transactionType: 'TRANSFER_IN',
          accountRef: account.id,
          publicId: txnId,
          details,
        },
      ],
    });
    await writeEvents(tx, [
      transactionEvent(account.clientId, 'POSTED', { id: txnId, accountId: account.id, categoryType: 'DEPOSIT', categoryId }, at),
    ]);
  }

  private async receivable(tx: Tx, account: AccountRow): Promise<string | undefined> {
    const customer = await findCustomer(tx, account.clientId, account.customerId);
    if (!canTransact(account.status as Status)) return `account ${account.id} is ${account.status} and cannot receive`;
    if (!customer || !canTransact(customer.status as Status)) return `the customer of account ${account.id} cannot receive`;
    return undefined;
  }

  private async match(tx: Tx, clientId: string, input: Arrival, assetTypeId: string, at: Date): Promise<Target> {
    if (input.rail === 'CRYPTO') {
      const lease = await lockLeaseAt(tx, clientId, assetTypeId, input.wallet_address as string);
      if (!lease) return { reason: 'no address of this client matches' };
      if (await leaseEnded(tx, lease, at)) return { reason: `lease ${lease.id} has expired` };
      const account = await lockAccount(tx, clientId, lease.accountId);
      if (!account) return { reason: 'the leased account is gone' };
      const refused = await this.receivable(tx, account);
      if (refused) return { reason: refused };
      const push = await depositsRepository.latestPush(tx, clientId, account.id);
      return { account, lease, ...(push && { depositId: push.id }) };
    }
    if (!input.memo) return { reason: 'no memo' };
    const deposit = await depositsRepository.lockByMemo(tx, clientId, input.memo.trim().toUpperCase());
    if (!deposit) return { reason: `memo ${input.memo} matches no deposit` };
    if (deposit.assetTypeId !== assetTypeId) return { reason: `memo ${input.memo} is for ${deposit.assetTypeId}` };
    const account = await lockAccount(tx, clientId, deposit.destinationAccountId);
    if (!account) return { reason: 'the deposit account is gone' };
    const refused = await this.receivable(tx, account);
    if (refused) return { reason: refused };
    return { account, depositId: deposit.id };
  }

  private async payorOf(tx: Tx, account: AccountRow, payorId: string) {
    const p = await findPayor(tx, account.clientId, account.customerId, payorId);
    return p ? { id: p.id, ...(p.details as Record<string, unknown>) } : undefined;
  }

  // ---- suspense (operator) -------------------------------------------------------------------

  /** Unmatched funds, newest first, a page at a time (either style, CONTRACT §3); filters rail and asset_type_id. */
  async suspense(ctx: Context, q: RawPageQuery & { rail?: string | undefined; asset_type_id?: string | undefined }, basePath: string) {
    const page = parsePageQuery(q);
    const { rows, total } = await incomingRepository.suspensePage(ctx.db, { rail: q.rail, assetTypeId: q.asset_type_id }, page);
    const result = buildPage(page, rows, total, basePath, { rail: q.rail, asset_type_id: q.asset_type_id });
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }

  /** The operator assigns unmatched funds to an account of the client it acts for. */
  async assign(ctx: WriteContext, id: string, accountId: string) {
    const row = await (async (tx: Tx) => {
      const inc = await incomingRepository.lock(tx, id);
      if (!inc) throw notFound('Suspense item', 'id');
      if (inc.status !== 'SUSPENSE') throw new AppError('INVALID_STATUS_TRANSITION', `This item is ${inc.status}, not in suspense.`);
      const account = await lockAccount(tx, ctx.tenantId, accountId);
      if (!account) throw notFound('Account', 'account_id');
      if (account.assetTypeId !== inc.assetTypeId) {
        throw new AppError('ASSET_MISMATCH', `The funds are ${inc.assetTypeId}; the account holds ${account.assetTypeId}.`, 'account_id');
      }
      const refused = await this.receivable(tx, account);
      if (refused) throw new AppError('NOT_TRANSACTABLE', refused, 'account_id');
      const at = ctx.now;
      const suspense = await this.ledger.platformAccount(tx, 'suspense', inc.assetTypeId, at);
      const txnId = newId('transaction');
      await this.credit(
        tx,
        account,
        { ledgerAccountId: suspense, amount: -inc.amount, transactionType: 'TRANSFER_IN' },
        inc.amount,
        txnId,
        inc.id,
        { originator: inc.originator },
        at,
        inc.memo ?? undefined,
      );
      return incomingRepository.update(tx, id, {
        status: 'ASSIGNED',
        clientId: ctx.tenantId,
        accountId: account.id,
        transactionId: txnId,
        assignedAt: at,
        assignedBy: ctx.caller.id,
      });
    })(ctx.tx);
    return this.view(row);
  }
}
