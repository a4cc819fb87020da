import type { Ajv } from 'ajv';
import { Type } from 'typebox';
import type { Reader, Tx } from '../../db/client.js';
import type { AuthContext, Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type PatchBody, PatchEngine } from '../../shared/patch.js';
import { assertTransactable, findAccount, lockAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer } from '../customers/index.js';
import { type NewEvent, writeEvents } from '../events/index.js';
import { type FieldChange, historyPage, writeHistory } from '../history/index.js';
import { type VirtualAccountRow, type VirtualAccountStatus, virtualAccountMachine } from './virtual-accounts.machine.js';
import { newAccountNumber, newIban, SANDBOX_BIC, SANDBOX_ROUTING_NUMBER } from './virtual-accounts.numbers.js';
import { virtualAccountsRepository as repo } from './virtual-accounts.repository.js';

export type Rail = VirtualAccountRow['rail'];
export const STATUSES: readonly VirtualAccountStatus[] = ['ACTIVE', 'DISABLED', 'CLOSED'];
/** The currency each rail carries: the account's asset must be fiat in it. */
export const RAIL_CURRENCY: Record<Rail, string> = { ACH: 'USD', FEDWIRE: 'USD', SEPA_CT: 'EUR' };
const DRAWS = 8;

export interface CreateInput {
  rail: Rail;
  name?: string | undefined;
}

/** The resource's history and events name it so. */
const RESOURCE = 'virtual_account';

function statusEvent(v: VirtualAccountRow, at: Date): NewEvent {
  return {
    clientId: v.clientId,
    eventType: `VIRTUAL_ACCOUNT_${v.status}`,
    resourceType: RESOURCE,
    resourceId: v.id,
    eventData: { virtual_account: { id: v.id, status: v.status } },
    at,
  };
}

/**
 * Virtual accounts: dedicated bank details routing incoming money to one fiat deposit account.
 * Funds sent to ACTIVE details credit the account; to DISABLED or CLOSED details they are returned
 * (the deposits module's arrivals ask this module, see index.ts). One status machine
 * (virtual-accounts.machine.ts); every change is in the resource's history and evented.
 */
export class VirtualAccountsService {
  private readonly patch: PatchEngine;

  constructor(ajv: Ajv) {
    this.patch = new PatchEngine(ajv, {
      schema: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
      hasStatus: true,
      ignored: ['created_at', 'updated_at'],
    });
  }

  view(v: VirtualAccountRow) {
    const common = {
      id: v.id,
      account_id: v.accountId,
      customer_id: v.customerId,
      rail: v.rail,
      status: v.status,
      name: v.name,
    };
    const details =
      v.rail === 'SEPA_CT'
        ? { iban: v.iban as string, bic: v.bic as string }
        : { account_number: v.accountNumber as string, routing_number: v.routingNumber as string };
    return { ...common, ...details, created_at: v.createdAt.toISOString(), updated_at: v.updatedAt.toISOString() };
  }

  /** New details for a fiat deposit account of the rail's currency, ACTIVE at once. */
  async create(ctx: WriteContext, accountId: string, input: CreateInput) {
    const { tx } = ctx;
    // Under the account's lock: closing the account (which closes its virtual accounts) waits.
    const account = await lockAccount(tx, ctx.tenantId, accountId);
    if (account?.family !== 'deposits') throw notFound('Account', 'id');
    const asset = assetOf(account.assetTypeId);
    const currency = RAIL_CURRENCY[input.rail];
    if (asset?.kind !== 'FIAT' || asset.currency !== currency || !(asset.rails as string[]).includes(input.rail)) {
      throw new AppError(
        'ASSET_MISMATCH',
        `${input.rail} details route ${currency} to a fiat ${currency} account; the account ${account.id} holds ${account.assetTypeId}.`,
        'rail',
      );
    }
    const customer = await findCustomer(tx, ctx.tenantId, account.customerId);
    assertTransactable(account, customer?.status ?? 'CLOSED');
    const at = ctx.now;
    for (let draw = 0; draw < DRAWS; draw++) {
      const details =
        input.rail === 'SEPA_CT'
          ? { iban: newIban(), bic: SANDBOX_BIC }
          : { accountNumber: newAccountNumber(), routingNumber: SANDBOX_ROUTING_NUMBER };
      const row = await repo.insert(tx, {
        clientId: ctx.tenantId,
        id: newId('virtualAccount'),
        accountId: account.id,
        customerId: account.customerId,
        rail: input.rail,
        status: 'ACTIVE',
        name: input.name ?? null,
        ...details,
        createdAt: at,
        updatedAt: at,
      });
      if (!row) continue; // these details exist already: draw again
      await writeEvents(tx, [statusEvent(row, at)]);
      return this.view(row);
    }
    throw new Error(`no free ${input.rail} details after ${DRAWS} draws`);
  }

