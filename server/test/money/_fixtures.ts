/** Helpers shared by the money-movement tests (deposits, withdrawals, payors, exchanges). */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { events } from '../../src/db/schema.js';
import { type Api, individualBody, operatorApi, type Response, type Tenant, uid } from '../helpers.js';

export const USD = 'FIAT_TESTNET_USD';
export const EUR = 'FIAT_TESTNET_EUR';
export const GBP = 'FIAT_TESTNET_GBP';
export const ETH = 'ETHEREUM_SEPOLIA_ETH';
export const DAI = 'ETHEREUM_SEPOLIA_DAI';
export const BTC = 'BITCOIN_TESTNET_BTC';
export const SOL = 'SOLANA_DEVNET_SOL';
export const DECIMALS: Record<string, number> = {
  [USD]: 2,
  [EUR]: 2,
  [GBP]: 2,
  FIAT_MAINNET_USD: 2,
  FIAT_TESTNET_MXN: 2,
  FIAT_TESTNET_AED: 2,
  [ETH]: 18,
  [DAI]: 18,
  [BTC]: 8,
  [SOL]: 9,
};

export type Family = 'deposits' | 'payments';
type Json = Record<string, any>;

/**
 * A JSON body with every number kept as its exact decimal text (an 18-decimal amount does not
 * survive a JS number): `{"a":1.5}` -> `{a: "1.5"}`.
 */
export function exact(raw: string): any {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += raw[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(raw.slice(i)) as RegExpExecArray;
      out += `"${m[0]}"`;
      i += m[0].length - 1;
    } else out += ch;
  }
  return JSON.parse(out);
}

/**
 * The exact data of a 200 answer. These tests follow Ledgerline's own phases of a movement
 * (AUTHORIZED, IN_PROGRESS, FAILED, RETURNED…): where a Layer2 version names the status
 * differently, the phase is in `status_detail` and `status` is read from there. The mapping to
 * each version's statuses is tested in test/conformance/versions.test.ts.
 */
export async function ok(res: Promise<Response> | Response): Promise<any> {
  const r = await res;
  expect(r.status, r.raw).toBe(200);
  return phase(exact(r.raw).data);
}

/** `status` as Ledgerline's internal phase (see ok()). */
export function phase<T>(data: T): T {
  if (!data || typeof data !== 'object') return data;
  const d = data as Record<string, unknown>;
  if (typeof d.status_detail === 'string') {
    const { status_detail, ...rest } = d;
    return { ...rest, status: status_detail } as T;
  }
  return data;
}

/** One error entry with this status and code (and field, when given). */
export function expectError(res: Response, status: number, code: string, field?: string): void {
  expect(res.status, res.raw).toBe(status);
  const list = (res.body?.errors ?? []) as { code: string; field?: string }[];
  expect(list.map((e) => e.code)).toEqual([code]);
  if (field !== undefined) expect(list[0]?.field).toBe(field);
}

