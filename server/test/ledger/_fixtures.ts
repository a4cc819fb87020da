/** Helpers shared by the ledger tests (test/helpers.ts stays untouched). */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, expect } from 'vitest';
import { accounts, events } from '../../src/db/schema.js';
import { Api, individualBody, operatorApi, type Response, type Tenant, tokenFor, uid } from '../helpers.js';

export const USD = 'FIAT_TESTNET_USD';
export const EUR = 'FIAT_TESTNET_EUR';
export const BTC = 'BITCOIN_TESTNET_BTC';
export const USDC = 'ETHEREUM_SEPOLIA_USDC';
export const ETH = 'ETHEREUM_SEPOLIA_ETH';

/** Expects exactly one error entry with this status and code (and field, when given). */
export function expectError(res: Response, status: number, code: string, field?: string): void {
  expect(res.status, res.raw).toBe(status);
  const list = (res.body?.errors ?? []) as { code: string; field?: string }[];
  expect(list.map((e) => e.code)).toEqual([code]);
  if (field !== undefined) expect(list[0]?.field).toBe(field);
}

/** The body's data, after checking the status is 200. */
export async function ok<T = any>(res: Promise<Response> | Response): Promise<T> {
  const r = await res;
  expect(r.status, r.raw).toBe(200);
  return r.body.data as T;
}

export async function newCustomer(t: Tenant): Promise<string> {
  const body = individualBody();
  await ok(t.api.post('/v1/customers', body));
  return body.id;
}

export async function openAccount(t: Tenant, customerId: string, asset = USD): Promise<string> {
  const id = uid('acc');
  await ok(
    t.api.post('/v1/accounts/deposits', {
      customer_id: customerId,
      account_to_open: { account_id: id, product_id: 'DEPOSIT_BASIC', asset_type_id: asset },
    }),
  );
  return id;
}

/** An operator adjustment for the tenant; amount goes into the JSON as given (number or string). */
export function adjust(t: Tenant, accountId: string, amount: number | string, type = 'CREDIT_CORRECTION'): Promise<Response> {
  return t.operator.post('/v1/admin/adjustments', { account_id: accountId, amount, transaction_type: type, reason: 'test funding' });
}

/** A new customer with a new account of `asset`, funded with `amount` (a decimal string) when given. */
export async function fundedAccount(t: Tenant, asset = USD, amount?: string, customerId?: string) {
  const customer = customerId ?? (await newCustomer(t));
  const id = await openAccount(t, customer, asset);
  if (amount !== undefined) await ok(adjust(t, id, amount));
  return { id, customerId: customer };
}

/** The exact decimal text of every JSON number under `key` in a raw response body. */
export function rawNumbers(raw: string, key: string): string[] {
  return [...raw.matchAll(new RegExp(`"${key}":(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`, 'g'))].map((m) => m[1] as string);
}

/** An account's balances as exact decimal text, read from the raw JSON. */
export async function balances(api: Api, accountId: string): Promise<{ current: string; available: string }> {
  const res = await api.get(`/v1/accounts/deposits/${accountId}`);
  expect(res.status, res.raw).toBe(200);
  return { current: rawNumbers(res.raw, 'current_balance')[0] as string, available: rawNumbers(res.raw, 'available_balance')[0] as string };
}

/** The ledger invariant check: every asset sums to zero, every stored balance equals its lines. */
export async function verifyLedger(app: FastifyInstance): Promise<void> {
  const report = await app.ledgerline.services.ledger.verify(app.ledgerline.database.db);
  expect(report.mismatched_accounts).toEqual([]);
  expect(report.assets.filter((a) => a.sum !== '0')).toEqual([]);
  expect(report.balanced).toBe(true);
}

/** The ledger account behind an API account. */
export async function ledgerIdOf(app: FastifyInstance, clientId: string, accountId: string): Promise<bigint> {
  const [row] = await app.ledgerline.database.db
    .select({ id: accounts.ledgerAccountId })
    .from(accounts)
    .where(and(eq(accounts.clientId, clientId), eq(accounts.id, accountId)));
  if (!row) throw new Error(`no account ${accountId}`);
  return row.id;
}

/** TRANSACTION_* events of a client, oldest first, as {type, data}. */
export async function transactionEvents(app: FastifyInstance, clientId: string) {
  const rows = await app.ledgerline.database.db.select().from(events).where(eq(events.clientId, clientId)).orderBy(asc(events.seq));
  return rows
    .filter((r) => r.eventType.startsWith('TRANSACTION_'))
    .map((r) => ({ type: r.eventType, resourceId: r.resourceId, data: r.eventData as Record<string, any> }));
}

export { type ManualClock, manualClock } from '../clock.js';

/** The same tenant with fresh tokens (after a clock jump longer than the token lifetime). */
export async function refreshed(app: FastifyInstance, t: Tenant): Promise<Tenant> {
  return {
    ...t,
    api: new Api(app, await tokenFor(app, t.clientId, t.secret)),
    operator: (await operatorApi(app)).actingFor(t.clientId),
  };
}

/** Creates a transfer and returns its id (200 expected). */
export async function createTransfer(t: Tenant, source: string, destination: string, amount: number | string): Promise<string> {
  const data = await ok(t.api.post('/v1/transfers', { source_account_id: source, destination_account_id: destination, amount }));
  return data.id as string;
}

/**
 * Sessions of their own on the test's PostgreSQL database, for PostgreSQL-only tests that hold
 * locks or watch pg_stat_activity while the app works; closed after the suite that asked.
 */
export function pgSessions(url: string | undefined): () => Promise<pg.Client> {
  const clients: pg.Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
  });
  return async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
}
