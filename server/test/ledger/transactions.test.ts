import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant, type Response, type Tenant } from '../helpers.js';
import { adjust, createTransfer, expectError, fundedAccount, type ManualClock, manualClock, ok, USD, verifyLedger } from './_fixtures.js';

const DAY = 86_400;
let clock: ManualClock;
let app: FastifyInstance;
let t: Tenant;
let a: string;
let b: string;
let transfer1: string;
let transfer2: string;

interface Txn {
  id: string;
  value: number;
  balance_after: number | null;
  transaction_type: string;
  category_type: string;
  category_id: string;
  transaction_date: string;
}
const brief = (list: Txn[]) => list.map((x) => [x.value, x.balance_after, x.transaction_type, x.category_type]);
const ids = (d: { transactions: Txn[] }) => d.transactions.map((x) => x.id);

// A: +100 on 2031-01-10, -30 (transfer to B) on 01-11, -5 (debit) and -10 (transfer to B) on 01-12.
beforeAll(async () => {
  clock = manualClock(Date.UTC(2031, 0, 10, 12));
  app = await makeApp({ TOKEN_TTL_SECONDS: String(7 * DAY) }, { clock });
  t = await newTenant(app);
  a = (await fundedAccount(t, USD, '100')).id;
  b = (await fundedAccount(t, USD)).id;
  clock.advance(DAY);
  transfer1 = await createTransfer(t, a, b, 30);
  await ok(t.api.post(`/v1/transfers/${transfer1}/accept`));
  clock.advance(DAY);
  await ok(adjust(t, a, '5', 'DEBIT_CORRECTION'));
  transfer2 = await createTransfer(t, a, b, '10.00');
  await ok(t.api.post(`/v1/transfers/${transfer2}/accept`));
});
afterAll(async () => app.close());
afterEach(async () => verifyLedger(app));

describe('GET /v1/accounts/deposits/{id}/transactions', () => {
  it('lists newest first with signed values, balance_after, types and categories', async () => {
    const list = (await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions`))).transactions as Txn[];
    expect(brief(list)).toEqual([
      [-10, 55, 'INTERNAL_TRANSFER', 'TRANSFER'],
      [-5, 65, 'DEBIT_CORRECTION', 'ADJUSTMENT'],
      [-30, 70, 'INTERNAL_TRANSFER', 'TRANSFER'],
      [100, 100, 'CREDIT_CORRECTION', 'ADJUSTMENT'],
    ]);
    expect(list.map((x) => x.category_id.slice(0, 4))).toEqual(['trf_', 'adj_', 'trf_', 'adj_']);
    expect([list[0]?.category_id, list[2]?.category_id]).toEqual([transfer2, transfer1]);
    expect(list[0]).toEqual({
      id: expect.stringMatching(/^txn_/),
      account_id: a,
      asset_type_id: USD,
      value: -10,
      balance_after: 55,
      transaction_date: '2031-01-12T12:00:00.000Z',
      transaction_posted_date: '2031-01-12T12:00:00.000Z',
      transaction_status: 'POSTED',
      transaction_type: 'INTERNAL_TRANSFER',
      category_type: 'TRANSFER',
      category_id: transfer2,
    });
    const inB = (await ok(t.api.get(`/v1/accounts/deposits/${b}/transactions`))).transactions as Txn[];
    expect(brief(inB)).toEqual([
      [10, 40, 'INTERNAL_TRANSFER', 'TRANSFER'],
      [30, 30, 'INTERNAL_TRANSFER', 'TRANSFER'],
    ]);
    const asc = (await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions?order=ASC`))).transactions as Txn[];
    expect(asc.map((x) => x.id)).toEqual(list.map((x) => x.id).reverse());
  });

  it('filters by start_date and end_date (UTC days, inclusive)', async () => {
    const q = async (query: string) =>
      ((await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions?${query}`))).transactions as Txn[]).map((x) => x.value);
    expect(await q('start_date=2031-01-11')).toEqual([-10, -5, -30]);
    expect(await q('end_date=2031-01-11')).toEqual([-30, 100]);
    expect(await q('start_date=2031-01-11&end_date=2031-01-11')).toEqual([-30]);
    expect(await q('start_date=2031-01-10&end_date=2031-01-10&order=ASC')).toEqual([100]);
    expect(await q('start_date=2031-02-01')).toEqual([]);
    expectError(
      await t.api.get(`/v1/accounts/deposits/${a}/transactions?start_date=2031-01-12&end_date=2031-01-10`),
      400,
      'VALIDATION_ERROR',
      'start_date',
    );
    expect((await t.api.get(`/v1/accounts/deposits/${a}/transactions?start_date=yesterday`)).status).toBe(400);
  });

  it('walks every row exactly once in both pagination styles and both orders', async () => {
    const all = ids(await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions`)));
    expect(all).toHaveLength(4);
    for (const order of ['DESC', 'ASC'] as const) {
      const expected = order === 'DESC' ? all : [...all].reverse();
      const paged: string[] = [];
      for (let page = 0; page < 10; page++) {
        const res = await t.api.get(`/v1/accounts/deposits/${a}/transactions?page=${page}&page_size=3&order=${order}`);
        paged.push(...ids(res.body.data));
        if (!res.body.pagination.has_more) break;
      }
      expect(paged).toEqual(expected);
      const walked: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const res: Response = await t.api.get(
          `/v1/accounts/deposits/${a}/transactions?limit=1&order=${order}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        walked.push(...ids(res.body.data));
        cursor = res.body.pagination.next_cursor;
        if (!cursor) break;
      }
      expect(walked).toEqual(expected);
    }
  });

  it("retrieves one by id; another account's transaction, an unknown account or another tenant is 404", async () => {
    const [first] = (await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions`))).transactions as Txn[];
    const [ofB] = (await ok(t.api.get(`/v1/accounts/deposits/${b}/transactions`))).transactions as Txn[];
    expect(await ok(t.api.get(`/v1/accounts/deposits/${a}/transactions/${first?.id}`))).toEqual(first);
    expectError(await t.api.get(`/v1/accounts/deposits/${a}/transactions/${ofB?.id}`), 404, 'NOT_FOUND', 'transaction_id');
    expectError(await t.api.get(`/v1/accounts/deposits/${a}/transactions/txn_nope`), 404, 'NOT_FOUND');
    expectError(await t.api.get(`/v1/accounts/deposits/nope/transactions`), 404, 'NOT_FOUND', 'account_id');
    const other = await newTenant(app);
    expectError(await other.api.get(`/v1/accounts/deposits/${a}/transactions`), 404, 'NOT_FOUND');
    expectError(await other.api.get(`/v1/accounts/deposits/${a}/transactions/${first?.id}`), 404, 'NOT_FOUND');
  });
});

