import { afterAll, describe, expect, it } from 'vitest';
import { getFrozenApp, newTenant, type Tenant } from '../helpers.js';
import { postings, quote, restoreRates, setRates } from './_exchanges.js';
import { advance, agree, ETH, expectError, fund, newCustomer, ok, openAccount, SOL, setStatus, USD, verifyLedger } from './_fixtures.js';

/** A customer with a SOL account holding `funded` and an empty USD account. */
async function solUsd(t: Tenant, funded = '10') {
  const c = await newCustomer(t);
  const sol = await openAccount(t, c, SOL);
  const usd = await openAccount(t, c, USD);
  await fund(t, sol, funded);
  return { c, sol, usd };
}
const sol = (app: Parameters<typeof setRates>[0], mid: string) => setRates(app, [{ base: 'SOL', quote: 'USD', mid }]);
const accept = (t: Tenant, id: string, body: Record<string, unknown> = {}) => t.api.post(`/v1/exchanges/${id}/accept`, body);

describe('accept re-prices within maximum_slippage (SOL/USD moved by the operator)', () => {
  afterAll(async () => restoreRates(await getFrozenApp(), ['SOL/USD']));

  it('adverse within slippage and exactly at it: EXECUTED at the new price', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const a = await solUsd(t);
    await sol(app, '150');
    const q1 = await ok(quote(t, a.sol, a.usd, '2'));
    expect(q1.destination_details.amount_to_credit).toBe('300');
    await sol(app, '149.25');
    const d1 = await ok(accept(t, q1.id, { maximum_slippage: 0.01 }));
    expect(d1).toMatchObject({ status: 'EXECUTED', rate: '149.25', destination_details: { amount_to_credit: '298.5' } });
    await sol(app, '150');
    const q2 = await ok(quote(t, a.sol, a.usd, '2'));
    await sol(app, '148.5'); // 297 = 300 × (1 - 0.01): not worse than allowed
    expect((await ok(accept(t, q2.id, { maximum_slippage: '0.01' }))).destination_details.amount_to_credit).toBe('297');
    expect(await agree(t, a.sol, SOL)).toEqual({ current: '6', available: '6' });
    expect(await agree(t, a.usd, USD)).toEqual({ current: '595.5', available: '595.5' });
    await verifyLedger(app);
  });

  it('adverse beyond slippage: REJECTED with the reason, nothing moves; FIX_DESTINATION likewise', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const a = await solUsd(t);
    await sol(app, '150');
    const q = await ok(quote(t, a.sol, a.usd, '2'));
    const qd = await ok(quote(t, a.sol, a.usd, '300', 'FIX_DESTINATION'));
    expect(qd.source_details.amount_to_debit).toBe('2');
    await sol(app, '148');
    const r = await ok(accept(t, q.id, { maximum_slippage: '0.01' }));
    expect(r).toMatchObject({
      status: 'REJECTED',
      maximum_slippage: '0.01',
      rejection_reason: 'The price moved beyond maximum_slippage 0.01: now 148 against 150.',
      destination_details: { amount_to_credit: '300' },
    });
    expect((await ok(t.api.get(`/v1/exchanges/${q.id}`))).status).toBe('REJECTED');
    expectError(await accept(t, q.id), 400, 'INVALID_STATUS_TRANSITION');
    await sol(app, '140'); // 300 USD now costs 2.142857143 SOL > 2 × 1.01
    const rd = await ok(accept(t, qd.id));
    expect(rd).toMatchObject({ status: 'REJECTED', maximum_slippage: '0.01', source_details: { amount_to_debit: '2' } });
    expect(await postings(app, q.id)).toEqual([]);
    expect(await postings(app, qd.id)).toEqual([]);
    expect(await agree(t, a.sol, SOL)).toEqual({ current: '10', available: '10' });
    expect(await agree(t, a.usd, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });

  it('a favourable move executes at the new price, even with maximum_slippage 0', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const a = await solUsd(t);
    await sol(app, '150');
    const q = await ok(quote(t, a.sol, a.usd, '2', 'FIX_SOURCE', 'market'));
    expect(q.exchange_type).toBe('MARKET');
    await sol(app, '155');
    expect(await ok(accept(t, q.id, { maximum_slippage: 0 }))).toMatchObject({
      status: 'EXECUTED',
      exchange_type: 'MARKET',
      rate: '155',
      destination_details: { amount_to_credit: '310' },
    });
    expect(await agree(t, a.usd, USD)).toEqual({ current: '310', available: '310' });
    expect(await agree(t, a.sol, SOL)).toEqual({ current: '8', available: '8' });
    await verifyLedger(app);
  });
});

