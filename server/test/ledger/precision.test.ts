/** 18-decimal amounts sent as JSON numbers round-trip exactly: no float anywhere on the way. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApp, midMonthBusinessTime, newTenant, type Tenant } from '../helpers.js';
import { getPdf } from '../pdf.js';
import { balances, ETH, fundedAccount, newCustomer, ok, openAccount, rawNumbers, verifyLedger } from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

const JSON_TYPE = { 'content-type': 'application/json' };
/** A raw JSON body: the amount's text goes on the wire exactly as written here. */
const adjustRaw = (t: Tenant, account: string, amount: string, type = 'CREDIT_CORRECTION') =>
  t.operator.post(
    '/v1/admin/adjustments',
    `{"account_id":"${account}","amount":${amount},"transaction_type":"${type}","reason":"wei"}`,
    JSON_TYPE,
  );

describe('ETH (18 decimals) precision', () => {
  it('round-trips through adjustment, transfer, balances, transactions and statements', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await midMonthBusinessTime(app, t.clientId); // one statement: every write in one month
    const customer = await newCustomer(t);
    const a = await openAccount(t, customer, ETH);
    const b = await openAccount(t, customer, ETH);

    await ok(adjustRaw(t, a, '1.000000000000000001'));
    expect(await balances(t.api, a)).toEqual({ current: '1.000000000000000001', available: '1.000000000000000001' });

    const created = await t.api.post(
      '/v1/transfers',
      `{"source_account_id":"${a}","destination_account_id":"${b}","amount":0.000000000000000001}`,
      JSON_TYPE,
    );
    expect(created.status, created.raw).toBe(200);
    expect(created.raw).toContain('"amount_to_debit":0.000000000000000001');
    expect(created.raw).toContain('"amount_to_credit":0.000000000000000001');
    const accepted = await t.api.post(`/v1/transfers/${created.body.data.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(rawNumbers(accepted.raw, 'amount_to_debit')).toEqual(['0.000000000000000001']);
    expect(await balances(t.api, a)).toEqual({ current: '1', available: '1' });
    expect(await balances(t.api, b)).toEqual({ current: '0.000000000000000001', available: '0.000000000000000001' });

    const txns = await t.api.get(`/v1/accounts/deposits/${a}/transactions`);
    expect(rawNumbers(txns.raw, 'value')).toEqual(['-0.000000000000000001', '1.000000000000000001']);
    expect(rawNumbers(txns.raw, 'balance_after')).toEqual(['1', '1.000000000000000001']);
    const one = await t.api.get(`/v1/accounts/deposits/${a}/transactions/${txns.body.data.transactions[0].id}`);
    expect([rawNumbers(one.raw, 'value'), rawNumbers(one.raw, 'balance_after')]).toEqual([['-0.000000000000000001'], ['1']]);
    const bulk = await t.api.get(`/v1/transactions?account_id=${b}`);
    expect(rawNumbers(bulk.raw, 'value')).toEqual(['0.000000000000000001']);
    expect(rawNumbers(bulk.raw, 'balance_after')).toEqual(['0.000000000000000001']);

    const list = await t.api.get(`/v1/accounts/deposits/${a}/statements`);
    expect(list.status, list.raw).toBe(200);
    expect(rawNumbers(list.raw, 'opening_balance')).toEqual(['0']);
    expect(rawNumbers(list.raw, 'total_in')).toEqual(['1.000000000000000001']);
    expect(rawNumbers(list.raw, 'total_out')).toEqual(['0.000000000000000001']);
    expect(rawNumbers(list.raw, 'closing_balance')).toEqual(['1']);
    const id = list.body.data.statements[0].id;
    const statement = await t.api.get(`/v1/accounts/deposits/${a}/statements/${id}`);
    expect(statement.status).toBe(200);
    for (const [key, value] of [
      ['opening_balance', '0'],
      ['closing_balance', '1'],
      ['total_in', '1.000000000000000001'],
      ['total_out', '0.000000000000000001'],
    ]) {
      expect(rawNumbers(statement.raw, key as string)).toEqual([value]);
    }
    expect(rawNumbers(statement.raw, 'value')).toEqual(['1.000000000000000001', '-0.000000000000000001']);
    // Read back as text: the PDF's font is embedded, so the digits are not in its bytes.
    const pdf = await getPdf(t.api, `/v1/accounts/deposits/${a}/statements/${id}`);
    expect(pdf.text).toContain('1.000000000000000001');
    expect(pdf.text).toContain('-0.000000000000000001');
  });

  it('keeps amounts beyond 2^53 and exponent forms exact', async () => {
    const t = await newTenant(await getApp());
    const { id } = await fundedAccount(t, ETH);
    await ok(adjustRaw(t, id, '123456789012345678.123456789012345678'));
    await ok(adjustRaw(t, id, '1e-18'));
    await ok(adjustRaw(t, id, '"0.000000000000000002"'));
    expect(await balances(t.api, id)).toEqual({
      current: '123456789012345678.123456789012345681',
      available: '123456789012345678.123456789012345681',
    });
    await ok(adjustRaw(t, id, '123456789012345678.123456789012345681', 'DEBIT_CORRECTION'));
    expect(await balances(t.api, id)).toEqual({ current: '0', available: '0' });
    const txns = await t.api.get(`/v1/accounts/deposits/${id}/transactions`);
    expect(rawNumbers(txns.raw, 'value')).toEqual([
      '-123456789012345678.123456789012345681',
      '0.000000000000000002',
      '0.000000000000000001',
      '123456789012345678.123456789012345678',
    ]);
    expect((await adjustRaw(t, id, '1.0000000000000000001')).body.errors[0].code).toBe('AMOUNT_PRECISION');
  });
});
