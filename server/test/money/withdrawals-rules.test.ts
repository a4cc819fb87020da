import { describe, expect, it } from 'vitest';
import type { Response } from '../helpers.js';
import { getFrozenApp, newTenant, type Tenant } from '../helpers.js';
import {
  advance,
  agree,
  BTC,
  cryptoCounterparty,
  customerWithAccount,
  ETH,
  ETH_ADDRESS,
  euCounterparty,
  expectError,
  fund,
  newCustomer,
  ok,
  openAccount,
  setStatus,
  USD,
  usCounterparty,
  verifyLedger,
} from './_fixtures.js';

type Body = Record<string, unknown>;
const body = (accountId: string, cp: string, extra: Body = {}) => ({
  withdrawal_rail: 'ACH',
  source_account_id: accountId,
  destination_counterparty_id: cp,
  amount: '10',
  purpose: 'PERSONAL_ACCOUNT',
  ...extra,
});
const create = (t: Tenant, accountId: string, cp: string, extra: Body = {}) => t.api.post('/v1/withdrawals', body(accountId, cp, extra));
const entries = (res: Response) => (res.body.errors as { code: string; field?: string }[]).map((e) => `${e.code}:${e.field}`);

describe('withdrawals: refusals', () => {
  it('rails, memo, purpose, other customer, asset mismatch, precision: 400 with one entry per problem', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '100');
    const achOnly = await usCounterparty(t, customerId, { rails: ['ACH'] });
    const parent = await usCounterparty(t, customerId, { relationship: 'PARENT' });
    const eu = await euCounterparty(t, customerId);
    const otherCustomer = await newCustomer(t);
    const foreign = await usCounterparty(t, otherCustomer);

    const notTaken = await create(t, accountId, achOnly, { withdrawal_rail: 'FEDWIRE' });
    expect([notTaken.status, entries(notTaken)]).toEqual([400, ['VALIDATION_ERROR:withdrawal_rail']]);
    const neither = await create(t, accountId, achOnly, { withdrawal_rail: 'SEPA_CT' });
    expect(entries(neither)).toEqual(['VALIDATION_ERROR:withdrawal_rail', 'VALIDATION_ERROR:withdrawal_rail']);
    expect(neither.body.errors[1].description).toBe(`${USD} does not travel on SEPA_CT.`);
    expectError(await create(t, accountId, achOnly, { memo: 'ELEVEN_CHAR' }), 400, 'VALIDATION_ERROR', 'memo');
    expect((await create(t, accountId, achOnly, { memo: 'TEN_CHARS!' })).status).toBe(200);
    expectError(await create(t, accountId, parent), 400, 'VALIDATION_ERROR', 'purpose');
    expect((await create(t, accountId, parent, { purpose: 'FAMILY' })).status).toBe(200);
    expectError(await create(t, accountId, foreign), 400, 'VALIDATION_ERROR', 'destination_counterparty_id');
    expectError(await create(t, accountId, eu, { withdrawal_rail: 'SWIFT' }), 400, 'ASSET_MISMATCH', 'destination_counterparty_id');
    expectError(await create(t, accountId, achOnly, { amount: '1.001' }), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await create(t, accountId, achOnly, { amount: '0' }), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await create(t, accountId, 'cp_nope'), 404, 'NOT_FOUND', 'destination_counterparty_id');
    expectError(await create(t, 'acc_nope', achOnly), 404, 'NOT_FOUND', 'source_account_id');
    expect(await agree(t, accountId, USD)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('FROZEN account, customer or counterparty: NOT_TRANSACTABLE at create and at accept; funds short: INSUFFICIENT_FUNDS', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '100');
    const cp = await usCounterparty(t, customerId);
    const paths = [`/v1/accounts/deposits/${accountId}`, `/v1/customers/${customerId}`, `/v1/counterparties/${cp}`];
    for (const path of paths) {
      const w = await ok(create(t, accountId, cp));
      await setStatus(t.api, path, 'FROZEN');
      expectError(await create(t, accountId, cp), 400, 'NOT_TRANSACTABLE');
      expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 400, 'NOT_TRANSACTABLE');
      await setStatus(t.api, path, path.includes('/accounts/') ? 'OPEN' : 'ACTIVE');
      expect((await ok(t.api.get(`/v1/withdrawals/${w.id}`))).status).toBe('REQUESTED');
    }
    // (A successful accept first: see platform-accounts.test.ts for a failed first accept.)
    const first = await ok(create(t, accountId, cp, { amount: '40' }));
    expect((await ok(t.api.post(`/v1/withdrawals/${first.id}/accept`))).status).toBe('AUTHORIZED');
    const big = await ok(create(t, accountId, cp, { amount: '60.01' }));
    expectError(await t.api.post(`/v1/withdrawals/${big.id}/accept`), 400, 'INSUFFICIENT_FUNDS');
    expect((await ok(t.api.get(`/v1/withdrawals/${big.id}`))).status).toBe('REQUESTED');
    const rest = await ok(create(t, accountId, cp, { amount: '60' }));
    expect((await ok(t.api.post(`/v1/withdrawals/${rest.id}/accept`))).status).toBe('AUTHORIZED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '100', available: '0' });
    await verifyLedger(app);
  });

  it('signing_required: an unsigned accept is 401 SIGNATURE_REQUIRED', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app, { signing_required: true });
    const { customerId, accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '20');
    const w = await ok(create(t, accountId, await usCounterparty(t, customerId)));
    expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 401, 'SIGNATURE_REQUIRED', 'x-signature');
    expect(await agree(t, accountId, USD)).toEqual({ current: '20', available: '20' });
    await verifyLedger(app);
  });
});

