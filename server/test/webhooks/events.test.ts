/** Events API (CONTRACT §9 additions): GET /v1/events, GET /v1/events/{id}; redeliver and deliveries of an event. */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { newCustomer } from './_support.js';

describe('events API', () => {
  let app: FastifyInstance;
  let t: Tenant;
  let other: Tenant;
  let first: string;
  let second: string;
  beforeAll(async () => {
    app = await getApp();
    t = await newTenant(app);
    other = await newTenant(app);
    first = await newCustomer(t.api);
    second = await newCustomer(t.api);
    const res = await t.api.patch(`/v1/customers/${first}`, { status: 'FROZEN' });
    expect(res.status, res.raw).toBe(200);
    await newCustomer(other.api);
  });

  it("lists the client's events newest first, as the webhook envelope shows them", async () => {
    const res = await t.api.get('/v1/events');
    expect(res.status, res.raw).toBe(200);
    const events = res.body.data.events;
    expect(events.map((e: any) => [e.event_type, e.resource_type, e.resource_id, e.event_data])).toEqual([
      ['CUSTOMER_FROZEN', 'customer', first, { customer: { id: first, status: 'FROZEN' } }],
      ['CUSTOMER_ACTIVE', 'customer', second, { customer: { id: second, status: 'ACTIVE' } }],
      ['CUSTOMER_ACTIVE', 'customer', first, { customer: { id: first, status: 'ACTIVE' } }],
    ]);
    for (const e of events) {
      expect(e.id).toMatch(/^evt_/);
      expect(Object.keys(e)).toEqual(['id', 'event_type', 'event_date', 'resource_type', 'resource_id', 'event_data']);
    }
    const asc = await t.api.get('/v1/events?order=ASC');
    expect(asc.body.data.events.map((e: any) => e.id)).toEqual([...events].reverse().map((e: any) => e.id));
  });

  it('filters by event_type, resource_type and resource_id; pages both ways', async () => {
    const frozen = await t.api.get('/v1/events?event_type=CUSTOMER_FROZEN');
    expect(frozen.body.data.events.map((e: any) => e.resource_id)).toEqual([first]);
    const ofFirst = await t.api.get(`/v1/events?resource_type=customer&resource_id=${first}`);
    expect(ofFirst.body.data.events.map((e: any) => e.event_type)).toEqual(['CUSTOMER_FROZEN', 'CUSTOMER_ACTIVE']);
    expect(ofFirst.body.links.self).toBe(`/v1/events?resource_type=customer&resource_id=${first}&page=0&page_size=20`);
    expect((await t.api.get('/v1/events?resource_type=account')).body.data.events).toEqual([]);

    const all = (await t.api.get('/v1/events')).body.data.events.map((e: any) => e.id);
    const p = await t.api.get('/v1/events?page=1&page_size=2');
    expect(p.body.data.events.map((e: any) => e.id)).toEqual(all.slice(2));
    const c1 = await t.api.get('/v1/events?limit=2');
    expect(c1.body.pagination.has_more).toBe(true);
    const c2 = await t.api.get(`/v1/events?limit=2&cursor=${c1.body.pagination.next_cursor}`);
    expect([...c1.body.data.events, ...c2.body.data.events].map((e: any) => e.id)).toEqual(all);
    expect(c2.body.pagination).toEqual({ has_more: false, next_cursor: null });
    expect((await t.api.get('/v1/events?page=0&limit=2')).status).toBe(400);
  });

  it('retrieves one event; another client gets 404 for it', async () => {
    const [latest] = (await t.api.get('/v1/events')).body.data.events;
    const res = await t.api.get(`/v1/events/${latest.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: latest });
    for (const r of [
      await other.api.get(`/v1/events/${latest.id}`),
      await other.api.get(`/v1/events/${latest.id}/deliveries`),
      await other.api.post(`/v1/events/${latest.id}/redeliver`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
    }
    expect((await t.api.get('/v1/events/evt_nope')).status).toBe(404);
    const theirs = (await other.api.get('/v1/events')).body.data.events;
    expect(theirs).toHaveLength(1);
    expect(theirs[0].id).not.toBe(latest.id);
  });

  it('redeliver with no subscription answers 0 deliveries; the operator may act for the client', async () => {
    const [latest] = (await t.api.get('/v1/events')).body.data.events;
    expect((await t.api.post(`/v1/events/${latest.id}/redeliver`)).body).toEqual({ data: { id: latest.id, deliveries: 0 } });
    const byOperator = await t.operator.get(`/v1/events/${latest.id}`);
    expect(byOperator.status).toBe(200);
    const deliveries = await t.api.get(`/v1/events/${latest.id}/deliveries`);
    expect(deliveries.body.data.deliveries).toEqual([]);
  });
});
