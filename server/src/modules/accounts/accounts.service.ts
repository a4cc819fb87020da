import type { Ajv } from 'ajv';
import { Type } from 'typebox';
import type { Reader, Tx } from '../../db/client.js';
import type { DuePass } from '../../jobs/scheduler.js';
import { newBitcoinAddress, newEthereumAddress, newSolanaAddress } from '../../shared/addresses.js';
import type { AuthContext, Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type PatchBody, PatchEngine } from '../../shared/patch.js';
import { assertUpdatable, baseOf, canTransact, checkTransition, isStatus, type Status } from '../../shared/status.js';
import { assetOf, type CatalogueService, PRODUCTS } from '../catalogue/index.js';
import { type CustomerHooks, type CustomerRow, findCustomer, lockCustomer, markDormantCustomers } from '../customers/index.js';
import { statusEventType, writeEvents } from '../events/index.js';
import { historyPage, writeHistory, writePlatformHistory } from '../history/index.js';
import { available, type Balances, balancesOf, current, isEmpty, openCustomerLedgerAccount, ZERO } from '../ledger/index.js';
import { type AccountRow, accountsRepository, type LeaseRow } from './accounts.repository.js';

export type Family = 'deposits' | 'payments';

/** Rotating leases (payment accounts) last a day or this many transactions, whichever first. */
export const LEASE_SECONDS = 86_400;
export const LEASE_TRANSACTIONS = 10;

export interface LeaseTerms {
  expectedAmount?: bigint | null;
  payorId?: string | null;
  paymentReference?: string | null;
}

/** Wire <-> canonical status: accounts say OPEN where the machine says ACTIVE. */
export const toWire = (s: string) => (s === 'ACTIVE' ? 'OPEN' : s);
export const fromWire = (s: string) => (s === 'OPEN' ? 'ACTIVE' : s);

export interface OpenInput {
  customerId: string;
  accountId: string;
  productId: string;
  assetTypeId: string;
}

/**
 * May money move through this account? Its own status and its customer's must both allow it
 * (CONTRACT §5). Used by every money movement under the row locks it holds.
 */
export function assertTransactable(account: AccountRow, customerStatus: string, role = 'account'): void {
  if (!canTransact(account.status as Status)) {
    throw new AppError('NOT_TRANSACTABLE', `The ${role} ${account.id} is ${toWire(account.status)} and cannot transact.`);
  }
  if (!canTransact(customerStatus as Status)) {
    throw new AppError('NOT_TRANSACTABLE', `The customer of ${role} ${account.id} is ${customerStatus} and cannot transact.`);
  }
}

const ACCOUNT_EVENT = (status: string) => statusEventType('ACCOUNT', toWire(status));

/** What closing accounts closes with them (cards): same transaction, same actor. */
export type AccountsClosedHook = (tx: Tx, auth: AuthContext, accountIds: string[], at: Date, reason: string) => Promise<void>;

export class AccountsService {
  private readonly patch: PatchEngine;
  private readonly closedHooks: AccountsClosedHook[] = [];

  /** Registers what follows an account's closing (e.g. its cards close). */
  onClosed(hook: AccountsClosedHook): void {
    this.closedHooks.push(hook);
  }

  constructor(
    ajv: Ajv,
    private readonly catalogue: CatalogueService,
  ) {
    this.patch = new PatchEngine(ajv, {
      schema: Type.Object({}, { additionalProperties: false }),
      hasStatus: true,
      ignored: ['current_balance', 'available_balance', 'created_at', 'updated_at'],
    });
  }

  // ---- representation ----------------------------------------------------------------------

