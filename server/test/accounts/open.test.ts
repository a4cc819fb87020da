import { beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, uid } from '../helpers.js';
import {
  createCustomer,
  DEPOSITS,
  errs,
  eventsOf,
  expectError,
  getAccount,
  getCustomer,
  ISO,
  insertCustomer,
  openAccount,
  openBody,
} from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

describe('POST /v1/accounts/deposits', () => {
  it('opens an OPEN account with zero balances and writes ACCOUNT_OPEN', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.post(DEPOSITS, openBody(c.id, 'acc-1', 'FIAT_TESTNET_USD'));
    expect(res.status, res.raw).toBe(200);
    const { created_at, updated_at, ...rest } = res.body.data;
    expect(rest).toEqual({
      id: 'acc-1',
      status: 'OPEN',
      asset_type_id: 'FIAT_TESTNET_USD',
      product_type: 'DEPOSIT',
      product_id: 'DEPOSIT_BASIC',
      customer_id: c.id,
      current_balance: 0,
      available_balance: 0,
    });
    expect(created_at).toMatch(ISO);
    expect(updated_at).toBe(created_at);
    expect(res.raw).toContain('"current_balance":0,"available_balance":0');
    expect(await getAccount(t.api, 'acc-1')).toEqual(res.body.data);
    expect(await eventsOf(app, t.clientId, 'acc-1')).toEqual([['ACCOUNT_OPEN', { account: { id: 'acc-1', status: 'OPEN' } }]]);
  });

  it('opens crypto accounts in any enabled asset', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, corporationBody());
    for (const asset of ['BITCOIN_TESTNET_BTC', 'ETHEREUM_SEPOLIA_ETH', 'ETHEREUM_SEPOLIA_USDC', 'SOLANA_DEVNET_SOL', 'FIAT_MAINNET_USD']) {
      const a = await openAccount(t.api, c.id, asset);
      expect([a.asset_type_id, a.status, a.current_balance]).toEqual([asset, 'OPEN', 0]);
    }
  });

  it('refuses a duplicate account_id for the client (409); another client may use it', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const ca = await createCustomer(a.api, individualBody());
    const cb = await createCustomer(b.api, individualBody());
    await openAccount(a.api, ca.id, 'FIAT_TESTNET_USD', 'shared-id');
    expectError(
      await a.api.post(DEPOSITS, openBody(ca.id, 'shared-id', 'FIAT_TESTNET_EUR')),
      409,
      'DUPLICATE_ID',
      'account_to_open.account_id',
    );
    const other = await openAccount(b.api, cb.id, 'FIAT_TESTNET_EUR', 'shared-id');
    expect([other.customer_id, other.asset_type_id]).toEqual([cb.id, 'FIAT_TESTNET_EUR']);
    expect((await getAccount(a.api, 'shared-id')).asset_type_id).toBe('FIAT_TESTNET_USD');
    expect(await eventsOf(app, a.clientId, 'shared-id')).toHaveLength(1);
  });

  it('404 for an unknown customer, or another client’s', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const cb = await createCustomer(b.api, individualBody());
    expectError(await a.api.post(DEPOSITS, openBody('nobody')), 404, 'NOT_FOUND', 'customer_id');
    expectError(await a.api.post(DEPOSITS, openBody(cb.id)), 404, 'NOT_FOUND', 'customer_id');
    expect((await a.api.get(DEPOSITS)).body.data.accounts).toEqual([]);
  });

  it.each(['FROZEN', 'PENDING', 'CLOSED'] as const)('refuses a %s customer with NOT_TRANSACTABLE', async (status) => {
    const app = await getApp();
    const t = await newTenant(app);
    const id = uid('s');
    if (status === 'PENDING') await insertCustomer(app, t, id, 'PENDING');
    else {
      await createCustomer(t.api, individualBody(id));
      expect((await t.api.patch(`/v1/customers/${id}`, { status })).status).toBe(200);
    }
    expectError(await t.api.post(DEPOSITS, openBody(id, 'acc-x')), 400, 'NOT_TRANSACTABLE', 'customer_id');
    expect((await t.api.get(DEPOSITS)).body.data.accounts).toEqual([]);
    expect(await eventsOf(app, t.clientId, 'acc-x')).toEqual([]);
  });

  it.each(['EDD', 'DORMANT'] as const)('opens for an %s customer', async (status) => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expect((await t.api.patch(`/v1/customers/${c.id}`, { status })).status).toBe(200);
    expect((await openAccount(t.api, c.id)).status).toBe('OPEN');
  });

  it('a FROZEN_L2F customer: 403 L2F_STATUS_RESERVED for the client, NOT_TRANSACTABLE for the operator', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    expect((await t.operator.patch(`/v1/customers/${c.id}`, { status: 'FROZEN_L2F' })).status).toBe(200);
    expectError(await t.api.post(DEPOSITS, openBody(c.id)), 403, 'L2F_STATUS_RESERVED', 'customer_id');
    expectError(await t.operator.post(DEPOSITS, openBody(c.id)), 400, 'NOT_TRANSACTABLE', 'customer_id');
    expect((await t.api.get(DEPOSITS)).body.data.accounts).toEqual([]);
  });

  it('a PAYMENT_BASIC product does not open under /accounts/deposits', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const res = await t.api.post(DEPOSITS, openBody(c.id, 'pay-1', 'ETHEREUM_SEPOLIA_USDC', 'PAYMENT_BASIC'));
    expectError(res, 400, 'VALIDATION_ERROR', 'account_to_open.product_id');
    expect((await t.api.get(`${DEPOSITS}/pay-1`)).status).toBe(404);
  });

  it('validates the body: one entry per unknown or missing field', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const extra = await t.api.post(DEPOSITS, {
      ...openBody(c.id),
      nickname: 'savings',
      account_to_open: { account_id: 'e1', product_id: 'DEPOSIT_BASIC', asset_type_id: 'FIAT_TESTNET_USD', color: 'blue' },
    });
    expect(extra.status, extra.raw).toBe(400);
    expect(errs(extra)).toEqual(
      expect.arrayContaining([
        { code: 'VALIDATION_ERROR', field: 'nickname' },
        { code: 'VALIDATION_ERROR', field: 'account_to_open.color' },
      ]),
    );
    expect(errs(extra)).toHaveLength(2);
    const missing = await t.api.post(DEPOSITS, {
      customer_id: c.id,
      account_to_open: { product_id: 'DEPOSIT_BASIC', asset_type_id: 'FIAT_TESTNET_USD' },
    });
    expectError(missing, 400, 'VALIDATION_ERROR', 'account_to_open.account_id');
    expectError(await t.api.post(DEPOSITS, { account_to_open: openBody(c.id).account_to_open }), 400, 'VALIDATION_ERROR', 'customer_id');
    expect((await t.api.get(DEPOSITS)).body.data.accounts).toEqual([]);
  });

  it('is idempotent with x-l2f-idempotency-id: the replay is byte-identical and one account exists', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const headers = { 'x-l2f-idempotency-id': uid('idem') };
    const body = openBody(c.id, 'idem-acc');
    const first = await t.api.post(DEPOSITS, body, headers);
    const second = await t.api.post(DEPOSITS, body, headers);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.raw).toBe(first.raw);
    expect(second.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(first.headers['x-l2f-idempotent-replay']).toBeUndefined();
    expect((await t.api.get(DEPOSITS)).body.data.accounts.map((a: { id: string }) => a.id)).toEqual(['idem-acc']);
    expect(await eventsOf(app, t.clientId, 'idem-acc')).toHaveLength(1);
    const reused = await t.api.post(DEPOSITS, openBody(c.id, 'idem-other'), headers);
    expectError(reused, 422, 'IDEMPOTENCY_KEY_REUSED', 'x-l2f-idempotency-id');
  });
});

describe('customer representation lists its accounts', () => {
  it('GET /v1/customers/{id} and the list carry [{id, asset_type_id, status}] in opening order', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const other = await createCustomer(t.api, corporationBody());
    expect(c.accounts).toEqual([]);
    await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', 'c-usd');
    await openAccount(t.api, c.id, 'ETHEREUM_SEPOLIA_ETH', 'c-eth');
    await openAccount(t.api, other.id, 'FIAT_TESTNET_EUR', 'o-eur');
    expect((await t.api.patch(`${DEPOSITS}/c-eth`, { status: 'FROZEN' })).status).toBe(200);
    const expected = [
      { id: 'c-usd', asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' },
      { id: 'c-eth', asset_type_id: 'ETHEREUM_SEPOLIA_ETH', status: 'FROZEN' },
    ];
    expect((await getCustomer(t.api, c.id)).accounts).toEqual(expected);
    const list = (await t.api.get('/v1/customers')).body.data.customers as { id: string; accounts: unknown }[];
    expect(list.map((x) => [x.id, x.accounts])).toEqual([
      [other.id, [{ id: 'o-eur', asset_type_id: 'FIAT_TESTNET_EUR', status: 'OPEN' }]],
      [c.id, expected],
    ]);
  });
});