  private async mustFind(db: Reader, clientId: string, id: string): Promise<VirtualAccountRow> {
    const row = await repo.find(db, clientId, id);
    if (!row) throw notFound('Virtual account', 'id');
    return row;
  }

  async get(ctx: Context, id: string) {
    return this.view(await this.mustFind(ctx.db, ctx.tenantId, id));
  }

  async list(ctx: Context, accountId: string, query: RawPageQuery & { status?: string; rail?: string }, basePath: string) {
    const account = await findAccount(ctx.db, ctx.tenantId, accountId);
    if (account?.family !== 'deposits') throw notFound('Account', 'id');
    const page = parsePageQuery(query);
    const { rows, total } = await repo.listOfAccount(ctx.db, ctx.tenantId, accountId, { status: query.status, rail: query.rail }, page);
    const result = buildPage(page, rows, total, basePath, { status: query.status, rail: query.rail });
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }

  async history(ctx: Context, id: string, query: RawPageQuery, basePath: string) {
    await this.mustFind(ctx.db, ctx.tenantId, id);
    return historyPage(ctx.db, ctx.tenantId, RESOURCE, id, query, basePath);
  }

  /** PATCH: status (ACTIVE ⇄ DISABLED, → CLOSED) and name; both PATCH forms, whole or nothing. */
  async update(ctx: WriteContext, id: string, body: PatchBody) {
    const { tx } = ctx;
    const v = await repo.lock(tx, ctx.tenantId, id);
    if (!v) throw notFound('Virtual account', 'id');
    const fixed = this.view(v) as Record<string, unknown>;
    const patch = this.patch.prepare(v.name === null ? {} : { name: v.name }, body, {
      id: v.id,
      account_id: v.accountId,
      customer_id: v.customerId,
      rail: v.rail,
      ...(v.rail === 'SEPA_CT'
        ? { iban: fixed.iban, bic: fixed.bic }
        : { account_number: fixed.account_number, routing_number: fixed.routing_number }),
    });
    let to = v.status;
    if (patch.status !== undefined) {
      if (!STATUSES.includes(patch.status as VirtualAccountStatus)) {
        throw new AppError('VALIDATION_ERROR', `status must be one of: ${STATUSES.join(', ')}.`, 'status');
      }
      to = patch.status as VirtualAccountStatus;
      if (to !== v.status) virtualAccountMachine.assertMove(v, to, ctx.now, `moved to ${to}`);
    }
    if (v.status === 'CLOSED' && patch.changes.length) {
      throw new AppError('NOT_UPDATABLE', 'The virtual account is CLOSED: it can no longer be changed.', 'name');
    }
    const changes: FieldChange[] = [...patch.changes];
    if (to !== v.status) changes.unshift({ field: 'status', before: v.status, after: to });
    if (!changes.length) return this.view(v);
    const name = (patch.details.name as string | undefined) ?? null;
    const row = await repo.update(tx, v, { status: to, name, updatedAt: ctx.now });
    await writeHistory(tx, RESOURCE, v.id, changes, { auth: ctx, updatedBy: patch.updatedBy, reason: patch.reason, at: ctx.now });
    if (to !== v.status) await writeEvents(tx, [statusEvent(row, ctx.now)]);
    return this.view(row);
  }
}

/**
 * Closing an account closes its virtual accounts (history and an event each), by the same actor,
 * in the same transaction. The caller holds the account's lock.
 */
export async function closeVirtualAccountsOf(tx: Tx, auth: AuthContext, accountId: string, at: Date): Promise<void> {
  for (const v of await repo.lockOpenOfAccount(tx, auth.tenantId, accountId)) {
    const row = await repo.update(tx, v, { status: 'CLOSED', updatedAt: at });
    await writeHistory(tx, RESOURCE, v.id, [{ field: 'status', before: v.status, after: 'CLOSED' }], {
      auth,
      reason: 'account closed',
      at,
    });
    await writeEvents(tx, [statusEvent(row, at)]);
  }
}
