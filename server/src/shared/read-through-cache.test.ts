import { describe, expect, it } from 'vitest';
import { ReadThroughCache } from './read-through-cache.js';

/** A read whose answer the test releases, counting how many were made. */
function reads() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  let n = 0;
  const next = () => pending.shift() as (typeof pending)[0];
  return {
    read: () =>
      new Promise<string>((resolve, reject) => {
        n += 1;
        pending.push({ resolve, reject });
      }),
    resolve: (v: string) => next().resolve(v),
    reject: (e: Error) => next().reject(e),
    get count() {
      return n;
    },
  };
}

describe('ReadThroughCache', () => {
  it('concurrent misses of one key share one read; other keys read their own', async () => {
    let t = 0;
    const cache = new ReadThroughCache<string>(1000, () => t);
    const r = reads();
    const many = Array.from({ length: 14 }, () => cache.get('client_a', r.read));
    const other = cache.get('client_b', r.read);
    expect(r.count).toBe(2);
    r.resolve('keys of a');
    r.resolve('keys of b');
    expect(await Promise.all(many)).toEqual(Array(14).fill('keys of a'));
    expect(await other).toBe('keys of b');
  });

  it('reuses a value for ttl from when its read began, then reads again', async () => {
    let t = 0;
    const cache = new ReadThroughCache<string>(1000, () => t);
    const r = reads();
    const first = cache.get('k', r.read);
    t = 400; // the read took 400 ms
    r.resolve('v1');
    await first;
    t = 999;
    expect(await cache.get('k', r.read)).toBe('v1');
    expect(r.count).toBe(1);
    t = 1000;
    const second = cache.get('k', r.read);
    expect(r.count).toBe(2);
    r.resolve('v2');
    expect(await second).toBe('v2');
  });

  it('forget drops the entry, and a read begun before it does not keep its value', async () => {
    let t = 0;
    const cache = new ReadThroughCache<string>(1000, () => t);
    const r = reads();
    const before = cache.get('k', r.read);
    cache.forget('k'); // a write landed while the read was running
    const after = cache.get('k', r.read);
    expect(r.count).toBe(2);
    r.resolve('old');
    r.resolve('new');
    expect(await before).toBe('old');
    expect(await after).toBe('new');
    t = 10;
    expect(await cache.get('k', r.read)).toBe('new');
    expect(r.count).toBe(2);
  });

  it('a failed read is not kept: its waiters get the error, the next get reads again', async () => {
    const cache = new ReadThroughCache<string>(1000, () => 0);
    const r = reads();
    const a = cache.get('k', r.read);
    const b = cache.get('k', r.read);
    r.reject(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).rejects.toThrow('connection lost');
    const c = cache.get('k', r.read);
    expect(r.count).toBe(2);
    r.resolve('v');
    expect(await c).toBe('v');
  });
});
