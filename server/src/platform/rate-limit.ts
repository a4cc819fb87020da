/**
 * Per-client token bucket, in process memory: `perSecond` requests a second, bursts up to twice
 * that. Answers the seconds to wait (0 = go). With several API processes each holds its own
 * bucket, so the effective limit is per process; the limit protects the process, not a quota.
 */
export interface RateLimiter {
  take(key: string): number;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (perSecond <= 0) return { take: () => 0 };
  const capacity = perSecond * 2;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      buckets.set(key, b);
      if (buckets.size > 100_000) buckets.clear(); // bounded memory under hostile client ids
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
  };
}
