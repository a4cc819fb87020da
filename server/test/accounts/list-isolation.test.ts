import { beforeAll, describe, expect, it } from 'vitest';
import { type Api, getApp, individualBody, newTenant, uid } from '../helpers.js';
import { createCustomer, DEPOSITS, expectError, getAccount, historyOf, ids, openAccount } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

async function listIds(api: Api, query = ''): Promise<string[]> {
  const res = await api.get(`${DEPOSITS}${query ? `?${query}` : ''}`);
  expect(res.status, res.raw).toBe(200);
  return ids(res.body.data.accounts);
}

/** Walks a cursor list from its first page; returns the ids in order and the number of pages. */
async function walk(api: Api, query: string) {
  const seen: string[] = [];
  let url = `${DEPOSITS}?${query}`;
  for (let pages = 1; ; pages++) {
    const res = await api.get(url);
    expect(res.status, res.raw).toBe(200);
    seen.push(...ids(res.body.data.accounts));
    const { has_more, next_cursor } = res.body.pagination;
    expect(has_more).toBe(next_cursor !== null);
    if (next_cursor === null) return { ids: seen, pages };
    url = `${DEPOSITS}?${query}&cursor=${encodeURIComponent(next_cursor)}`;
  }
}

describe('GET /v1/accounts/deposits', () => {
  it('filters by customer_id, product_type and status (OPEN, FROZEN), newest first', async () => {
    const t = await newTenant(await getApp());
    const [c1, c2] = [await createCustomer(t.api, individualBody()), await createCustomer(t.api, individualBody())];
    for (const [c, id] of [
      [c1.id, 'a1'],
      [c2.id, 'a2'],
      [c1.id, 'a3'],
      [c2.id, 'a4'],
    ] as const) {
      await openAccount(t.api, c, 'FIAT_TESTNET_USD', id);
    }
    expect((await t.api.patch(`${DEPOSITS}/a3`, { status: 'FROZEN' })).status).toBe(200);
    expect((await t.api.patch(`${DEPOSITS}/a2`, { status: 'FROZEN' })).status).toBe(200);

    expect(await listIds(t.api)).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(await listIds(t.api, `customer_id=${c1.id}`)).toEqual(['a3', 'a1']);
    expect(await listIds(t.api, `customer_id=${c2.id}`)).toEqual(['a4', 'a2']);
    expect(await listIds(t.api, 'status=OPEN')).toEqual(['a4', 'a1']);
    expect(await listIds(t.api, 'status=ACTIVE')).toEqual(['a4', 'a1']);
    expect(await listIds(t.api, 'status=FROZEN')).toEqual(['a3', 'a2']);
    expect(await listIds(t.api, `status=FROZEN&customer_id=${c1.id}`)).toEqual(['a3']);
    expect(await listIds(t.api, 'status=CLOSED')).toEqual([]);
    expect(await listIds(t.api, 'product_type=DEPOSIT')).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(await listIds(t.api, 'product_type=CLIENT')).toEqual([]);
    expect(await listIds(t.api, 'customer_id=nobody')).toEqual([]);

    const res = await t.api.get(`${DEPOSITS}?customer_id=${c1.id}&status=FROZEN&page_size=1`);
    expect(res.body.links.self).toBe(`${DEPOSITS}?customer_id=${c1.id}&status=FROZEN&page=0&page_size=1`);
    expect(res.body.data.accounts[0]).toMatchObject({ id: 'a3', status: 'FROZEN', customer_id: c1.id, current_balance: 0 });
  });

  it('refuses unknown filters and filter values', async () => {
    const t = await newTenant(await getApp());
    expectError(await t.api.get(`${DEPOSITS}?status=SLEEPING`), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.get(`${DEPOSITS}?product_type=SAVINGS`), 400, 'VALIDATION_ERROR', 'product_type');
    expectError(await t.api.get(`${DEPOSITS}?asset=USD`), 400, 'VALIDATION_ERROR', 'asset');
  });

  it('page style and cursor style each walk all rows exactly once, newest first', async () => {
    const t = await newTenant(await getApp());
    const c = await createCustomer(t.api, individualBody());
    const opened: string[] = [];
    for (let i = 0; i < 12; i++) opened.push((await openAccount(t.api, c.id, 'FIAT_TESTNET_USD', uid(`p${i}`))).id);
    const newestFirst = [...opened].reverse();

    const paged: string[] = [];
    for (let p = 0; p < 3; p++) {
      const res = await t.api.get(`${DEPOSITS}?page=${p}&page_size=5`);
      expect(res.body.data.accounts).toHaveLength(p < 2 ? 5 : 2);
      expect(res.body.pagination.has_more).toBe(p < 2);
      expect(res.body.links.next).toBe(`${DEPOSITS}?page=${p < 2 ? p + 1 : 2}&page_size=5`);
      expect(res.body.links.last).toBe(`${DEPOSITS}?page=2&page_size=5`);
      paged.push(...ids(res.body.data.accounts));
    }
    expect(paged).toEqual(newestFirst);

    const cursor = await walk(t.api, 'limit=5');
    expect(cursor).toEqual({ ids: newestFirst, pages: 3 });
    expect(await walk(t.api, 'limit=4&order=ASC')).toEqual({ ids: opened, pages: 3 });
    expect(await walk(t.api, `limit=100&customer_id=${c.id}`)).toEqual({ ids: newestFirst, pages: 1 });
  });
});

describe('tenant isolation', () => {
  it("another client's account is 404 everywhere and absent from lists", async () => {
    const app = await getApp();
    const [owner, stranger] = [await newTenant(app), await newTenant(app)];
    const c = await createCustomer(owner.api, individualBody());
    await openAccount(owner.api, c.id, 'ETHEREUM_SEPOLIA_ETH', 'private-acc');
    const url = `${DEPOSITS}/private-acc`;
    const s = stranger.api;
    expectError(await s.get(url), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(url, { status: 'FROZEN' }), 404, 'NOT_FOUND', 'id');
    expectError(await s.patch(url, { updates: [{ field: 'status', value: 'CLOSED' }] }), 404, 'NOT_FOUND', 'id');
    expectError(await s.get(`${url}/history`), 404, 'NOT_FOUND', 'id');
    expectError(await s.post(`${url}/address`), 404, 'NOT_FOUND', 'id');
    expect(await listIds(s)).toEqual([]);
    expect(await listIds(s, `customer_id=${c.id}`)).toEqual([]);
    expect(await listIds(s, 'limit=100')).toEqual([]);
    expectError(await stranger.operator.get(url), 404, 'NOT_FOUND', 'id');

    const mine = await getAccount(owner.api, 'private-acc');
    expect([mine.status, mine.customer_id]).toEqual(['OPEN', c.id]);
    expect(await historyOf(owner.api, url)).toEqual([]);
    expect(await listIds(owner.operator)).toEqual(['private-acc']);
  });
});
