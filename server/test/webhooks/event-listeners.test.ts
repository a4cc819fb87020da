/**
 * Event listeners (CONTRACT §16, `ledgerline listen`): a client's new events as server-sent
 * events, each signed as a webhook delivery (§9) with the listener's own key.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, makeApp, newTenant, type Tenant, uid } from '../helpers.js';
import { openAccount } from '../ledger/_fixtures.js';
import { verifySignature } from './_support.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await makeApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** An open stream: events as they come, parsed from the text/event-stream body. */
async function openStream(t: Tenant, listenerId: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/event-listeners/${listenerId}/stream`, {
    headers: { authorization: `Bearer ${t.api.token}`, ...headers },
    signal: controller.signal,
  });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended: Promise<string> = Promise.resolve('ended');
  if (res.ok && res.body) {
    ended = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const e: SseEvent = { data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const [field, ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              if (field === 'id') e.id = value;
              else if (field === 'event') e.event = value;
              else if (field === 'data') e.data += value;
            }
            if (e.data) {
              queue.push(e);
              for (const w of waiters.splice(0)) w();
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        return 'aborted';
      }
      return 'ended';
    })();
  }
  return {
    res,
    ended,
    close: () => controller.abort(),
    /** The n-th event (0-based), waiting for it (bounded). */
    async nth(n: number, ms = 15_000): Promise<SseEvent> {
      const deadline = Date.now() + ms;
      while (queue.length <= n) {
        if (Date.now() > deadline) throw new Error(`no event #${n} within ${ms} ms (got ${queue.length})`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return queue[n] as SseEvent;
    },
    received: () => queue.length,
  };
}

async function newCustomer(t: Tenant): Promise<string> {
  const id = uid('evl');
  const res = await t.api.post('/v1/customers', corporationBody(id));
  expect(res.status, res.raw).toBe(200);
  return id;
}

async function createListener(t: Tenant, body?: unknown) {
  const res = await t.api.post('/v1/event-listeners', body);
  expect(res.status, res.raw).toBe(200);
  return res.body.data as { id: string; signature_verification_key: string; event_types: string[] | null };
}

