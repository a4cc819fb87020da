/**
 * Delivery (CONTRACT §9) through a real HTTP receiver that verifies every signature with the
 * subscription's key. Retries are made due by moving the test's clock, never by waiting.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant, type Tenant } from '../helpers.js';
import { deliveriesOf, eventsOf, type ManualClock, manualClock, newCustomer, pass, Receiver, subscribe, until } from './_support.js';

let clock: ManualClock;
let app: FastifyInstance;
let receiver: Receiver;

beforeAll(async () => {
  clock = manualClock();
  // Tokens live on the same (moved) clock: a week-long TTL outlives the test's moves. The
  // timeout is generous: PGlite runs in this process and a busy event loop must not fail attempts.
  app = await makeApp({ WEBHOOK_WORKER: 'false', WEBHOOK_TIMEOUT_MS: '10000', TOKEN_TTL_SECONDS: '604800' }, { clock });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await app.close();
  await receiver.close();
});

const seconds = () => String(Math.floor(clock.now().getTime() / 1000));

describe('signed delivery with retries', () => {
  it('fails twice, succeeds on the third attempt, every attempt recorded and signed', async () => {
    const t = await newTenant(app);
    const path = `/retry-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    expect(sub.key).toMatch(/^[0-9a-f]{64}$/);
    receiver.expectKey(path, sub.key);
    receiver.answer(path, (n) => (n <= 2 ? 500 : 200));

    const customerId = await newCustomer(t.api);
    const [event] = await eventsOf(t.api, customerId);
    expect(event.event_type).toBe('CUSTOMER_ACTIVE');
    const firstAt = clock.now().toISOString();

    await until(
      'first attempt',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 1,
    );
    // The retry is 10 s away: nothing is due yet.
    expect(await pass(app, t.clientId)).toEqual({ dispatched: expect.any(Number), attempted: 0 });
    expect(receiver.at(path)).toHaveLength(1);

    clock.advance(10);
    const secondAt = clock.now().toISOString();
    const secondTs = seconds();
    await until(
      'second attempt',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 2,
    );
    clock.advance(29);
    expect((await pass(app, t.clientId)).attempted).toBe(0);
    clock.advance(1);
    const thirdAt = clock.now().toISOString();
    await until(
      'third attempt',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 3,
    );

    const got = receiver.at(path);
    expect(got.map((r) => r.verified)).toEqual([true, true, true]);
    expect(got.map((r) => r.eventId)).toEqual([event.id, event.id, event.id]);
    expect(got[1]?.timestamp).toBe(secondTs);
    expect(got[0]?.contentType).toBe('application/json');
    for (const r of got) {
      expect(r.body).toEqual({
        event_id: event.id,
        event_date: event.event_date,
        event_type: 'CUSTOMER_ACTIVE',
        event_data: { customer: { id: customerId, status: 'ACTIVE' } },
      });
      expect(Object.keys(r.body)).toEqual(['event_id', 'event_date', 'event_type', 'event_data']);
    }

    const [delivery, ...others] = await deliveriesOf(t.api, sub.id);
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({
      subscription_id: sub.id,
      event_id: event.id,
      event_type: 'CUSTOMER_ACTIVE',
      status: 'DELIVERED',
      attempt_count: 3,
      next_attempt_at: null,
      last_status_code: 200,
      last_error: null,
      delivered_at: thirdAt,
    });
    expect(delivery.id).toMatch(/^whd_/);
    expect(delivery.attempts.map((a: any) => [a.attempt, a.attempted_at, a.status_code, a.error, a.succeeded])).toEqual([
      [1, firstAt, 500, 'HTTP 500', false],
      [2, secondAt, 500, 'HTTP 500', false],
      [3, thirdAt, 200, null, true],
    ]);
    for (const a of delivery.attempts) expect(a.duration_ms).toBeGreaterThanOrEqual(0);

    // Delivered: nothing more is sent, however far time moves.
    clock.advance(86_400);
    expect((await pass(app, t.clientId)).attempted).toBe(0);
    expect(receiver.at(path)).toHaveLength(3);
  });

  it('records a timeout when the receiver never answers, then delivers on the retry', async () => {
    const impatient = await makeApp({ WEBHOOK_WORKER: 'false', WEBHOOK_TIMEOUT_MS: '300', TOKEN_TTL_SECONDS: '604800' }, { clock });
    try {
      await timeoutCase(impatient);
    } finally {
      await impatient.close();
    }
  });

  async function timeoutCase(impatient: FastifyInstance) {
    const t = await newTenant(impatient);
    const path = `/slow-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_FROZEN', receiver.url(path));
    receiver.expectKey(path, sub.key);
    receiver.answer(path, (n) => (n === 1 ? 'hang' : 204));
    const customerId = await newCustomer(t.api);
    const res = await t.api.patch(`/v1/customers/${customerId}`, { status: 'FROZEN' });
    expect(res.status, res.raw).toBe(200);
    const frozen = (await eventsOf(t.api, customerId)).filter((e) => e.event_type === 'CUSTOMER_FROZEN');
    expect(frozen).toHaveLength(1);

    const failed = await until(
      'the timed-out attempt',
      () => pass(impatient, t.clientId),
      async () => (await deliveriesOf(t.api, sub.id)).find((d) => d.attempt_count === 1),
    );
    expect(failed).toMatchObject({ status: 'PENDING', last_status_code: null, last_error: 'timeout: no answer within 300 ms' });
    expect(failed.attempts[0]).toMatchObject({ status_code: null, error: 'timeout: no answer within 300 ms', succeeded: false });
    expect(failed.next_attempt_at).toBe(new Date(clock.now().getTime() + 10_000).toISOString());

    clock.advance(10);
    await until(
      'the retry',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 2,
    );
    const [delivered] = await deliveriesOf(t.api, sub.id);
    expect(delivered).toMatchObject({ status: 'DELIVERED', attempt_count: 2, last_status_code: 204 });
    expect(receiver.at(path).map((r) => [r.verified, r.eventId, r.body.event_data])).toEqual([
      [true, frozen[0].id, { customer: { id: customerId, status: 'FROZEN' } }],
      [true, frozen[0].id, { customer: { id: customerId, status: 'FROZEN' } }],
    ]);
  }

  it('gives up after the sandbox schedule (8 attempts), and redeliver sends it again', async () => {
    const t = await newTenant(app);
    const path = `/down-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    let up = false;
    receiver.answer(path, () => (up ? 200 : 503));
    const customerId = await newCustomer(t.api);
    const [event] = await eventsOf(t.api, customerId);

    const waits = [10, 30, 60, 120, 300, 600, 600];
    await until(
      'attempt 1',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 1,
    );
    for (const [i, wait] of waits.entries()) {
      clock.advance(wait);
      await until(
        `attempt ${i + 2}`,
        () => pass(app, t.clientId),
        () => receiver.at(path).length === i + 2,
      );
    }
    const [failed] = await deliveriesOf(t.api, sub.id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      attempt_count: 8,
      next_attempt_at: null,
      last_status_code: 503,
      last_error: 'HTTP 503',
    });
    expect(failed.attempts.map((a: any) => a.status_code)).toEqual([503, 503, 503, 503, 503, 503, 503, 503]);
    clock.advance(3 * 86_400);
    expect((await pass(app, t.clientId)).attempted).toBe(0);
    expect(receiver.at(path)).toHaveLength(8);

    up = true;
    const re = await t.api.post(`/v1/events/${event.id}/redeliver`);
    expect(re.status, re.raw).toBe(200);
    expect(re.body).toEqual({ data: { id: event.id, deliveries: 1 } });
    await until(
      'the redelivery',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 9,
    );
    const [again, old] = await deliveriesOf(t.api, sub.id);
    expect(again).toMatchObject({ status: 'DELIVERED', attempt_count: 1, event_id: event.id });
    expect(old).toMatchObject({ id: failed.id, status: 'FAILED', attempt_count: 8 });
    expect(receiver.at(path).every((r) => r.verified && r.eventId === event.id)).toBe(true);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const t = await newTenant(app);
    const path = `/moved-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    receiver.answer(path, () => 302);
    await newCustomer(t.api);
    const d = await until(
      'the attempt',
      () => pass(app, t.clientId),
      async () => (await deliveriesOf(t.api, sub.id)).find((x) => x.attempt_count === 1),
    );
    expect(d).toMatchObject({ status: 'PENDING', last_status_code: 302, last_error: 'HTTP 302: redirects are not followed' });
  });

  it('records a connection error and keeps retrying', async () => {
    const t = await newTenant(app);
    const closed = await new Receiver().start();
    const url = closed.url('/gone');
    await closed.close();
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', url);
    await newCustomer(t.api);
    const d = await until(
      'the attempt',
      () => pass(app, t.clientId),
      async () => (await deliveriesOf(t.api, sub.id)).find((x) => x.attempt_count === 1),
    );
    expect(d.status).toBe('PENDING');
    expect(d.last_status_code).toBeNull();
    expect(d.last_error).toMatch(/ECONNREFUSED/);
  });
});

describe('who gets what', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant(app);
  });

  it('sends each event to the live subscriptions of its type that existed when it happened', async () => {
    const early = `/early-${t.clientId}`;
    const other = `/other-${t.clientId}`;
    const late = `/late-${t.clientId}`;
    const a = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(early));
    const b = await subscribe(t.api, 'CUSTOMER_CLOSED', receiver.url(other));
    receiver.expectKey(early, a.key);
    receiver.expectKey(other, b.key);
    const first = await newCustomer(t.api);
    clock.advance(1);
    const c = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(late));
    receiver.expectKey(late, c.key);
    clock.advance(1);
    const second = await newCustomer(t.api);

    await until(
      'both events at the early subscription, the second at the late one',
      () => pass(app, t.clientId),
      () => receiver.at(early).length === 2 && receiver.at(late).length === 1,
    );
    await pass(app, t.clientId);
    expect(
      receiver
        .at(early)
        .map((r) => [r.verified, r.body.event_data.customer.id])
        .sort(),
    ).toEqual(
      [
        [true, first],
        [true, second],
      ].sort(),
    );
    expect(receiver.at(late).map((r) => [r.verified, r.body.event_data.customer.id])).toEqual([[true, second]]);
    expect(receiver.at(other)).toEqual([]);
    expect(await deliveriesOf(t.api, b.id)).toEqual([]);
    expect((await deliveriesOf(t.api, c.id)).map((d) => d.status)).toEqual(['DELIVERED']);
  });

  it('a deleted subscription gets nothing more: its pending deliveries are CANCELLED', async () => {
    const u = await newTenant(app);
    const path = `/deleted-${u.clientId}`;
    const sub = await subscribe(u.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    receiver.answer(path, () => 500);
    const customerId = await newCustomer(u.api);
    const [event] = await eventsOf(u.api, customerId);
    await until(
      'the first attempt',
      () => pass(app, u.clientId),
      () => receiver.at(path).length === 1,
    );

    const del = await u.api.delete(`/v1/subscriptions/${sub.id}`);
    expect(del.status, del.raw).toBe(200);
    clock.advance(3600);
    expect((await pass(app, u.clientId)).attempted).toBe(0);
    expect(receiver.at(path)).toHaveLength(1);
    const res = await u.api.get(`/v1/events/${event.id}/deliveries`);
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.deliveries.map((d: any) => [d.subscription_id, d.status, d.attempt_count, d.last_error])).toEqual([
      [sub.id, 'CANCELLED', 1, 'subscription deleted'],
    ]);
    // Redeliver goes to live subscriptions only: there are none.
    const re = await u.api.post(`/v1/events/${event.id}/redeliver`, {});
    expect(re.body).toEqual({ data: { id: event.id, deliveries: 0 } });
  });

  it('redeliver to one subscription, and refuses one of another type or tenant', async () => {
    const u = await newTenant(app);
    const one = `/one-${u.clientId}`;
    const two = `/two-${u.clientId}`;
    const s1 = await subscribe(u.api, 'CUSTOMER_ACTIVE', receiver.url(one));
    const s2 = await subscribe(u.api, 'CUSTOMER_ACTIVE', receiver.url(two));
    const s3 = await subscribe(u.api, 'CUSTOMER_FROZEN', receiver.url(two));
    receiver.expectKey(one, s1.key);
    receiver.expectKey(two, s2.key);
    const customerId = await newCustomer(u.api);
    const [event] = await eventsOf(u.api, customerId);
    await until(
      'both deliveries',
      () => pass(app, u.clientId),
      () => receiver.at(one).length === 1 && receiver.at(two).length === 1,
    );

    const re = await u.api.post(`/v1/events/${event.id}/redeliver`, { subscription_id: s2.id });
    expect(re.body).toEqual({ data: { id: event.id, deliveries: 1 } });
    await until(
      'the redelivery',
      () => pass(app, u.clientId),
      () => receiver.at(two).length === 2,
    );
    expect(receiver.at(one)).toHaveLength(1);
    expect(receiver.at(two).every((r) => r.verified && r.eventId === event.id)).toBe(true);

    const wrongType = await u.api.post(`/v1/events/${event.id}/redeliver`, { subscription_id: s3.id });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ code: 'VALIDATION_ERROR', field: 'subscription_id' })]);
    const other = await newTenant(app);
    const foreign = await subscribe(other.api, 'CUSTOMER_ACTIVE', receiver.url('/foreign'));
    const notMine = await u.api.post(`/v1/events/${event.id}/redeliver`, { subscription_id: foreign.id });
    expect(notMine.status).toBe(404);
    expect(notMine.body.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'subscription_id' })]);
    const unknownField = await u.api.post(`/v1/events/${event.id}/redeliver`, { subscription: s2.id });
    expect(unknownField.status).toBe(400);
  });

  it('several workers share the work: each event is sent once when every attempt succeeds', { timeout: 90_000 }, async () => {
    const u = await newTenant(app);
    const path = `/shared-${u.clientId}`;
    const sub = await subscribe(u.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await newCustomer(u.api));
    const second = await makeApp({ WEBHOOK_WORKER: 'false', TOKEN_TTL_SECONDS: '604800' }, { clock });
    try {
      await until(
        'every event',
        () => Promise.all([pass(app, u.clientId), pass(second, u.clientId), pass(app, u.clientId)]),
        () => receiver.at(path).length >= ids.length,
      );
      await Promise.all([pass(app, u.clientId), pass(second, u.clientId)]);
    } finally {
      await second.close();
    }
    const got = receiver.at(path);
    expect(got).toHaveLength(ids.length);
    expect(got.every((r) => r.verified)).toBe(true);
    expect(got.map((r) => r.body.event_data.customer.id).sort()).toEqual([...ids].sort());
    expect(new Set(got.map((r) => r.eventId)).size).toBe(ids.length);
  });
});

describe('production URL rules at delivery time', () => {
  it('refuses, without connecting, a callback that is not https or resolves to a loopback address', async () => {
    // Subscriptions made in sandbox (where localhost is fine), delivered by a production worker.
    const t = await newTenant(app);
    const plain = `/plain-${t.clientId}`;
    const local = `/local-${t.clientId}`;
    const a = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(plain));
    const b = await subscribe(t.api, 'CUSTOMER_ACTIVE', `https://localhost:${receiver.port}${local}`);
    await newCustomer(t.api);
    const production = await makeApp({ LEDGERLINE_MODE: 'production', WEBHOOK_WORKER: 'false', TOKEN_TTL_SECONDS: '604800' }, { clock });
    try {
      const attempted = async (id: string) => (await deliveriesOf(t.api, id)).find((d) => d.attempt_count === 1);
      await until(
        'both attempts',
        () => pass(production, t.clientId),
        async () => (await attempted(a.id)) && (await attempted(b.id)),
      );
      const [da] = await deliveriesOf(t.api, a.id);
      const [db] = await deliveriesOf(t.api, b.id);
      expect(da).toMatchObject({
        status: 'PENDING',
        last_status_code: null,
        last_error: 'refused: callback_url must use https in production.',
      });
      expect(db.status).toBe('PENDING');
      expect(db.last_error).toMatch(/^refused: callback_url must reach a public address; (127\.0\.0\.1|::1) is loopback\.$/);
      expect(db.attempts[0]).toMatchObject({ attempt: 1, status_code: null, succeeded: false });
      expect(receiver.at(plain)).toEqual([]);
      expect(receiver.at(local)).toEqual([]);
    } finally {
      await production.close();
    }
  });
});