describe('exchanges: expiry and refusals', () => {
  it('a quote accepted after 30 s: 400 EXPIRED (the clock move marked it), and it reads EXPIRED', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const a = await solUsd(t);
    const q = await ok(quote(t, a.sol, a.usd, '1'));
    await advance(t, 31);
    expectError(await accept(t, q.id), 400, 'EXPIRED');
    expect((await ok(t.api.get(`/v1/exchanges/${q.id}`))).status).toBe('EXPIRED');
    expectError(await accept(t, q.id), 400, 'EXPIRED');
    expect(await agree(t, a.sol, SOL)).toEqual({ current: '10', available: '10' });
    expect(await agree(t, a.usd, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });

  it('PAYMENT_BASIC, one asset, two customers, unknown account, precision, FROZEN, insufficient funds', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const c = await newCustomer(t);
    const eth = await openAccount(t, c, ETH);
    const usd = await openAccount(t, c, USD);
    const usd2 = await openAccount(t, c, USD);
    await fund(t, eth, '2');
    const pay = await openAccount(t, c, ETH, 'PAYMENT_BASIC', 'payments');
    const theirs = await openAccount(t, await newCustomer(t), USD);
    expectError(await quote(t, pay, usd, '1'), 400, 'VALIDATION_ERROR', 'source_account_id');
    expectError(await quote(t, usd, usd2, '1'), 400, 'ASSET_MISMATCH', 'destination_account_id');
    expectError(await quote(t, eth, theirs, '1'), 400, 'VALIDATION_ERROR', 'destination_account_id');
    expectError(await quote(t, eth, 'nope', '1'), 404, 'NOT_FOUND', 'destination_account_id');
    expectError(await quote(t, usd, eth, '0.001'), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await quote(t, eth, usd, '0.000000000000000001'), 400, 'AMOUNT_PRECISION', 'amount'); // buys less than a cent

    // A successful accept first (see platform-accounts.test.ts for a failed first accept).
    await ok(accept(t, (await ok(quote(t, eth, usd, '1'))).id));
    const big = await ok(quote(t, eth, usd, '1.000000000000000001'));
    expectError(await accept(t, big.id), 400, 'INSUFFICIENT_FUNDS');
    expect((await ok(t.api.get(`/v1/exchanges/${big.id}`))).status).toBe('REQUESTED');
    const later = await ok(quote(t, eth, usd, '0.5'));
    await setStatus(t.api, `/v1/accounts/deposits/${usd}`, 'FROZEN');
    expectError(await quote(t, eth, usd, '0.5'), 400, 'NOT_TRANSACTABLE');
    expectError(await accept(t, later.id), 400, 'NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/accounts/deposits/${usd}`, 'OPEN');
    expect((await ok(accept(t, later.id))).status).toBe('EXECUTED');
    expect(await agree(t, eth, ETH)).toEqual({ current: '0.5', available: '0.5' });
    expect(await agree(t, usd, USD)).toEqual({ current: '4500', available: '4500' });
    await verifyLedger(app);
  });
});

describe('exchanges: lists, isolation, signing', () => {
  it('GET /v1/exchanges (status filter) and one; another tenant gets 404; signing_required needs a signature', async () => {
    const app = await getFrozenApp();
    const [t, stranger] = [await newTenant(app), await newTenant(app)];
    const a = await solUsd(t);
    const q = await ok(quote(t, a.sol, a.usd, '1'));
    const m = await ok(quote(t, a.sol, a.usd, '1', 'FIX_SOURCE', 'market'));
    await ok(accept(t, m.id));
    const ids = async (qs: string) => (await ok(t.api.get(`/v1/exchanges${qs}`))).exchanges.map((e: { id: string }) => e.id);
    expect(await ids('')).toEqual([m.id, q.id]);
    expect(await ids('?status=EXECUTED')).toEqual([m.id]);
    expect(await ids('?status=REQUESTED')).toEqual([q.id]);
    expect(await ok(t.api.get(`/v1/exchanges/${m.id}`))).toMatchObject({ id: m.id, status: 'EXECUTED', exchange_type: 'MARKET' });
    expect((await ok(stranger.api.get('/v1/exchanges'))).exchanges).toEqual([]);
    expectError(await stranger.api.get(`/v1/exchanges/${q.id}`), 404, 'NOT_FOUND');
    expectError(await accept(stranger, q.id), 404, 'NOT_FOUND');
    expectError(await quote(stranger, a.sol, a.usd, '1'), 404, 'NOT_FOUND', 'source_account_id');
    expect((await ok(t.api.get(`/v1/exchanges/${q.id}`))).status).toBe('REQUESTED');

    const signed = await newTenant(app, { signing_required: true });
    const s = await solUsd(signed);
    const sq = await ok(quote(signed, s.sol, s.usd, '1'));
    expectError(await accept(signed, sq.id), 401, 'SIGNATURE_REQUIRED', 'x-signature');
    expect(await agree(signed, s.usd, USD)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, a.sol, SOL)).toEqual({ current: '9', available: '9' });
    expect(await agree(t, a.usd, USD)).toEqual({ current: '150', available: '150' });
    await verifyLedger(app);
  });
});
