/**
 * The operator's suspense and clients lists page like every other list (CONTRACT §2, §3): limit and
 * cursor (or page and page_size), links and pagination in the envelope, newest first, filters
 * carried in the links; a bad cursor or size is a 400 VALIDATION_ERROR. The console pages them.
 */
import { describe, expect, it } from 'vitest';
import { type Api, getApp, newTenant, OPERATOR, operatorApi } from '../helpers.js';
import { expectError, ok, USD } from '../money/_fixtures.js';

/** Walks a cursor-style list until every wanted id was seen; returns the ids in the walk's order. */
async function walk(op: Api, first: string, key: string, wanted: string[]) {
  const seen: string[] = [];
  const pages: { size: number; body: any }[] = [];
  let url: string | null = first;
  while (url && !wanted.every((id) => seen.includes(id))) {
    const res: { status: number; raw: string; body: any } = await op.get(url);
    expect(res.status, res.raw).toBe(200);
    const items = res.body.data[key] as { id?: string; client_id?: string }[];
    seen.push(...items.map((i) => (i.id ?? i.client_id) as string));
    pages.push({ size: items.length, body: res.body });
    const cursor = res.body.pagination.next_cursor as string | null;
    expect(res.body.pagination.has_more).toBe(cursor !== null);
    url = cursor ? res.body.links.next : null;
  }
  return { seen, pages };
}

describe('GET /v1/admin/suspense pages', () => {
  it('cursor style: limit per page, next_cursor followed through links.next, newest first, rail filter kept', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const op = await operatorApi(app);
    const ids: string[] = [];
    for (const memo of ['PAGEA', 'PAGEB', 'PAGEC']) {
      const r = await ok(
        t.api.post('/v1/simulations/deposits', { rail: 'SWIFT', asset_type_id: USD, amount: '1.00', memo: `${memo}${Date.now()}` }),
      );
      expect(r.matched).toBe(false);
      ids.push(r.id);
    }
    // Another rail: filtered out.
    const fedwire = await ok(
      t.api.post('/v1/simulations/deposits', { rail: 'FEDWIRE', asset_type_id: USD, amount: '2.00', memo: `X${Date.now()}` }),
    );

    const { seen, pages } = await walk(op, '/v1/admin/suspense?limit=2&rail=SWIFT', 'items', ids);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) expect(p.size).toBeLessThanOrEqual(2);
    expect(pages[0]?.size).toBe(2);
    // Newest first: the last one sent comes first.
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
    expect(seen).not.toContain(fedwire.id);
    const links = pages[0]?.body.links;
    expect(links.first).toBe('/v1/admin/suspense?rail=SWIFT&limit=2');
    expect(links.self).toBe('/v1/admin/suspense?rail=SWIFT&limit=2');
    expect(links.next).toBe(`/v1/admin/suspense?rail=SWIFT&limit=2&cursor=${pages[0]?.body.pagination.next_cursor}`);
    // Every listed item is in suspense and on the rail asked for.
    for (const p of pages) for (const item of p.body.data.items) expect([item.status, item.rail]).toEqual(['SUSPENSE', 'SWIFT']);
  });

  it('page style answers links to pages; a bad cursor or limit is VALIDATION_ERROR', async () => {
    const app = await getApp();
    const op = await operatorApi(app);
    const page = await op.get('/v1/admin/suspense?page=0&page_size=1');
    expect(page.status).toBe(200);
    expect(page.body.data.items.length).toBeLessThanOrEqual(1);
    expect(page.body.links.first).toBe('/v1/admin/suspense?page=0&page_size=1');
    expectError(await op.get('/v1/admin/suspense?cursor=bm90LWEtY3Vyc29y'), 400, 'VALIDATION_ERROR', 'cursor');
    expectError(await op.get('/v1/admin/suspense?limit=101'), 400, 'VALIDATION_ERROR', 'limit');
    expectError(await op.get('/v1/admin/suspense?limit=2&page=1'), 400, 'VALIDATION_ERROR', 'page');
  });
});

describe('GET /v1/admin/clients pages', () => {
  it('cursor style over the tenants (never the operator), newest first; regulated filters', async () => {
    const app = await getApp();
    const op = await operatorApi(app);
    const regulated = [await newTenant(app), await newTenant(app), await newTenant(app)].map((t) => t.clientId);
    const unregulated = (await newTenant(app, { regulated: false })).clientId;

    const { seen, pages } = await walk(op, '/v1/admin/clients?limit=2&regulated=true', 'clients', regulated);
    expect(pages[0]?.size).toBe(2);
    for (const p of pages) expect(p.size).toBeLessThanOrEqual(2);
    expect(seen.filter((id) => regulated.includes(id))).toEqual([...regulated].reverse());
    expect(seen).not.toContain(unregulated);
    expect(seen).not.toContain(OPERATOR.id);
    for (const p of pages) for (const c of p.body.data.clients) expect(c.regulated).toBe(true);
    expect(pages[0]?.body.links.next).toBe(`/v1/admin/clients?regulated=true&limit=2&cursor=${pages[0]?.body.pagination.next_cursor}`);

    const unreg = await walk(op, '/v1/admin/clients?limit=100&regulated=false', 'clients', [unregulated]);
    expect(unreg.seen).toContain(unregulated);
    for (const p of unreg.pages) for (const c of p.body.data.clients) expect(c.regulated).toBe(false);

    expectError(await op.get('/v1/admin/clients?regulated=maybe'), 400, 'VALIDATION_ERROR');
    expectError(await op.get('/v1/admin/clients?cursor=bm90LWEtY3Vyc29y'), 400, 'VALIDATION_ERROR', 'cursor');
  });
});
