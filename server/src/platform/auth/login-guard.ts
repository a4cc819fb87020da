import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Protection of the token endpoint (issue 10): every bad secret costs a scrypt hash, so
 *  - requests are limited per source address and per client id (fixed windows of a minute,
 *    @fastify/rate-limit's in-memory store, per process), before any hash is computed;
 *  - a client id is locked out for a while after repeated failed secrets in a row: while locked,
 *    even the right secret is refused, without hashing anything.
 * Every limited answer carries x-ratelimit-limit / -remaining / -reset (the tighter of the two
 * limits), and a refusal carries retry-after.
 */
export interface LoginGuardOptions {
  /** Token requests per minute from one source address; 0 = no limit. */
  perAddressPerMinute: number;
  /** Token requests per minute for one client id; 0 = no limit. */
  perClientPerMinute: number;
  /** Failed secrets in a row that lock a client id out; 0 = never. */
  lockoutFailures: number;
  lockoutSeconds: number;
  /** Real time, in milliseconds (tests drive it). */
  now: () => number;
  /** Called on every refusal (metrics). */
  onRefused?: (limiter: 'token_address' | 'token_client' | 'token_lockout') => void;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: 'rate_limited' | 'locked'; retryAfter: number };

const WINDOW_MS = 60_000;
/** Client ids tracked for lockout at most (a flood of made-up ids cannot grow memory). */
const MAX_TRACKED = 10_000;

interface Failures {
  count: number;
  lockedUntil: number;
}

export interface LoginGuard {
  /** Counts the request against both limits and checks the lockout. Sets the rate-limit headers. */
  admit(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined): Promise<GuardVerdict>;
  /** The secret was wrong (or the client unknown): one more failure; may start a lockout. */
  failed(clientId: string): void;
  /** The secret was right: the failure count starts again. */
  succeeded(clientId: string): void;
}

/** Registers @fastify/rate-limit in the (token route's) scope and returns the guard. */
export async function createLoginGuard(app: FastifyInstance, opts: LoginGuardOptions): Promise<LoginGuard> {
  await app.register(rateLimit, { global: false, cache: MAX_TRACKED });
  const limiter = (max: number, key: (request: FastifyRequest) => string) =>
    max > 0 ? app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator: key }) : undefined;
  const byAddress = limiter(opts.perAddressPerMinute, (request) => `addr:${normalizeIP(request.ip)}`);
  const byClient = limiter(opts.perClientPerMinute, (request) => `client:${(request as { loginClientId?: string }).loginClientId ?? ''}`);
  const failures = new Map<string, Failures>();

  return {
    async admit(request, reply, clientId) {
      (request as { loginClientId?: string }).loginClientId = clientId;
      const results = [];
      if (byAddress) results.push({ name: 'token_address' as const, r: await byAddress(request) });
      if (byClient && clientId !== undefined) results.push({ name: 'token_client' as const, r: await byClient(request) });
      let tightest: { max: number; remaining: number; ttlInSeconds: number } | undefined;
      let exceeded: { name: 'token_address' | 'token_client'; ttlInSeconds: number } | undefined;
      for (const { name, r } of results) {
        if (r.isAllowed) continue;
        if (!tightest || r.remaining < tightest.remaining) tightest = r;
        if (r.isExceeded && (!exceeded || r.ttlInSeconds > exceeded.ttlInSeconds)) exceeded = { name, ttlInSeconds: r.ttlInSeconds };
      }
      if (tightest) {
        reply.header('x-ratelimit-limit', tightest.max);
        reply.header('x-ratelimit-remaining', tightest.remaining);
        reply.header('x-ratelimit-reset', tightest.ttlInSeconds);
      }
      if (exceeded) {
        const retryAfter = Math.max(1, exceeded.ttlInSeconds);
        reply.header('retry-after', retryAfter);
        opts.onRefused?.(exceeded.name);
        return { ok: false, reason: 'rate_limited', retryAfter };
      }
      if (clientId !== undefined && opts.lockoutFailures > 0) {
        const f = failures.get(clientId);
        const now = opts.now();
        if (f && f.lockedUntil > now) {
          const retryAfter = Math.max(1, Math.ceil((f.lockedUntil - now) / 1000));
          reply.header('retry-after', retryAfter);
          opts.onRefused?.('token_lockout');
          return { ok: false, reason: 'locked', retryAfter };
        }
      }
      return { ok: true };
    },

    failed(clientId) {
      if (opts.lockoutFailures <= 0) return;
      const now = opts.now();
      let f = failures.get(clientId);
      if (!f || (f.lockedUntil !== 0 && f.lockedUntil <= now)) f = { count: 0, lockedUntil: 0 };
      f.count += 1;
      if (f.count >= opts.lockoutFailures) {
        f.count = 0;
        f.lockedUntil = now + opts.lockoutSeconds * 1000;
      }
      failures.delete(clientId); // re-insert: the map's order is least recently failed first
      failures.set(clientId, f);
      if (failures.size > MAX_TRACKED) {
        const oldest = failures.keys().next().value;
        if (oldest !== undefined) failures.delete(oldest);
      }
    },

    succeeded(clientId) {
      failures.delete(clientId);
    },
  };
}
