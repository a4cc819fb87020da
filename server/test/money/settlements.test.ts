/**
 * Settlements (GET /v1/settlements/{id}): the transfer or exchange that takes a payment account's
 * collected funds to another account, read as Layer2's Settlement (docs/versions.md): its id is the
 * movement's, its status the movement's mapped (REQUESTED → INITIALIZED, ACCEPTED → DELIVERING or
 * CONVERTING, EXECUTED → SETTLED; absent when it ended otherwise), the query must match it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { restoreRates, setRates, setSpread } from './_exchanges.js';
import { advance, ETH, exact, expectError, fund, newCustomer, ok, openAccount, USD } from './_fixtures.js';

type Json = Record<string, any>;

/** The settlement as sent (exact decimals), `status_detail` kept as is. */
async function settlement(t: Tenant, id: string, query = ''): Promise<Json> {
  const res = await t.api.get(`/v1/settlements/${id}${query}`);
  expect(res.status, res.raw).toBe(200);
  return exact(res.raw).data;
}

/** A customer with a funded ETH payment account, an ETH and a USD deposit account. */
async function merchant(t: Tenant) {
  const customerId = await newCustomer(t);
  const payment = await openAccount(t, customerId, ETH, 'PAYMENT_BASIC', 'payments');
  const eth = await openAccount(t, customerId, ETH);
  const usd = await openAccount(t, customerId, USD);
  await fund(t, payment, '2');
  return { customerId, payment, eth, usd };
}

describe('GET /v1/settlements/{id}', () => {
  afterAll(async () => restoreRates(await getApp(), ['ETH/USD']));

  it('a transfer from a payment account, every field exact; REQUESTED → INITIALIZED, EXECUTED → SETTLED', async () => {
    const t = await newTenant(await getApp());
    const m = await merchant(t);
    const transfer = await ok(t.api.post('/v1/transfers', { source_account_id: m.payment, destination_account_id: m.eth, amount: '0.25' }));
    const details = [
      {
        source_account_customer_id: m.customerId,
        source_account_id: m.payment,
        source_asset_type: 'ETHEREUM',
        source_currency: 'ETH',
        source_amount: '0.25',
        destination_account_customer_id: m.customerId,
        destination_account_id: m.eth,
        destination_asset_type: 'ETHEREUM',
        destination_currency: 'ETH',
        destination_amount: '0.25',
      },
    ];
    expect(await settlement(t, transfer.id)).toEqual({
      id: transfer.id,
      settlement_status: 'INITIALIZED',
      status_detail: 'REQUESTED',
      settlement_type: 'TRANSFER',
      settlement_asset_type: 'ETHEREUM',
      settlement_currency: 'ETH',
      settlement_amount: '0.25',
      settlement_details: details,
    });
    const done = await ok(t.api.post(`/v1/transfers/${transfer.id}/accept`));
    expect(done.status).toBe('EXECUTED');
    expect(typeof done.executed_timestamp).toBe('string');
    expect(await settlement(t, transfer.id)).toEqual({
      id: transfer.id,
      settlement_status: 'SETTLED',
      status_detail: 'EXECUTED',
      settlement_type: 'TRANSFER',
      settlement_executed_timestamp: done.executed_timestamp,
      settlement_asset_type: 'ETHEREUM',
      settlement_currency: 'ETH',
      settlement_amount: '0.25',
      settlement_details: details,
    });
  });

  it('a movement that ended without settling (cancelled, expired) has no settlement_status; status_detail says how', async () => {
    const t = await newTenant(await getApp());
    const m = await merchant(t);
    const cancelled = await ok(t.api.post('/v1/transfers', { source_account_id: m.payment, destination_account_id: m.eth, amount: '0.1' }));
    await ok(t.api.post(`/v1/transfers/${cancelled.id}/cancel`));
    const c = await settlement(t, cancelled.id);
    expect([c.status_detail, c.settlement_amount, 'settlement_status' in c]).toEqual(['CANCELLED', '0.1', false]);

    const stale = await ok(t.api.post('/v1/transfers', { source_account_id: m.payment, destination_account_id: m.eth, amount: '0.2' }));
    await advance(t, 24 * 3600);
    const e = await settlement(t, stale.id);
    expect([e.status_detail, e.settlement_amount, 'settlement_status' in e]).toEqual(['EXPIRED', '0.2', false]);
  });

  it('exchanges: a payment account cannot be an exchange’s source, so an exchange is never a settlement', async () => {
    // PAYMENT_BASIC does not support exchanges (the catalogue); collected funds are converted
    // after a transfer to a deposit account, and only that transfer is the settlement.
    const app = await getApp();
    const t = await newTenant(app);
    await setRates(app, [{ base: 'ETH', quote: 'USD', mid: '2000' }]);
    await setSpread(app, t, 0);
    const m = await merchant(t);
    const body = (source: string) => ({ source_account_id: source, destination_account_id: m.usd, amount: '0.5', action: 'FIX_SOURCE' });
    expectError(await t.api.post('/v1/exchanges/market', body(m.payment)), 400, 'VALIDATION_ERROR', 'source_account_id');
    await fund(t, m.eth, '1');
    const exchange = await ok(t.api.post('/v1/exchanges/market', body(m.eth)));
    expect((await ok(t.api.post(`/v1/exchanges/${exchange.id}/accept`))).destination_details.amount_to_credit).toBe('1000');
    expectError(await t.api.get(`/v1/settlements/${exchange.id}`), 404, 'NOT_FOUND', 'id');
  });

  it('404 when the source is not a payment account, when the query does not match, for another tenant, for an unknown id', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const m = await merchant(t);
    await fund(t, m.eth, '1');
    const plain = await ok(t.api.post('/v1/transfers', { source_account_id: m.eth, destination_account_id: m.payment, amount: '0.1' }));
    expectError(await t.api.get(`/v1/settlements/${plain.id}`), 404, 'NOT_FOUND', 'id');

    const sweep = await ok(t.api.post('/v1/transfers', { source_account_id: m.payment, destination_account_id: m.eth, amount: '0.1' }));
    expect((await settlement(t, sweep.id, `?source_account_id=${m.payment}&destination_account_id=${m.eth}`)).id).toBe(sweep.id);
    expectError(await t.api.get(`/v1/settlements/${sweep.id}?source_account_id=${m.eth}`), 404, 'NOT_FOUND', 'source_account_id');
    expectError(await t.api.get(`/v1/settlements/${sweep.id}?destination_account_id=${m.usd}`), 404, 'NOT_FOUND', 'destination_account_id');

    const stranger = await newTenant(app);
    expectError(await stranger.api.get(`/v1/settlements/${sweep.id}`), 404, 'NOT_FOUND', 'id');
    expectError(await t.api.get('/v1/settlements/trf_unknown'), 404, 'NOT_FOUND', 'id');
    expectError(await t.api.get('/v1/settlements/stl_unknown'), 404, 'NOT_FOUND', 'id');
  });
});
