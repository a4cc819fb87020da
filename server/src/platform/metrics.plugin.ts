import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics (one registry per app): HTTP requests and latencies per route, the process
 * defaults, and what an operator watches beyond HTTP — the webhook backlog and failures, the
 * scheduler's lag, the database pool, and refusals of the rate limits.
 */
export type Limiter = 'api_client' | 'token_address' | 'token_client' | 'token_lockout';

export interface Metrics {
  registry: Registry;
  /** Requests refused by a limit (429, or the token endpoint's lockout). */
  rateLimited: Counter<'limiter'>;
  /** Webhook attempts of this process by outcome (DELIVERED, RETRY, FAILED, ...). */
  webhookAttempts: Counter<'outcome'>;
  /** Group commits (platform/unit-of-work.ts) by route: transactions, and the requests they carried. */
  groupCommits: Counter<'route'>;
  groupedRequests: Counter<'route'>;
}

/** Read at each scrape. */
export interface MetricsSources {
  webhookBacklog: () => Promise<{ pending: number; due: number; oldestDueSeconds: number; undispatchedEvents: number }>;
  scheduler: () => { lagSeconds: number; lastPassAgeSeconds: number | undefined; lastPassSeconds: number };
  /** undefined on the embedded database (one session, no pool). */
  pool: () => { total: number; idle: number; waiting: number } | undefined;
}

/** The pg pool behind a drizzle handle (node-postgres keeps it as $client); undefined on PGlite. */
export function poolStats(db: unknown): { total: number; idle: number; waiting: number } | undefined {
  const pool = (db as { $client?: { totalCount?: unknown; idleCount?: unknown; waitingCount?: unknown } }).$client;
  if (!pool || typeof pool.totalCount !== 'number' || typeof pool.idleCount !== 'number' || typeof pool.waitingCount !== 'number') {
    return undefined;
  }
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    rateLimited: new Counter({
      name: 'ledgerline_rate_limited_total',
      help: 'Requests refused by a rate limit or the token lockout, by limiter',
      labelNames: ['limiter'] as const,
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'ledgerline_webhook_attempts_total',
      help: 'Webhook delivery attempts made by this process, by outcome (FAILED: retries exhausted)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    groupCommits: new Counter({
      name: 'ledgerline_group_commits_total',
      help: 'Transactions committed for a group of concurrent requests (group commit), by route',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    groupedRequests: new Counter({
      name: 'ledgerline_grouped_requests_total',
      help: 'Requests answered by a group commit, by route (divided by the commits: the mean group size)',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
  };
}

function gauges(metrics: Metrics, sources: MetricsSources): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'ledgerline_webhook_backlog',
    help: 'Webhook work waiting, all clients: deliveries pending (due or scheduled), due now, and events not yet dispatched',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      try {
        const b = await sources.webhookBacklog();
        this.set({ state: 'pending' }, b.pending);
        this.set({ state: 'due' }, b.due);
        this.set({ state: 'undispatched_events' }, b.undispatchedEvents);
      } catch {
        // The database is unreachable: /readyz says so; keep the last values.
      }
    },
  });
  new Gauge({
    name: 'ledgerline_webhook_oldest_due_seconds',
    help: 'How long the oldest due webhook delivery has waited for its attempt',
    registers,
    async collect() {
      try {
        this.set((await sources.webhookBacklog()).oldestDueSeconds);
      } catch {
        // as above
      }
    },
  });
  new Gauge({
    name: 'ledgerline_scheduler_lag_seconds',
    help: 'How much later than its interval the last background pass of the scheduler started',
    registers,
    collect() {
      this.set(sources.scheduler().lagSeconds);
    },
  });
  new Gauge({
    name: 'ledgerline_scheduler_last_pass_age_seconds',
    help: 'Time since the scheduler last finished a background pass (-1 before the first)',
    registers,
    collect() {
      this.set(sources.scheduler().lastPassAgeSeconds ?? -1);
    },
  });
  new Gauge({
    name: 'ledgerline_scheduler_pass_duration_seconds',
    help: 'Duration of the last background pass of the scheduler',
    registers,
    collect() {
      this.set(sources.scheduler().lastPassSeconds);
    },
  });
  new Gauge({
    name: 'ledgerline_db_pool_connections',
    help: 'PostgreSQL connections of this process by state (in_use, idle)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const pool = sources.pool();
      if (!pool) return;
      this.set({ state: 'in_use' }, pool.total - pool.idle);
      this.set({ state: 'idle' }, pool.idle);
    },
  });
  new Gauge({
    name: 'ledgerline_db_pool_waiting',
    help: 'Queries of this process waiting for a PostgreSQL connection',
    registers,
    collect() {
      const pool = sources.pool();
      if (pool) this.set(pool.waiting);
    },
  });
}

export interface MetricsPluginOptions {
  metrics: Metrics;
  sources: MetricsSources;
}

export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app: FastifyInstance, { metrics, sources }) => {
    const requests = new Counter({
      name: 'ledgerline_http_requests_total',
      help: 'HTTP requests by route, method and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [metrics.registry],
    });
    const latency = new Histogram({
      name: 'ledgerline_http_request_duration_seconds',
      help: 'HTTP request latency by route and method',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
    gauges(metrics, sources);

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  },
  { name: 'metrics' },
);
