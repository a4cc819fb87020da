import { afterAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { type Action, expected, postings, quote, ratio, restoreRates, setRates, setSpread } from './_exchanges.js';
import { agree, DAI, ETH, EUR, eventsOf, fund, newCustomer, ok, openAccount, transactions, USD, verifyLedger } from './_fixtures.js';

/** A customer with a funded `src` account and an empty `dst` account. */
async function pair(t: Tenant, src: string, dst: string, funded: string) {
  const c = await newCustomer(t);
  const source = await openAccount(t, c, src);
  const destination = await openAccount(t, c, dst);
  await fund(t, source, funded);
  return { source, destination };
}

/** Quotes, checks the quote against docs/exchanges.md and the literal given, accepts, checks balances. */
async function trade(
  t: Tenant,
  acc: { source: string; destination: string },
  assets: [string, string],
  action: Action,
  amount: string,
  mid: [bigint, bigint],
  spread: number,
  literal: { debit: string; credit: string; fee: string },
) {
  const [src, dst] = assets;
  const before = [await agree(t, acc.source, src), await agree(t, acc.destination, dst)];
  const q = await ok(quote(t, acc.source, acc.destination, amount, action));
  expect(expected(action, amount, mid, spread, src, dst)).toEqual(literal);
  expect([q.source_details.amount_to_debit, q.destination_details.amount_to_credit, q.fee]).toEqual([
    literal.debit,
    literal.credit,
    literal.fee,
  ]);
  expect(await agree(t, acc.source, src)).toEqual(before[0]);
  const done = await ok(t.api.post(`/v1/exchanges/${q.id}/accept`, { maximum_slippage: 0 }));
  expect(done).toMatchObject({
    status: 'EXECUTED',
    source_details: q.source_details,
    destination_details: q.destination_details,
    fee: q.fee,
  });
  return done;
}

describe('exchange prices (sandbox default rates)', () => {
  it('ETH->USD FIX_SOURCE 1 ETH at 3000, spread 0: credit exactly 3000, fee 0; postings and events', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const acc = await pair(t, ETH, USD, '2');
    const q = await ok(quote(t, acc.source, acc.destination, '1'));
    expect(q).toMatchObject({
      status: 'REQUESTED',
      exchange_type: 'QUOTE',
      action: 'FIX_SOURCE',
      rate: '3000',
      mid_rate: '3000',
      spread_bps: '0',
      fee: '0',
      source_details: { source_account_id: acc.source, asset_type_id: ETH, amount_to_debit: '1' },
      destination_details: { destination_account_id: acc.destination, asset_type_id: USD, amount_to_credit: '3000' },
    });
    expect(Date.parse(q.valid_until) - Date.parse(q.created_timestamp)).toBe(30_000);
    const done = await ok(t.api.post(`/v1/exchanges/${q.id}/accept`, { maximum_slippage: 0.001 }));
    expect(done).toMatchObject({ status: 'EXECUTED', maximum_slippage: '0.001', executed_timestamp: expect.any(String) });
    expect(await postings(app, q.id)).toEqual([
      [acc.source, '-1', 'TRADE'],
      [`fx-liquidity:${ETH}`, '1', 'TRADE'],
      [`fx-liquidity:${USD}`, '-3000', 'TRADE'],
      [acc.destination, '3000', 'TRADE'],
    ]);
    for (const [account, asset, value] of [
      [acc.source, ETH, '-1'],
      [acc.destination, USD, '3000'],
    ] as const) {
      const [tx] = (await transactions(t.api, account)).filter((x) => x.category_id === q.id);
      expect(tx).toMatchObject({
        value,
        transaction_type: 'TRADE',
        transaction_status: 'POSTED',
        category_type: 'EXCHANGE',
        asset_type_id: asset,
      });
      expect(await eventsOf(app, t.clientId, tx?.id)).toEqual([
        {
          type: 'TRANSACTION_POSTED',
          data: { transaction: { id: tx?.id, status: 'POSTED', account_id: account, category_type: 'EXCHANGE', category_id: q.id } },
        },
      ]);
    }
    expect(await agree(t, acc.source, ETH)).toEqual({ current: '1', available: '1' });
    expect(await agree(t, acc.destination, USD)).toEqual({ current: '3000', available: '3000' });
    await verifyLedger(app);
  });

  it('spread 50 bps: credit 2985, fee 15 to the platform fee account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await setSpread(app, t, 50);
    const acc = await pair(t, ETH, USD, '1');
    const done = await trade(t, acc, [ETH, USD], 'FIX_SOURCE', '1', ratio('3000'), 50, { debit: '1', credit: '2985', fee: '15' });
    expect(done).toMatchObject({ rate: '2985', mid_rate: '3000', spread_bps: '50' });
    expect(await postings(app, done.id)).toEqual([
      [acc.source, '-1', 'TRADE'],
      [`fx-liquidity:${ETH}`, '1', 'TRADE'],
      [`fx-liquidity:${USD}`, '-3000', 'TRADE'],
      [acc.destination, '2985', 'TRADE'],
      [`fees:${USD}`, '15', 'FEE'],
    ]);
    expect(await agree(t, acc.source, ETH)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, acc.destination, USD)).toEqual({ current: '2985', available: '2985' });
    await verifyLedger(app);
  });

  it('FIX_DESTINATION rounds the debit up: 1000 USD at 2985 costs 0.335008375209380235 ETH, fee 5.02', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await setSpread(app, t, 50);
    const acc = await pair(t, ETH, USD, '1');
    const lit = { debit: '0.335008375209380235', credit: '1000', fee: '5.02' };
    await trade(t, acc, [ETH, USD], 'FIX_DESTINATION', '1000', ratio('3000'), 50, lit);
    // The debit is the least that buys 1000.00: one wei less gives 999.999999999999998490 -> 999.99.
    expect([(335008375209380234n * 2985n) / 10n ** 16n, (335008375209380235n * 2985n) / 10n ** 16n]).toEqual([99999n, 100000n]);
    expect(await agree(t, acc.source, ETH)).toEqual({ current: '0.664991624790619765', available: '0.664991624790619765' });
    expect(await agree(t, acc.destination, USD)).toEqual({ current: '1000', available: '1000' });
    await verifyLedger(app);
  });
});