  view(row: AccountRow, b: Balances = ZERO) {
    const decimals = assetOf(row.assetTypeId)?.decimals ?? 0;
    return {
      id: row.id,
      status: toWire(row.status),
      asset_type_id: row.assetTypeId,
      product_type: row.productType,
      product_id: row.productId,
      customer_id: row.customerId,
      current_balance: JsonDecimal.fromMinor(current(b), decimals) as unknown as number,
      available_balance: JsonDecimal.fromMinor(available(b), decimals) as unknown as number,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }

  private async views(db: Reader, rows: AccountRow[]) {
    const balances = await balancesOf(
      db,
      rows.map((r) => r.ledgerAccountId),
    );
    return rows.map((r) => this.view(r, balances.get(r.ledgerAccountId)));
  }

  // ---- opening -----------------------------------------------------------------------------

  /** Refuses an account that could not be opened: product/asset not enabled, id taken. */
  async assertOpenable(db: Reader, auth: AuthContext, input: Omit<OpenInput, 'customerId'>, field = 'account_to_open') {
    const resolved = await this.catalogue.resolve(db, auth.tenantId, input.productId, input.assetTypeId, field);
    if (await accountsRepository.exists(db, auth.tenantId, input.accountId)) {
      throw new AppError('DUPLICATE_ID', `An account with id ${input.accountId} already exists.`, `${field}.account_id`);
    }
    return resolved;
  }

  /** Opens an account; the customer must be locked by the caller. */
  async openFor(ctx: WriteContext, customer: CustomerRow, input: OpenInput, family?: Family): Promise<AccountRow> {
    const { tx } = ctx;
    const auth = ctx;
    const { product, asset } = await this.assertOpenable(tx, auth, input);
    if (family && product.family !== family) {
      throw new AppError(
        'VALIDATION_ERROR',
        `${product.product_id} accounts live under /v1/accounts/${product.family}, not /v1/accounts/${family}.`,
        'account_to_open.product_id',
      );
    }
    const status = customer.status as Status;
    if (baseOf(status) === 'CLOSED' || !canTransact(status)) {
      throw new AppError(
        'NOT_TRANSACTABLE',
        `The customer is ${status}: accounts can be opened for customers that are ACTIVE, EDD or DORMANT.`,
        'customer_id',
      );
    }
    const at = ctx.now;
    const ledgerAccountId = await openCustomerLedgerAccount(tx, auth.tenantId, asset.asset_type_id, at);
    const row = await accountsRepository.insert(tx, {
      clientId: auth.tenantId,
      id: input.accountId,
      customerId: customer.id,
      productId: product.product_id,
      productType: product.product_type,
      family: product.family,
      assetTypeId: asset.asset_type_id,
      status: 'ACTIVE',
      ledgerAccountId,
      lastActivityAt: at,
      createdAt: at,
      updatedAt: at,
    });
    if (!row) throw new AppError('DUPLICATE_ID', `An account with id ${input.accountId} already exists.`, 'account_to_open.account_id');
    await writeEvents(tx, [
      {
        clientId: auth.tenantId,
        eventType: ACCOUNT_EVENT(row.status),
        resourceType: 'account',
        resourceId: row.id,
        eventData: { account: { id: row.id, status: toWire(row.status) } },
        at,
      },
    ]);
    return row;
  }

  async open(
    ctx: WriteContext,
    family: Family,
    body: { customer_id: string; account_to_open: { account_id: string; product_id: string; asset_type_id: string } },
  ) {
    const customer = await lockCustomer(ctx.tx, ctx.tenantId, body.customer_id);
    if (!customer) throw notFound('Customer', 'customer_id');
    if (!ctx.operator && (customer.status as string).endsWith('_L2F')) {
      throw new AppError(
        'L2F_STATUS_RESERVED',
        `The customer is ${customer.status}: it awaits action by the platform operator.`,
        'customer_id',
      );
    }
    const row = await this.openFor(
      ctx,
      customer,
      {
        customerId: body.customer_id,
        accountId: body.account_to_open.account_id,
        productId: body.account_to_open.product_id,
        assetTypeId: body.account_to_open.asset_type_id,
      },
      family,
    );
    return this.view(row);
  }

  // ---- reading -----------------------------------------------------------------------------

  private async mustFind(ctx: Context, family: Family, id: string): Promise<AccountRow> {
    const row = await accountsRepository.find(ctx.db, ctx.tenantId, id);
    if (!row || row.family !== family) throw notFound('Account', 'id');
    return row;
  }

  async get(ctx: Context, family: Family, id: string) {
    const row = await this.mustFind(ctx, family, id);
    return (await this.views(ctx.db, [row]))[0] as ReturnType<AccountsService['view']>;
  }

  async list(
    ctx: Context,
    family: Family,
    query: RawPageQuery & { customer_id?: string; product_type?: string; status?: string },
    basePath: string,
  ) {
    const page = parsePageQuery(query);
    const status = query.status ? fromWire(query.status) : undefined;
    const { rows, total } = await accountsRepository.list(
      ctx.db,
      ctx.tenantId,
      family,
      { customerId: query.customer_id, productType: query.product_type, status },
      page,
    );
    const result = buildPage(page, rows, total, basePath, {
      customer_id: query.customer_id,
      product_type: query.product_type,
      status: query.status,
    });
    return { ...result, items: await this.views(ctx.db, result.items) };
  }

  async history(ctx: Context, family: Family, id: string, query: RawPageQuery, basePath: string) {
    await this.mustFind(ctx, family, id);
    return historyPage(ctx.db, ctx.tenantId, 'account', id, query, basePath);
  }

  // ---- status ------------------------------------------------------------------------------

  /** Changes one account's status under its lock: rules, NON_ZERO_BALANCE, history, event. */
  private async changeStatus(
    tx: Tx,
    auth: AuthContext,
    account: AccountRow,
    to: Status,
    meta: { updatedBy?: string | undefined; reason?: string | undefined; at: Date },
  ) {
    const from = account.status as Status;
    if (!checkTransition(from, to, auth, 'account')) return account;
    if (baseOf(to) === 'CLOSED') {
      const b = (await balancesOf(tx, [account.ledgerAccountId])).get(account.ledgerAccountId) ?? ZERO;
      if (!isEmpty(b)) {
        throw new AppError(
          'NON_ZERO_BALANCE',
          `The account ${account.id} still holds funds or pending amounts and cannot be closed.`,
          'status',
        );
      }
    }
    const updated = await accountsRepository.update(tx, auth.tenantId, account.id, { status: to, updatedAt: meta.at });
    if (baseOf(to) === 'CLOSED') {
      for (const hook of this.closedHooks) await hook(tx, auth, [account.id], meta.at, meta.reason ?? 'account closed');
    }
    await writeHistory(tx, 'account', account.id, [{ field: 'status', before: toWire(from), after: toWire(to) }], { auth, ...meta });
    await writeEvents(tx, [
      {
        clientId: auth.tenantId,
        eventType: ACCOUNT_EVENT(to),
        resourceType: 'account',
        resourceId: account.id,
        eventData: { account: { id: account.id, status: toWire(to) } },
        at: meta.at,
      },
    ]);
    return updated;
  }

  async update(ctx: WriteContext, family: Family, id: string, body: PatchBody) {
    const auth = ctx;
    const tx = ctx.tx;
    const row = await (async () => {
      const account = await accountsRepository.lock(tx, auth.tenantId, id);
      if (!account || account.family !== family) throw notFound('Account', 'id');
      assertUpdatable(account.status as Status, auth, 'account');
      const patch = this.patch.prepare({}, body, {
        id: account.id,
        customer_id: account.customerId,
        product_id: account.productId,
        product_type: account.productType,
        asset_type_id: account.assetTypeId,
      });
      if (patch.status === undefined) return account;
      const to = fromWire(patch.status);
      if (!isStatus(to)) throw new AppError('VALIDATION_ERROR', `Unknown status ${patch.status}.`, 'status');
      if (baseOf(to) !== 'CLOSED') {
        // An account cannot be more alive than its customer allows: reopening needs a live customer.
        const customer = await findCustomer(tx, auth.tenantId, account.customerId);
        if (customer && baseOf(customer.status as Status) === 'CLOSED') {
          throw new AppError('NOT_UPDATABLE', 'The customer is CLOSED: its accounts cannot change status.', 'status');
        }
      }
      return this.changeStatus(tx, auth, account, to, { updatedBy: patch.updatedBy, reason: patch.reason, at: ctx.now });
    })();
    return (await this.views(tx, [row]))[0] as ReturnType<AccountsService['view']>;
  }

  /** What accounts contribute to customers: the accounts list, and closing cascades. */
  customerHooks(): CustomerHooks {
    return {
      accountsOf: async (db, clientId, customerIds) => {
        const rows = await accountsRepository.ofCustomers(db, clientId, customerIds);
        const map = new Map<string, { id: string; asset_type_id: string; status: string }[]>();
        for (const r of rows) {
          const list = map.get(r.customerId) ?? [];
          list.push({ id: r.id, asset_type_id: r.assetTypeId, status: toWire(r.status) });
          map.set(r.customerId, list);
        }
        return map;
      },
      onStatusChange: async (ctx, { customer, to }) => {
        const { tx, now: at } = ctx;
        const auth = ctx;
        if (baseOf(to) !== 'CLOSED') return;
        const owned = await accountsRepository.lockOfCustomer(tx, auth.tenantId, customer.id);
        const balances = await balancesOf(
          tx,
          owned.map((a) => a.ledgerAccountId),
        );
        const funded = owned.filter((a) => !isEmpty(balances.get(a.ledgerAccountId) ?? ZERO));
        if (funded.length) {
          throw new AppError(
            'NON_ZERO_BALANCE',
            `The customer still holds funds in ${funded.map((a) => a.id).join(', ')}: empty the accounts before closing.`,
            'status',
          );
        }
        // Closing the customer closes its accounts, by the same actor: an account held by the
        // operator (_L2F) stops a client from closing its customer.
        for (const a of owned) {
          if (baseOf(a.status as Status) !== 'CLOSED') {
            await this.changeStatus(tx, auth, a, 'CLOSED', { reason: 'customer closed', at });
          }
        }
      },
    };
  }

  // ---- dormancy -----------------------------------------------------------------------------

  /**
   * The platform sets ACTIVE accounts without activity for `days` to DORMANT (CONTRACT §5), then
   * customers whose accounts are all dormant or closed. Activity = the latest ledger row, or the
   * opening. Returns how many resources changed.
   */
  async markDormant(pass: DuePass, days: number): Promise<number> {
    const { now, clientId } = pass;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    return pass.unit(async (tx) => {
      const accounts = await accountsRepository.markDormant(tx, { clientId, cutoff, now });
      const customers = await markDormantCustomers(tx, { clientId, cutoff, now });
      for (const [type, rows, wire] of [
        ['account', accounts, 'DORMANT'],
        ['customer', customers, 'DORMANT'],
      ] as const) {
        await writePlatformHistory(
          tx,
          rows.map((r) => ({
            clientId: r.client_id,
            resourceType: type,
            resourceId: r.id,
            field: 'status',
            before: type === 'account' ? 'OPEN' : 'ACTIVE',
            after: wire,
          })),
          { reason: `no activity for ${days} days`, at: now },
        );
        await writeEvents(
          tx,
          rows.map((r) => ({
            clientId: r.client_id,
            eventType: `${type.toUpperCase()}_DORMANT`,
            resourceType: type,
            resourceId: r.id,
            eventData: { [type]: { id: r.id, status: wire } },
            at: now,
          })),
        );
      }
      return accounts.length + customers.length;
    });
  }

  // ---- crypto deposit addresses ------------------------------------------------------------

  leaseView(lease: LeaseRow) {
    const decimals = assetOf(lease.assetTypeId)?.decimals ?? 0;
    return {
      id: lease.id,
      wallet_address: lease.walletAddress,
      asset_type_id: lease.assetTypeId,
      lease_enforced: lease.leaseEnforced,
      lease_end_date: lease.leaseEndDate?.toISOString() ?? null,
      lease_transaction_limit: lease.leaseTransactionLimit,
      lease_value_limit:
        lease.leaseValueLimit === null ? null : (JsonDecimal.fromMinor(lease.leaseValueLimit, decimals) as unknown as number),
    };
  }

  /**
   * A deposit address for a crypto account (LAYER2_API.md §2.5). Products with fixed addresses
   * keep one address per account (lease_enforced false) and answer it again on every call;
   * rotating products (PAYMENT_BASIC) issue a new lease each time, with its limits.
   */
  async requestAddress(ctx: WriteContext, family: Family, id: string, lease: LeaseTerms = {}) {
    const account = await accountsRepository.lock(ctx.tx, ctx.tenantId, id);
    if (!account || account.family !== family) throw notFound('Account', 'id');
    return this.leaseView(await this.leaseFor(ctx, account, lease));
  }

  /** The account's address (fixed products) or a new lease (rotating). */
  async leaseFor(ctx: WriteContext, account: AccountRow, terms: LeaseTerms = {}): Promise<LeaseRow> {
    const { tx } = ctx;
    const auth = ctx;
    const asset = assetOf(account.assetTypeId);
    if (asset?.kind !== 'CRYPTO') {
      throw new AppError(
        'ASSET_MISMATCH',
        `The account ${account.id} holds ${account.assetTypeId}: addresses exist for crypto accounts only.`,
        'id',
      );
    }
    if (baseOf(account.status as Status) === 'CLOSED') throw new AppError('NOT_TRANSACTABLE', `The account ${account.id} is CLOSED.`, 'id');
    const product = PRODUCTS.find((p) => p.product_id === account.productId);
    const rotating = product?.rotating_addresses ?? false;
    if (!rotating) {
      const existing = await accountsRepository.latestLease(tx, auth.tenantId, account.id);
      if (existing) return existing;
    }
    const at = ctx.now;
    const address =
      asset.blockchain === 'ETHEREUM'
        ? newEthereumAddress()
        : asset.blockchain === 'BITCOIN'
          ? newBitcoinAddress(asset.network === 'MAINNET' ? 'MAINNET' : 'TESTNET')
          : newSolanaAddress();
    return accountsRepository.insertLease(tx, {
      clientId: auth.tenantId,
      id: newId('lease'),
      accountId: account.id,
      assetTypeId: asset.asset_type_id,
      walletAddress: address,
      leaseEnforced: rotating,
      leaseEndDate: rotating ? new Date(at.getTime() + LEASE_SECONDS * 1000) : null,
      leaseTransactionLimit: rotating ? LEASE_TRANSACTIONS : null,
      leaseValueLimit: rotating ? (terms.expectedAmount ?? null) : null,
      payorId: terms.payorId ?? null,
      paymentReference: terms.paymentReference ?? null,
      expectedAmount: terms.expectedAmount ?? null,
      createdAt: at,
    });
  }
}