/** Decimal text <-> minor units. */
export function minor(text: string, decimals: number): bigint {
  const neg = text.startsWith('-');
  const [int, frac = ''] = (neg ? text.slice(1) : text).split('.');
  const v = BigInt(`${int}${frac.padEnd(decimals, '0')}`);
  return neg ? -v : v;
}
export function dec(v: bigint, decimals: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(decimals + 1, '0');
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${neg ? '-' : ''}${s.slice(0, s.length - decimals)}${frac ? `.${frac}` : ''}`;
}

export async function newCustomer(t: Tenant, body: Json = individualBody()): Promise<string> {
  await ok(t.api.post('/v1/customers', body));
  return body.id as string;
}

export async function openAccount(t: Tenant, customerId: string, asset = USD, product = 'DEPOSIT_BASIC', family: Family = 'deposits') {
  const id = uid('acc');
  await ok(
    t.api.post(`/v1/accounts/${family}`, {
      customer_id: customerId,
      account_to_open: { account_id: id, product_id: product, asset_type_id: asset },
    }),
  );
  return id;
}

/** A new ACTIVE individual with one OPEN account. */
export async function customerWithAccount(t: Tenant, asset = USD, product = 'DEPOSIT_BASIC', family: Family = 'deposits') {
  const customerId = await newCustomer(t);
  return { customerId, accountId: await openAccount(t, customerId, asset, product, family) };
}

/** An operator credit (CONTRACT §12). */
export async function fund(t: Tenant, accountId: string, amount: string): Promise<void> {
  await ok(
    t.operator.post('/v1/admin/adjustments', { account_id: accountId, amount, transaction_type: 'CREDIT_CORRECTION', reason: 'funding' }),
  );
}

/** Balances as exact decimal text. */
export async function balances(api: Api, accountId: string, family: Family = 'deposits') {
  const a = await ok(api.get(`/v1/accounts/${family}/${accountId}`));
  return { current: a.current_balance as string, available: a.available_balance as string };
}

export async function transactions(api: Api, accountId: string, family: Family = 'deposits'): Promise<Json[]> {
  return (await ok(api.get(`/v1/accounts/${family}/${accountId}/transactions?page_size=100`))).transactions;
}

export async function setStatus(api: Api, path: string, status: string): Promise<void> {
  await ok(api.patch(path, { updates: [{ field: 'status', value: status }], updated_by: 'test', reason: 'test' }));
}

const US_BANK = { address_line1: '383 Madison Ave', city: 'New York', state: 'NY', postal_code: '10179', country_code: 'US' };
const PROFILE = {
  profile_type: 'INDIVIDUAL',
  name: 'Grace Hopper',
  address: { address_line1: '1 Main St', city: 'Arlington', state: 'VA', postal_code: '22201', country_code: 'US' },
};

async function counterparty(t: Tenant, body: Json): Promise<string> {
  return (await ok(t.api.post('/v1/counterparties', body))).id;
}

/** A valid FIAT_US counterparty (ACTIVE after sandbox screening). */
export function usCounterparty(
  t: Tenant,
  customerId: string,
  opts: { rails?: string[]; relationship?: string; name?: string; asset?: string } = {},
): Promise<string> {
  return counterparty(t, {
    customer_id: customerId,
    counterparty_type: 'FIAT_US',
    supported_rails: opts.rails ?? ['ACH', 'FEDWIRE'],
    profile: { ...PROFILE, name: opts.name ?? PROFILE.name, relationship_to_customer: opts.relationship ?? 'SELF' },
    account_information: {
      asset_type_id: opts.asset ?? USD,
      account_number: '123456789',
      routing_number: '021000021',
      type: 'CHECKING',
      institution_name: 'JPMorgan Chase Bank',
      institution_address: US_BANK,
    },
  });
}

export function euCounterparty(t: Tenant, customerId: string): Promise<string> {
  return counterparty(t, {
    customer_id: customerId,
    counterparty_type: 'FIAT_EU',
    supported_rails: ['SEPA_CT', 'SWIFT'],
    profile: { ...PROFILE, line_of_business: 'MANUFACTURING', relationship_to_customer: 'SELF' },
    account_information: {
      asset_type_id: EUR,
      iban: 'DE89370400440532013000',
      swift_bic: 'COBADEFFXXX',
      institution_name: 'Commerzbank',
      institution_address: { address_line1: '1 Bank Street', city: 'Frankfurt', country_code: 'DE' },
    },
  });
}

export const ETH_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
export function cryptoCounterparty(t: Tenant, customerId: string, asset = ETH, address = ETH_ADDRESS): Promise<string> {
  return counterparty(t, {
    customer_id: customerId,
    counterparty_type: 'CRYPTO',
    supported_rails: ['CRYPTO'],
    profile: { ...PROFILE, relationship_to_customer: 'SELF' },
    wallet_information: { asset_type_id: asset, blockchain_address: address, wallet_type: 'OTHER' },
  });
}

/** A FIAT_US_LINKED counterparty, linked when asked (link/details -> link/accounts -> link/connect). */
export async function linkedCounterparty(t: Tenant, customerId: string, link = true): Promise<string> {
  const id = await counterparty(t, {
    customer_id: customerId,
    counterparty_type: 'FIAT_US_LINKED',
    supported_rails: ['ACH'],
    profile: { ...PROFILE, relationship_to_customer: 'SELF' },
    account_information: { asset_type_id: USD },
  });
  if (!link) return id;
  const details = await ok(t.api.post(`/v1/counterparties/${id}/link/details`, { linking_provider: 'MX' }));
  const member = new URL(details.mx_widget_url).searchParams.get('member_guid') as string;
  const accounts = await ok(t.api.post(`/v1/counterparties/${id}/link/accounts`, { linking_provider: 'MX', member_guid: member }));
  await ok(
    t.api.post(`/v1/counterparties/${id}/link/connect`, {
      linking_provider: 'MX',
      account_link_id: accounts.available_accounts[0].account_link_id,
    }),
  );
  return id;
}

/** Moves the sandbox clock and runs the caller's due work. */
export async function advance(t: Tenant, seconds: number): Promise<Json> {
  return ok(t.api.post('/v1/simulations/clock', { advance_seconds: seconds }));
}

/** GET /v1/admin/ledger/verify (operator): balanced. */
export async function verifyLedger(app: FastifyInstance): Promise<void> {
  const op = await operatorApi(app);
  const report = await ok(op.get('/v1/admin/ledger/verify'));
  expect(report.mismatched_accounts).toEqual([]);
  expect(report.assets.filter((a: Json) => a.sum !== '0')).toEqual([]);
  expect(report.balanced).toBe(true);
}

/**
 * Balances, transactions and the current statement agree: current = the sum of POSTED lines =
 * the statement's closing balance; available = current less open (AUTHORIZED/PENDING) debits.
 * Returns the balances.
 */
export async function agree(t: Tenant, accountId: string, asset: string, family: Family = 'deposits') {
  const d = DECIMALS[asset];
  if (d === undefined) throw new Error(`no decimals for ${asset}`);
  const b = await balances(t.api, accountId, family);
  const txs = await transactions(t.api, accountId, family);
  const sum = (f: (x: Json) => boolean) => txs.filter(f).reduce((s, x) => s + minor(x.value, d), 0n);
  expect(
    dec(
      sum((x) => x.transaction_status === 'POSTED'),
      d,
    ),
  ).toBe(b.current);
  const held = sum((x) => (x.transaction_status === 'AUTHORIZED' || x.transaction_status === 'PENDING') && x.value.startsWith('-'));
  expect(dec(minor(b.current, d) + held, d)).toBe(b.available);
  const list = await ok(t.api.get(`/v1/accounts/${family}/${accountId}/statements`));
  const stmt = await ok(t.api.get(`/v1/accounts/${family}/${accountId}/statements/${list.statements[0].id}`));
  expect(stmt.closing_balance).toBe(b.current);
  const posted = new Set(txs.filter((x) => x.transaction_status === 'POSTED').map((x) => x.id));
  for (const line of stmt.lines) expect(posted.has(line.id)).toBe(true);
  return b;
}

/** The TRANSACTION_* events of a client, oldest first. */
export async function transactionEvents(app: FastifyInstance, clientId: string) {
  const rows = await app.ledgerline.database.db.select().from(events).where(eq(events.clientId, clientId)).orderBy(asc(events.seq));
  return rows.filter((r) => r.eventType.startsWith('TRANSACTION_')).map((r) => ({ type: r.eventType, data: r.eventData as Json }));
}

/** The events of one resource (e.g. a transaction id). */
export async function eventsOf(app: FastifyInstance, clientId: string, resourceId: string) {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, resourceId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => ({ type: r.eventType, data: r.eventData as Json }));
}