describe('exchange prices to the last unit (rates set by the operator)', () => {
  afterAll(async () => restoreRates(await getApp(), ['DAI/USD', 'EUR/USD']));

  it('18 decimals: ETH->DAI crossing USD (DAI/USD 0.999731), spread 7: both actions exact to the wei', async () => {
    const app = await getApp();
    await setRates(app, [{ base: 'DAI', quote: 'USD', mid: '0.999731' }]);
    const t = await newTenant(app);
    await setSpread(app, t, 7);
    const acc = await pair(t, ETH, DAI, '1');
    const mid: [bigint, bigint] = [3000n * 10n ** 6n, 999731n]; // ETH/USD × USD/DAI = 3000 / 0.999731
    const lit1 = { debit: '0.123456789012345678', credit: '370.210694456920019561', fee: '0.259329016431345956' };
    const q = await trade(t, acc, [ETH, DAI], 'FIX_SOURCE', lit1.debit, mid, 7, lit1);
    expect(q.mid_rate).toBe('3000.807217141411039569'); // shown rounded down at 18 decimals
    const lit2 = { debit: '0.411700120538047827', credit: '1234.567890123456789012', fee: '0.864802885105995377' };
    await trade(t, acc, [ETH, DAI], 'FIX_DESTINATION', lit2.credit, mid, 7, lit2);
    expect(await agree(t, acc.source, ETH)).toEqual({ current: '0.464843090449606495', available: '0.464843090449606495' });
    expect(await agree(t, acc.destination, DAI)).toEqual({ current: '1604.778584580376808573', available: '1604.778584580376808573' });
    expect((await postings(app, q.id)).filter((p) => p[0].startsWith('fees:'))).toEqual([[`fees:${DAI}`, lit1.fee, 'FEE']]);
    await verifyLedger(app);
  });

  it('2 decimals: USD->EUR (EUR/USD 1.0873), spread 25: both actions exact to the cent', async () => {
    const app = await getApp();
    await setRates(app, [{ base: 'EUR', quote: 'USD', mid: '1.0873' }]);
    const t = await newTenant(app);
    await setSpread(app, t, 25);
    const acc = await pair(t, USD, EUR, '2000');
    const mid: [bigint, bigint] = [10_000n, 10_873n]; // the inverse of 1.0873
    await trade(t, acc, [USD, EUR], 'FIX_SOURCE', '1000.01', mid, 25, { debit: '1000.01', credit: '917.41', fee: '2.3' });
    await trade(t, acc, [USD, EUR], 'FIX_DESTINATION', '777.77', mid, 25, { debit: '847.79', credit: '777.77', fee: '1.95' });
    expect(await agree(t, acc.source, USD)).toEqual({ current: '152.2', available: '152.2' });
    expect(await agree(t, acc.destination, EUR)).toEqual({ current: '1695.18', available: '1695.18' });
    await verifyLedger(app);
  });
});