describe('GET /v1/transactions (bulk)', () => {
  it('lists every customer-account transaction of the client, with filters', async () => {
    const q = async (query = '') => (await ok(t.api.get(`/v1/transactions${query}`))).transactions as (Txn & { account_id: string })[];
    const all = await q();
    expect(all.map((x) => [x.account_id, x.value])).toEqual([
      [b, 10],
      [a, -10],
      [a, -5],
      [b, 30],
      [a, -30],
      [a, 100],
    ]);
    expect((await q(`?account_id=${b}`)).map((x) => x.value)).toEqual([10, 30]);
    expect((await q('?category_type=ADJUSTMENT')).map((x) => x.value)).toEqual([-5, 100]);
    expect((await q(`?category_id=${transfer1}`)).map((x) => [x.account_id, x.value])).toEqual([
      [b, 30],
      [a, -30],
    ]);
    expect((await q(`?category_type=TRANSFER&account_id=${a}`)).map((x) => x.value)).toEqual([-10, -30]);
    expect(await q('?transaction_status=POSTED')).toEqual(all);
    expect(await q('?transaction_status=AUTHORIZED')).toEqual([]);
    expect((await q('?start_date=2031-01-12&order=ASC')).map((x) => x.value)).toEqual([-5, -10, 10]);
    expect((await t.api.get('/v1/transactions?category_type=GIFT')).status).toBe(400);
  });

  it('is isolated per tenant and needs accounts:read', async () => {
    const other = await newTenant(app);
    expect((await ok(other.api.get('/v1/transactions'))).transactions).toEqual([]);
    expect((await ok(other.api.get(`/v1/transactions?account_id=${a}`))).transactions).toEqual([]);
    expect((await ok(other.api.get(`/v1/transactions?category_id=${transfer1}`))).transactions).toEqual([]);
    const scoped = await newTenant(app, { tokenScope: 'transfers:read' });
    expectError(await scoped.api.get('/v1/transactions'), 403, 'INSUFFICIENT_SCOPE');
  });
});
