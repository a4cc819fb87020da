import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/platform/rate-limit.js';
import { Api, getApp, makeApp, newTenant, type Response } from '../helpers.js';

describe('rate limit (RATE_LIMIT_PER_SECOND)', () => {
  let limited: FastifyInstance;
  let off: FastifyInstance;
  beforeAll(async () => {
    limited = await makeApp({ RATE_LIMIT_PER_SECOND: '2' });
    off = await makeApp({ RATE_LIMIT_PER_SECOND: '0' });
  });
  afterAll(async () => {
    await limited.close();
    await off.close();
  });

  it('a burst from one client gets 429 RATE_LIMITED with Retry-After; another client is not limited', async () => {
    // Tenants are made on the shared app (same database and signing key) so the operator's
    // own requests do not eat into the limited app's buckets.
    const shared = await getApp();
    const a = await newTenant(shared);
    const b = await newTenant(shared);
    const apiA = new Api(limited, a.api.token);
    const apiB = new Api(limited, b.api.token);

    const burst: Response[] = [];
    for (let i = 0; i < 20; i++) burst.push(await apiA.get('/v1/customers'));
    const limitedOnes = burst.filter((r) => r.status === 429);
    expect(limitedOnes.length).toBeGreaterThan(0);
    expect(burst.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(burst[0]?.status).toBe(200);
    for (const r of limitedOnes) {
      expect(r.body).toEqual({ errors: [{ code: 'RATE_LIMITED', description: 'Too many requests for this client.' }] });
      const retryAfter = r.headers['retry-after'];
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect([r.headers['x-ratelimit-limit'], r.headers['x-ratelimit-remaining']]).toEqual(['4', '0']);
      expect(Number(r.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    }
    // Admitted answers carry the standard headers too.
    expect(burst[0]?.headers['x-ratelimit-limit']).toBe('4');
    expect(burst[0]?.headers['x-ratelimit-remaining']).toBe('3');
    expect(burst[0]?.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    expect(burst[0]?.headers['retry-after']).toBeUndefined();

    const other = await apiB.get('/v1/customers');
    expect(other.status).toBe(200);
    expect(other.headers['retry-after']).toBeUndefined();
  });

  it('concurrent bursts are limited too', async () => {
    const shared = await getApp();
    const a = await newTenant(shared);
    const api = new Api(limited, a.api.token);
    const all = await Promise.all(Array.from({ length: 20 }, () => api.get('/v1/customers')));
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  it('0 turns the limit off: 50 requests in a row all answer 200, without rate-limit headers', async () => {
    const t = await newTenant(off);
    for (let i = 0; i < 50; i++) {
      const res = await t.api.get('/v1/customers');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('refusals are counted in /metrics (ledgerline_rate_limited_total, limiter api_client)', async () => {
    const shared = await getApp();
    const a = await newTenant(shared);
    const api = new Api(limited, a.api.token);
    for (let i = 0; i < 12; i++) await api.get('/v1/customers');
    const text = (await limited.inject({ method: 'GET', url: '/metrics' })).body;
    const m = /^ledgerline_rate_limited_total\{limiter="api_client"\} (\d+)$/m.exec(text);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(8);
  });
});

describe('createRateLimiter (unit, controlled time)', () => {
  it('allows twice the rate as a burst, then answers the seconds to wait, and refills', () => {
    let ms = 0;
    const limiter = createRateLimiter(2, () => ms);
    const wait = (key: string) => limiter.take(key)?.retryAfter;
    expect([wait('a'), wait('a'), wait('a'), wait('a')]).toEqual([0, 0, 0, 0]);
    expect(wait('a')).toBe(1);
    expect(wait('b')).toBe(0);
    ms += 500; // one token back at 2/s
    expect(wait('a')).toBe(0);
    expect(wait('a')).toBe(1);
  });

  it('the wait is rounded up to whole seconds, at least 1', () => {
    let ms = 0;
    const limiter = createRateLimiter(1, () => ms);
    const wait = (key: string) => limiter.take(key)?.retryAfter;
    expect([wait('x'), wait('x')]).toEqual([0, 0]);
    expect(wait('x')).toBe(1);
    ms += 999;
    expect(wait('x')).toBe(1);
    ms += 1;
    expect(wait('x')).toBe(0);
  });

  it('perSecond 0 never limits (and sets no headers)', () => {
    const limiter = createRateLimiter(0, () => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('x')).toBeUndefined();
  });

  it('reports limit, remaining and reset as the standard headers need them', () => {
    let ms = 0;
    const limiter = createRateLimiter(2, () => ms);
    expect(limiter.take('h')).toEqual({ limit: 4, remaining: 3, reset: 1, retryAfter: 0 });
    expect(limiter.take('h')).toEqual({ limit: 4, remaining: 2, reset: 1, retryAfter: 0 });
    limiter.take('h');
    expect(limiter.take('h')).toEqual({ limit: 4, remaining: 0, reset: 2, retryAfter: 0 });
    expect(limiter.take('h')).toEqual({ limit: 4, remaining: 0, reset: 2, retryAfter: 1 });
    ms += 2000;
    expect(limiter.take('h')).toEqual({ limit: 4, remaining: 3, reset: 1, retryAfter: 0 });
  });
});