describe('withdrawals: crypto, lists, isolation, concurrency', () => {
  it('a crypto withdrawal to a CRYPTO counterparty executes on the CRYPTO rail; a BTC wallet is an ASSET_MISMATCH', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, ETH);
    await fund(t, accountId, '2.000000000000000001');
    const cp = await cryptoCounterparty(t, customerId);
    const btc = await cryptoCounterparty(t, customerId, BTC, 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx');
    expectError(await create(t, accountId, btc, { withdrawal_rail: 'CRYPTO' }), 400, 'ASSET_MISMATCH', 'destination_counterparty_id');
    const ach = await create(t, accountId, cp, { withdrawal_rail: 'ACH' });
    expect([ach.status, entries(ach)]).toEqual([400, ['VALIDATION_ERROR:withdrawal_rail', 'VALIDATION_ERROR:withdrawal_rail']]);
    const w = await ok(create(t, accountId, cp, { withdrawal_rail: 'CRYPTO', amount: '1.5' }));
    await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`));
    expect(await agree(t, accountId, ETH)).toEqual({ current: '2.000000000000000001', available: '0.500000000000000001' });
    await advance(t, 61);
    const sent = await ok(t.api.get(`/v1/withdrawals/${w.id}`));
    expect(sent.rail_reference).toMatch(/^0x[0-9a-f]{64}$/);
    await advance(t, 61);
    expect((await ok(t.api.get(`/v1/withdrawals/${w.id}`))).status).toBe('EXECUTED');
    const receipt = await ok(t.api.get(`/v1/withdrawals/${w.id}/receipt`));
    expect(receipt.beneficiary).toMatchObject({ counterparty_id: cp, wallet_address: ETH_ADDRESS, account_number: null });
    expect(await agree(t, accountId, ETH)).toEqual({ current: '0.500000000000000001', available: '0.500000000000000001' });
    await verifyLedger(app);
  });

  it('GET /v1/withdrawals filters by status and account; another tenant gets 404 everywhere', async () => {
    const app = await getFrozenApp();
    const [t, stranger] = [await newTenant(app), await newTenant(app)];
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const second = await openAccount(t, customerId, USD);
    await fund(t, accountId, '50');
    await fund(t, second, '50');
    const cp = await usCounterparty(t, customerId);
    const a = await ok(create(t, accountId, cp));
    const b = await ok(create(t, accountId, cp));
    const c = await ok(create(t, second, cp));
    await ok(t.api.post(`/v1/withdrawals/${b.id}/accept`));
    const ids = async (q: string) => (await ok(t.api.get(`/v1/withdrawals${q}`))).withdrawals.map((w: Body) => w.id);
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids(`?account_id=${accountId}`)).toEqual([b.id, a.id]);
    expect(await ids('?status=REQUESTED')).toEqual([c.id, a.id]);
    expect(await ids(`?status=AUTHORIZED&account_id=${accountId}`)).toEqual([b.id]);
    expect(await ids('?page_size=1&page=1')).toEqual([b.id]);
    expectError(await t.api.get('/v1/withdrawals?status=NOPE'), 400, 'VALIDATION_ERROR');
    expect((await ok(stranger.api.get('/v1/withdrawals'))).withdrawals).toEqual([]);
    for (const res of [
      await stranger.api.get(`/v1/withdrawals/${b.id}`),
      await stranger.api.get(`/v1/withdrawals/${b.id}/receipt`),
      await stranger.api.post(`/v1/withdrawals/${a.id}/accept`),
      await stranger.api.post(`/v1/withdrawals/${b.id}/cancel`),
      await stranger.api.post(`/v1/simulations/withdrawals/${b.id}/settle`, {}),
    ]) {
      expectError(res, 404, 'NOT_FOUND');
    }
    expectError(await stranger.api.post('/v1/withdrawals', body(accountId, cp)), 404, 'NOT_FOUND', 'source_account_id');
    expect((await ok(t.api.get(`/v1/withdrawals/${b.id}`))).status).toBe('AUTHORIZED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '50', available: '40' });
    await verifyLedger(app);
  });

  it('20 accepts racing a balance that covers 10: exactly 10 AUTHORIZED, available exactly 0, never negative', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '100');
    const cp = await usCounterparty(t, customerId);
    const ws: Body[] = [];
    for (let i = 0; i < 20; i++) ws.push(await ok(create(t, accountId, cp, { amount: '10' })));
    const results = await Promise.all(ws.map((w) => t.api.post(`/v1/withdrawals/${w.id}/accept`)));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(10);
    for (const r of won) expect(r.body.data.status).toBe('AUTHORIZED');
    for (const r of results.filter((x) => x.status !== 200)) expectError(r, 400, 'INSUFFICIENT_FUNDS');
    expect(await agree(t, accountId, USD)).toEqual({ current: '100', available: '0' });
    const listed = await ok(t.api.get('/v1/withdrawals?status=AUTHORIZED&page_size=100'));
    expect(listed.withdrawals).toHaveLength(10);
    await verifyLedger(app);
    await advance(t, 61);
    await advance(t, 600);
    expect((await ok(t.api.get('/v1/withdrawals?status=EXECUTED&page_size=100'))).withdrawals).toHaveLength(10);
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });
});
