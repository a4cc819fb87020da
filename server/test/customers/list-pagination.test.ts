import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type Api, getApp, individualBody, newTenant, uid } from '../helpers.js';
import { createCustomer, expectError } from './_fixtures.js';

/** A tenant with n customers; ids in creation order. */
async function seeded(app: FastifyInstance, n: number) {
  const t = await newTenant(app);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await createCustomer(t.api, individualBody(uid(`p${i}`)))).id);
  return { t, ids };
}

/** Walks a cursor list from its first page; returns the ids in order and the number of pages. */
async function walk(api: Api, query: string, between?: (pageNo: number) => Promise<void>) {
  const ids: string[] = [];
  let url = `/v1/customers?${query}`;
  let pages = 0;
  for (;;) {
    const res = await api.get(url);
    expect(res.status, res.raw).toBe(200);
    pages++;
    ids.push(...res.body.data.customers.map((c: { id: string }) => c.id));
    const { has_more, next_cursor } = res.body.pagination;
    expect(has_more).toBe(next_cursor !== null);
    if (next_cursor === null) {
      // The last page: next and last are this page (five string links, never null).
      expect(res.body.links.next).toBe(res.body.links.self);
      expect(res.body.links.last).toBe(res.body.links.self);
      return { ids, pages };
    }
    expect(res.body.links.next).toBe(`/v1/customers?${query}&cursor=${next_cursor}`);
    await between?.(pages);
    url = `/v1/customers?${query}&cursor=${encodeURIComponent(next_cursor)}`;
  }
}

describe('GET /v1/customers pagination', () => {
  it('page style walks every row once, newest first, with exact links', async () => {
    const { t, ids } = await seeded(await getApp(), 23);
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    const link = (p: number) => `/v1/customers?page=${p}&page_size=5`;
    for (let p = 0; p <= 4; p++) {
      const res = await t.api.get(link(p));
      expect(res.status).toBe(200);
      const page = res.body.data.customers.map((c: { id: string }) => c.id);
      expect(page).toEqual(newestFirst.slice(p * 5, p * 5 + 5));
      expect(page).toHaveLength(p < 4 ? 5 : 3);
      seen.push(...page);
      expect(res.body.links).toEqual({
        self: link(p),
        first: link(0),
        prev: link(p > 0 ? p - 1 : 0),
        next: link(p < 4 ? p + 1 : 4),
        last: link(4),
      });
      expect(res.body.pagination.has_more).toBe(p < 4);
    }
    expect(seen).toEqual(newestFirst);
    const beyond = await t.api.get(link(5));
    expect(beyond.status).toBe(200);
    expect(beyond.body.data.customers).toEqual([]);
    expect(beyond.body.pagination.has_more).toBe(false);
  });

  it('defaults to page 0 with page_size 20', async () => {
    const { t, ids } = await seeded(await getApp(), 21);
    const res = await t.api.get('/v1/customers');
    expect(res.body.data.customers.map((c: { id: string }) => c.id)).toEqual([...ids].reverse().slice(0, 20));
    expect(res.body.links.self).toBe('/v1/customers?page=0&page_size=20');
    expect(res.body.links.last).toBe('/v1/customers?page=1&page_size=20');
    expect(res.body.pagination.has_more).toBe(true);
  });

  it('cursor style walks every row exactly once, newest first', async () => {
    const { t, ids } = await seeded(await getApp(), 23);
    const { ids: walked, pages } = await walk(t.api, 'limit=5');
    expect(pages).toBe(5);
    expect(new Set(walked).size).toBe(23);
    expect(walked).toEqual([...ids].reverse());
  });

  it('a cursor walk is stable while customers are inserted', async () => {
    const app = await getApp();
    const { t, ids } = await seeded(app, 12);
    const added: string[] = [];
    const { ids: walked } = await walk(t.api, 'limit=5', async () => {
      for (let i = 0; i < 3; i++) added.push((await createCustomer(t.api, individualBody(uid('new')))).id);
    });
    expect(walked).toEqual([...ids].reverse());
    expect(walked.filter((id) => added.includes(id))).toEqual([]);
    expect(added).toHaveLength(6);
    const fresh = await walk(t.api, 'limit=100');
    expect(fresh.ids).toEqual([...ids, ...added].reverse());
  });

  it('order=ASC walks oldest first in both styles', async () => {
    const { t, ids } = await seeded(await getApp(), 7);
    const { ids: walked, pages } = await walk(t.api, 'limit=3&order=ASC');
    expect(walked).toEqual(ids);
    expect(pages).toBe(3);
    const res = await t.api.get('/v1/customers?page=1&page_size=3&order=ASC');
    expect(res.body.data.customers.map((c: { id: string }) => c.id)).toEqual(ids.slice(3, 6));
    expect(res.body.links.self).toBe('/v1/customers?page=1&page_size=3&order=ASC');
    expect(res.body.links.last).toBe('/v1/customers?page=2&page_size=3&order=ASC');
  });

  it('refuses bad pagination parameters', async () => {
    const { t } = await seeded(await getApp(), 2);
    const first = await t.api.get('/v1/customers?limit=1');
    const descCursor = first.body.pagination.next_cursor as string;
    expect(descCursor).toEqual(expect.any(String));
    expectError(await t.api.get('/v1/customers?cursor=not-a-cursor'), 400, 'VALIDATION_ERROR', 'cursor');
    expectError(await t.api.get(`/v1/customers?cursor=${descCursor}&order=ASC`), 400, 'VALIDATION_ERROR', 'cursor');
    expectError(await t.api.get('/v1/customers?page_size=0'), 400, 'VALIDATION_ERROR', 'page_size');
    expectError(await t.api.get('/v1/customers?page_size=101'), 400, 'VALIDATION_ERROR', 'page_size');
    expectError(await t.api.get('/v1/customers?limit=0'), 400, 'VALIDATION_ERROR', 'limit');
    expectError(await t.api.get('/v1/customers?limit=101'), 400, 'VALIDATION_ERROR', 'limit');
    expectError(await t.api.get(`/v1/customers?page=0&cursor=${descCursor}`), 400, 'VALIDATION_ERROR', 'page');
    expectError(await t.api.get('/v1/customers?page=-1'), 400, 'VALIDATION_ERROR', 'page');
    const max = await t.api.get('/v1/customers?page_size=100');
    expect(max.status).toBe(200);
    expect(max.body.data.customers).toHaveLength(2);
  });
});