describe('event listeners', () => {
  it('streams the client’s new events, each signed with the listener’s key as a webhook delivery', async () => {
    const t = await newTenant(app);
    const before = await newCustomer(t); // before the listener: not streamed
    const listener = await createListener(t);
    expect(listener.id).toMatch(/^evl_/);
    expect(listener.signature_verification_key).toMatch(/^[0-9a-f]{64}$/);
    expect(listener.event_types).toBeNull();
    const stream = await openStream(t, listener.id);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get('x-l2f-request-id')).toMatch(/^req_/);
    try {
      const id = await newCustomer(t);
      const e = await stream.nth(0);
      expect(e.event).toBe('event');
      const { headers, body } = JSON.parse(e.data) as { headers: Record<string, string>; body: string };
      const event = JSON.parse(body);
      expect(event).toEqual({
        event_id: e.id,
        event_date: expect.any(String),
        event_type: 'CUSTOMER_ACTIVE',
        event_data: { customer: { id, status: 'ACTIVE' } },
      });
      expect(Object.keys(event)).toEqual(['event_id', 'event_date', 'event_type', 'event_data']);
      expect(headers['x-l2f-event-id']).toBe(e.id);
      expect(Math.abs(Number(headers['x-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
      expect(
        verifySignature(listener.signature_verification_key, headers['x-timestamp'] as string, body, headers['x-signature'] as string),
      ).toBe(true);
      expect(
        verifySignature(
          listener.signature_verification_key,
          headers['x-timestamp'] as string,
          body.replace(id, before),
          headers['x-signature'] as string,
        ),
      ).toBe(false);
      // The event is the one the events API shows.
      const stored = await t.api.get(`/v1/events/${e.id}`);
      expect(stored.body.data).toMatchObject({ event_type: 'CUSTOMER_ACTIVE', resource_id: id });
      expect(stream.received()).toBe(1);
    } finally {
      stream.close();
    }
  });

  it('streams only the listener’s event types, and never another client’s events', async () => {
    const t = await newTenant(app);
    const other = await newTenant(app);
    const listener = await createListener(t, { event_types: ['CUSTOMER_ACTIVE'] });
    expect(listener.event_types).toEqual(['CUSTOMER_ACTIVE']);
    const stream = await openStream(t, listener.id);
    try {
      await newCustomer(other); // another tenant's event
      await openAccount(t, await newCustomer(t)); // CUSTOMER_ACTIVE, then ACCOUNT_OPEN: filtered out
      const mine = await newCustomer(t);
      const first = JSON.parse(JSON.parse((await stream.nth(0)).data).body);
      const second = JSON.parse(JSON.parse((await stream.nth(1)).data).body);
      expect([first.event_type, second.event_type]).toEqual(['CUSTOMER_ACTIVE', 'CUSTOMER_ACTIVE']);
      const types = (await t.api.get('/v1/events')).body.data.events.map((e: { event_type: string }) => e.event_type);
      expect(types).toContain('ACCOUNT_OPEN');
      expect(second.event_data.customer.id).toBe(mine); // no ACCOUNT_OPEN in between, nothing of the other client
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID', async () => {
    const t = await newTenant(app);
    const listener = await createListener(t);
    const a = await newCustomer(t);
    const b = await newCustomer(t);
    const events = await t.api.get(`/v1/events?resource_id=${a}`);
    const afterA = events.body.data.events[0].id as string;
    const stream = await openStream(t, listener.id, { 'last-event-id': afterA });
    try {
      const e = await stream.nth(0);
      expect(JSON.parse(JSON.parse(e.data).body).event_data.customer.id).toBe(b);
    } finally {
      stream.close();
    }
  });

  it('is the client’s own: another client gets 404; deleted, it is gone', async () => {
    const t = await newTenant(app);
    const other = await newTenant(app);
    const listener = await createListener(t);
    const stream = await openStream(t, listener.id);
    const foreign = await fetch(`${base}/v1/event-listeners/${listener.id}/stream`, {
      headers: { authorization: `Bearer ${other.api.token}` },
    });
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('NOT_FOUND');
    expect((await other.api.delete(`/v1/event-listeners/${listener.id}`)).status).toBe(404);
    const deleted = await t.api.delete(`/v1/event-listeners/${listener.id}`);
    expect(deleted.status, deleted.raw).toBe(200);
    expect(deleted.body.data).toEqual({ id: listener.id });
    // Its open stream ends (it checks every few seconds).
    const ended = await Promise.race([stream.ended, new Promise((r) => setTimeout(() => r('still open'), 15_000))]);
    expect(ended).toBe('ended');
    expect((await t.api.get(`/v1/event-listeners/${listener.id}/stream`)).status).toBe(404);
    expect((await t.api.delete(`/v1/event-listeners/${listener.id}`)).status).toBe(404);
  });

  it('refuses unknown event types and fields, and tokens without the subscriptions scopes', async () => {
    const t = await newTenant(app);
    const bad = await t.api.post('/v1/event-listeners', { event_types: ['NOPE'], colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { code: string }) => e.code)).toEqual(['VALIDATION_ERROR', 'VALIDATION_ERROR']);
    const readOnly = await newTenant(app, { tokenScope: 'subscriptions:read' });
    const refused = await readOnly.api.post('/v1/event-listeners', {});
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('INSUFFICIENT_SCOPE');
    const noRead = await newTenant(app, { tokenScope: 'customers:read' });
    const listener = await createListener(t);
    expect((await noRead.api.get(`/v1/event-listeners/${listener.id}/stream`)).status).toBe(403);
    // No body, an empty JSON body and {} all make a listener (CONTRACT §2).
    expect((await t.api.post('/v1/event-listeners')).status).toBe(200);
    expect((await t.api.post('/v1/event-listeners', '', { 'content-type': 'application/json' })).status).toBe(200);
  });
});
