import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { balances, createTransfer, ETH, EUR, expectError, fundedAccount, ok, transactionEvents, USD, verifyLedger } from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

/** A tenant with a source funded with `funds` USD and an empty destination (another customer). */
async function pair(funds = '100.00') {
  const app = await getApp();
  const t = await newTenant(app);
  const source = (await fundedAccount(t, USD, funds)).id;
  const destination = (await fundedAccount(t, USD)).id;
  return { app, t, source, destination };
}

const status = async (t: Tenant, id: string) => (await ok(t.api.get(`/v1/transfers/${id}`))).status as string;

describe('transfers: create, accept, cancel', () => {
  it('creates a REQUESTED transfer in the Layer2 shape, valid for 900 s', async () => {
    const { t, source, destination } = await pair();
    const res = await t.api.post('/v1/transfers', {
      source_account_id: source,
      destination_account_id: destination,
      amount: 12.5,
      description: 'rent',
    });
    expect(res.status, res.raw).toBe(200);
    const tr = res.body.data;
    expect(tr).toEqual({
      id: expect.stringMatching(/^trf_/),
      status: 'REQUESTED',
      created_timestamp: expect.any(String),
      valid_until: expect.any(String),
      description: 'rent',
      source_details: { source_account_id: source, asset_type_id: USD, amount_to_debit: 12.5 },
      destination_details: { destination_account_id: destination, asset_type_id: USD, amount_to_credit: 12.5 },
    });
    expect(Date.parse(tr.valid_until) - Date.parse(tr.created_timestamp)).toBe(900_000);
    expect(await ok(t.api.get(`/v1/transfers/${tr.id}`))).toEqual(tr);
    // Nothing moves before accept.
    expect(await balances(t.api, source)).toEqual({ current: '100', available: '100' });
  });

  it('accept executes: balances move exactly, one TRANSACTION_POSTED per account', async () => {
    const { app, t, source, destination } = await pair('100.00');
    const id = await createTransfer(t, source, destination, '33.33');
    const done = await ok(t.api.post(`/v1/transfers/${id}/accept`));
    expect([done.id, done.status, typeof done.executed_timestamp]).toEqual([id, 'EXECUTED', 'string']);
    expect(await balances(t.api, source)).toEqual({ current: '66.67', available: '66.67' });
    expect(await balances(t.api, destination)).toEqual({ current: '33.33', available: '33.33' });
    const evts = (await transactionEvents(app, t.clientId)).filter((e) => e.data.transaction.category_type === 'TRANSFER');
    expect(evts.map((e) => ({ type: e.type, ...e.data.transaction, id: undefined }))).toEqual([
      { type: 'TRANSACTION_POSTED', id: undefined, status: 'POSTED', account_id: source, category_type: 'TRANSFER', category_id: id },
      { type: 'TRANSACTION_POSTED', id: undefined, status: 'POSTED', account_id: destination, category_type: 'TRANSFER', category_id: id },
    ]);
    const out = await ok(t.api.get(`/v1/accounts/deposits/${source}/transactions/${evts[0]?.data.transaction.id}`));
    const inn = await ok(t.api.get(`/v1/accounts/deposits/${destination}/transactions/${evts[1]?.data.transaction.id}`));
    expect([out.value, out.transaction_type, inn.value, inn.transaction_type]).toEqual([
      -33.33,
      'INTERNAL_TRANSFER',
      33.33,
      'INTERNAL_TRANSFER',
    ]);
  });

  it('accepting twice: the second is INVALID_STATUS_TRANSITION and money moved once', async () => {
    const { t, source, destination } = await pair('10');
    const id = await createTransfer(t, source, destination, 4);
    await ok(t.api.post(`/v1/transfers/${id}/accept`));
    expectError(await t.api.post(`/v1/transfers/${id}/accept`), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.post(`/v1/transfers/${id}/cancel`), 400, 'INVALID_STATUS_TRANSITION');
    expect(await balances(t.api, source)).toEqual({ current: '6', available: '6' });
    expect(await balances(t.api, destination)).toEqual({ current: '4', available: '4' });
  });

  it('cancel from REQUESTED gives CANCELLED; accept afterwards is INVALID_STATUS_TRANSITION', async () => {
    const { app, t, source, destination } = await pair('10');
    const id = await createTransfer(t, source, destination, 4);
    const cancelled = await ok(t.api.post(`/v1/transfers/${id}/cancel`));
    expect([cancelled.status, cancelled.executed_timestamp]).toEqual(['CANCELLED', null]);
    expectError(await t.api.post(`/v1/transfers/${id}/accept`), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.post(`/v1/transfers/${id}/cancel`), 400, 'INVALID_STATUS_TRANSITION');
    expect(await status(t, id)).toBe('CANCELLED');
    expect(await balances(t.api, source)).toEqual({ current: '10', available: '10' });
    expect((await transactionEvents(app, t.clientId)).filter((e) => e.data.transaction.category_type === 'TRANSFER')).toEqual([]);
  });

  it('accept and cancel take no body, an empty JSON body, or {}', async () => {
    const { t, source, destination } = await pair('10');
    const json = { 'content-type': 'application/json' };
    await ok(t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/accept`, '', json));
    await ok(t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/accept`, {}));
    await ok(t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/cancel`, '', json));
    await ok(t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/cancel`, {}));
    const withBody = await t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/accept`, { amount: 5 });
    expect(withBody.status).toBe(400);
    expect(await balances(t.api, source)).toEqual({ current: '8', available: '8' });
  });
});

describe('transfers: refusals', () => {
  it('at create: ASSET_MISMATCH, same account, foreign accounts (404), AMOUNT_PRECISION, zero', async () => {
    const { app, t, source, destination } = await pair('10');
    const eur = (await fundedAccount(t, EUR, '10')).id;
    const eth = (await fundedAccount(t, ETH, '1')).id;
    const other = await newTenant(app);
    const foreign = (await fundedAccount(other, USD, '10')).id;
    const create = (s: string, d: string, amount: number | string) =>
      t.api.post('/v1/transfers', { source_account_id: s, destination_account_id: d, amount });
    expectError(await create(source, eur, 1), 400, 'ASSET_MISMATCH', 'destination_account_id');
    expectError(await create(eth, source, 1), 400, 'ASSET_MISMATCH');
    expectError(await create(source, source, 1), 400, 'VALIDATION_ERROR', 'destination_account_id');
    expectError(await create(foreign, destination, 1), 404, 'NOT_FOUND', 'source_account_id');
    expectError(await create(source, foreign, 1), 404, 'NOT_FOUND', 'destination_account_id');
    expectError(await create('nope', destination, 1), 404, 'NOT_FOUND', 'source_account_id');
    expectError(await create(source, destination, '1.001'), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await create(source, destination, 0), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await create(source, destination, -2), 400, 'AMOUNT_PRECISION', 'amount');
    expect((await ok(t.api.get('/v1/transfers'))).transfers).toEqual([]);
    expect((await ok(other.api.get('/v1/transfers'))).transfers).toEqual([]);
  });

  it('at create: a FROZEN source or destination account, or a FROZEN customer, is NOT_TRANSACTABLE', async () => {
    const { t, source, destination } = await pair('10');
    const create = () => t.api.post('/v1/transfers', { source_account_id: source, destination_account_id: destination, amount: 1 });
    await ok(t.api.patch(`/v1/accounts/deposits/${source}`, { status: 'FROZEN' }));
    expectError(await create(), 400, 'NOT_TRANSACTABLE');
    await ok(t.api.patch(`/v1/accounts/deposits/${source}`, { status: 'OPEN' }));
    await ok(t.api.patch(`/v1/accounts/deposits/${destination}`, { status: 'FROZEN' }));
    expectError(await create(), 400, 'NOT_TRANSACTABLE');
    await ok(t.api.patch(`/v1/accounts/deposits/${destination}`, { status: 'OPEN' }));
    const owner = (await ok(t.api.get(`/v1/accounts/deposits/${source}`))).customer_id;
    await ok(t.api.patch(`/v1/customers/${owner}`, { status: 'FROZEN' }));
    expectError(await create(), 400, 'NOT_TRANSACTABLE');
    await ok(t.api.patch(`/v1/customers/${owner}`, { status: 'ACTIVE' }));
    expect((await create()).status).toBe(200);
  });

  it('at accept: frozen after create is NOT_TRANSACTABLE and the transfer stays REQUESTED', async () => {
    const { t, source, destination } = await pair('10');
    const id = await createTransfer(t, source, destination, 3);
    const accept = () => t.api.post(`/v1/transfers/${id}/accept`);
    const destOwner = (await ok(t.api.get(`/v1/accounts/deposits/${destination}`))).customer_id;
    for (const [path, frozen, thawed] of [
      [`/v1/accounts/deposits/${source}`, 'FROZEN', 'OPEN'],
      [`/v1/accounts/deposits/${destination}`, 'FROZEN', 'OPEN'],
      [`/v1/customers/${destOwner}`, 'FROZEN', 'ACTIVE'],
    ] as const) {
      await ok(t.api.patch(path, { status: frozen }));
      expectError(await accept(), 400, 'NOT_TRANSACTABLE');
      expect(await status(t, id)).toBe('REQUESTED');
      expect(await balances(t.api, source)).toEqual({ current: '10', available: '10' });
      await ok(t.api.patch(path, { status: thawed }));
    }
    expect((await ok(accept())).status).toBe('EXECUTED');
    expect(await balances(t.api, destination)).toEqual({ current: '3', available: '3' });
  });

  it('at accept: INSUFFICIENT_FUNDS leaves the transfer REQUESTED; it executes once funded', async () => {
    const { t, source, destination } = await pair('5.00');
    const id = await createTransfer(t, source, destination, '5.01');
    expectError(await t.api.post(`/v1/transfers/${id}/accept`), 400, 'INSUFFICIENT_FUNDS');
    expect(await status(t, id)).toBe('REQUESTED');
    expect(await balances(t.api, source)).toEqual({ current: '5', available: '5' });
    await ok(
      t.operator.post('/v1/admin/adjustments', {
        account_id: source,
        amount: '0.01',
        transaction_type: 'CREDIT_CORRECTION',
        reason: 'top up',
      }),
    );
    expect((await ok(t.api.post(`/v1/transfers/${id}/accept`))).status).toBe('EXECUTED');
    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, destination)).toEqual({ current: '5.01', available: '5.01' });
  });
});
