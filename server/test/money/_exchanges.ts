/** Helpers for the exchanges tests: the docs/exchanges.md formulas, rates, postings. */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { ledgerAccounts, ledgerTransactions } from '../../src/db/schema.js';
import { DEFAULT_RATES } from '../../src/modules/exchanges/rates.js';
import { operatorApi, type Tenant } from '../helpers.js';
import { DECIMALS, dec, minor, ok } from './_fixtures.js';

export type Action = 'FIX_SOURCE' | 'FIX_DESTINATION';

const floorDiv = (a: bigint, b: bigint) => a / b; // non-negative operands
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** A decimal text as num/den. */
export function ratio(text: string): [bigint, bigint] {
  const [int, frac = ''] = text.split('.');
  return [BigInt(`${int}${frac}`), 10n ** BigInt(frac.length)];
}

/**
 * docs/exchanges.md, written out independently with integers: rate = mid × (10000 − spread) / 10000;
 * FIX_SOURCE credit = floor(debit × rate × 10^dd / 10^ds); FIX_DESTINATION debit =
 * ceil(credit / (rate × 10^dd / 10^ds)); fee = floor(debit × mid × 10^dd / 10^ds) − credit.
 */
export function expected(action: Action, amount: string, mid: [bigint, bigint], spreadBps: number, src: string, dst: string) {
  const [ds, dd] = [DECIMALS[src] as number, DECIMALS[dst] as number];
  const [mn, md] = mid;
  const rn = mn * BigInt(10_000 - spreadBps);
  const rd = md * 10_000n;
  const [un, ud] = [10n ** BigInt(dd), 10n ** BigInt(ds)];
  let debit: bigint;
  let credit: bigint;
  if (action === 'FIX_SOURCE') {
    debit = minor(amount, ds);
    credit = floorDiv(debit * rn * un, rd * ud);
  } else {
    credit = minor(amount, dd);
    debit = ceilDiv(credit * rd * ud, rn * un);
  }
  const fee = floorDiv(debit * mn * un, md * ud) - credit;
  return { debit: dec(debit, ds), credit: dec(credit, dd), fee: dec(fee, dd) };
}

/** Sets mid rates (operator); `restore` puts the sandbox defaults of those pairs back. */
export async function setRates(app: FastifyInstance, rates: { base: string; quote: string; mid: string }[]): Promise<void> {
  await ok((await operatorApi(app)).request('PUT', '/v1/admin/rates', { rates }));
}
export async function restoreRates(app: FastifyInstance, pairs: string[]): Promise<void> {
  const rates = DEFAULT_RATES.filter((r) => pairs.includes(`${r.base}/${r.quote}`));
  if (rates.length !== pairs.length) throw new Error(`no default for one of ${pairs.join(', ')}`);
  await setRates(app, rates);
}

export async function setSpread(app: FastifyInstance, t: Tenant, bps: number): Promise<void> {
  const res = await ok((await operatorApi(app)).patch(`/v1/admin/clients/${t.clientId}`, { exchange_spread_bps: bps }));
  if (res.exchange_spread_bps !== String(bps)) throw new Error(`spread not set: ${JSON.stringify(res)}`);
}

export const quote = (t: Tenant, source: string, destination: string, amount: string, action: Action = 'FIX_SOURCE', kind = 'quote') =>
  t.api.post(`/v1/exchanges/${kind}`, { source_account_id: source, destination_account_id: destination, amount, action });

/** The ledger lines of one exchange as [account, amount, type]: customer accounts by id, platform ones by code. */
export async function postings(app: FastifyInstance, exchangeId: string): Promise<[string, string, string][]> {
  const rows = await app.ledgerline.database.db
    .select({
      amount: ledgerTransactions.amount,
      type: ledgerTransactions.transactionType,
      ref: ledgerTransactions.accountId,
      code: ledgerAccounts.code,
      asset: ledgerTransactions.assetTypeId,
    })
    .from(ledgerTransactions)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerTransactions.ledgerAccountId))
    .where(eq(ledgerTransactions.categoryId, exchangeId))
    .orderBy(ledgerTransactions.id);
  return rows.map((r) => [r.ref ?? (r.code as string), dec(r.amount, DECIMALS[r.asset] as number), r.type]);
}
