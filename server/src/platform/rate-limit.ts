import type { FastifyReply } from 'fastify';
import { AppError } from '../shared/errors.js';

/**
 * Per-client token bucket, in process memory: `perSecond` requests a second, bursts up to twice
 * that. With several API processes each holds its own bucket, so the effective limit is per
 * process; the limit protects the process, not a quota.
 */
export interface RateLimitState {
  /** The bucket's capacity (x-ratelimit-limit). */
  limit: number;
  /** Whole requests left now (x-ratelimit-remaining). */
  remaining: number;
  /** Seconds until the bucket is full again (x-ratelimit-reset). */
  reset: number;
  /** Seconds to wait before the next request is admitted; 0 = this one was. */
  retryAfter: number;
}

export interface RateLimiter {
  /** Takes one request from `key`'s bucket; undefined when there is no limit. */
  take(key: string): RateLimitState | undefined;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (perSecond <= 0) return { take: () => undefined };
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
      let retryAfter = 0;
      if (b.tokens >= 1) b.tokens -= 1;
      else retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      return {
        limit: capacity,
        remaining: Math.floor(b.tokens),
        reset: Math.ceil((capacity - b.tokens) / perSecond),
        retryAfter,
      };
    },
  };
}

/**
 * Applies the per-client limit to one request: the standard headers on every limited answer
 * (x-ratelimit-limit, -remaining, -reset; retry-after when refused), 429 RATE_LIMITED when the
 * bucket is empty.
 */
export function enforceRateLimit(limiter: RateLimiter, key: string, reply: FastifyReply, onRefused?: () => void): void {
  const state = limiter.take(key);
  if (!state) return;
  reply.header('x-ratelimit-limit', state.limit);
  reply.header('x-ratelimit-remaining', state.remaining);
  reply.header('x-ratelimit-reset', state.reset);
  if (state.retryAfter > 0) {
    onRefused?.();
    throw new AppError('RATE_LIMITED', 'Too many requests for this client.', undefined, { 'retry-after': String(state.retryAfter) });
  }
}
