/**
 * Test harness: the real app on a real database, one per worker. Every test makes its own client
 * (tenant) through the operator, so tests never share rows and need no order.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type BuildOptions, buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { type Config, loadConfig } from '../src/config/index.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { ownTransaction } from '../src/jobs/scheduler.js';
import type { WriteContext } from '../src/shared/context.js';
import { manualClock } from './clock.js';

export const OPERATOR = { id: 'test-operator', secret: 'test-operator-secret-0123456789' };
/** The master key of every test app: apps of one worker share one database, hence one vault. */
export const TEST_MASTER_KEY = '6c65646765726c696e652d746573742d6d61737465722d6b65792d3031323334';

let databasePromise: Promise<Database> | undefined;
/** The worker's database: PGlite in memory, or TEST_DATABASE_URL. */
export function testDatabase(): Promise<Database> {
  databasePromise ??= (async () => {
    const db = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 5 });
    await migrate(db);
    return db;
  })();
  return databasePromise;
}

export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', // e.g. TEST_LOG_LEVEL=error to see what a 500 was
    OPERATOR_CLIENT_ID: OPERATOR.id,
    OPERATOR_CLIENT_SECRET: OPERATOR.secret,
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_SECOND: '0',
    // Tests mint many tokens from one address and try wrong secrets on purpose: the token
    // endpoint's limits and lockout are tested with their own apps (test/platform/login-guard).
    TOKEN_RATE_LIMIT_PER_ADDRESS: '0',
    TOKEN_RATE_LIMIT_PER_CLIENT: '0',
    TOKEN_LOCKOUT_FAILURES: '0',
    LEDGERLINE_MASTER_KEY: TEST_MASTER_KEY,
    // Tests run on the embedded database, production-mode apps too.
    ALLOW_EMBEDDED_IN_PRODUCTION: 'true',
    // Due work runs when a test moves the clock (scoped to its tenant), never in the background:
    // tests share one database and a background loop would act on other tests' rows.
    SCHEDULER_INTERVAL_MS: '0',
    // Webhook tests start their own worker; the others need no background polling.
    WEBHOOK_WORKER: 'false',
    ...env,
  });
}

/** A new app on the worker's database (its own config and clock when given). Close it after. */
export async function makeApp(env: Record<string, string> = {}, opts: Omit<BuildOptions, 'database'> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(env), { ...opts, database: await testDatabase() });
  await bootstrap(app);
  return app;
}

let shared: Promise<FastifyInstance> | undefined;
/** The worker's default app (default config). Never closed: it lives as long as the worker. */
export function getApp(): Promise<FastifyInstance> {
  shared ??= makeApp();
  return shared;
}

let frozen: Promise<FastifyInstance> | undefined;
/**
 * The worker's app on a frozen clock: business time moves only when a test moves its client's
 * sandbox clock (POST /v1/simulations/clock), so a test set one second before a deadline never
 * races real time on a slow machine. Never closed.
 */
export function getFrozenApp(): Promise<FastifyInstance> {
  frozen ??= makeApp({}, { clock: manualClock(Date.now()) });
  return frozen;
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export async function tokenFor(app: FastifyInstance, id: string, secret: string, scope?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/oauth2/token?grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
    headers: { authorization: basic(id, secret) },
  });
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return res.json().access_token as string;
}

export interface Response<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: string;
}

/** A small client bound to one token (and optionally acting for a client, for the operator). */
export class Api {
  constructor(
    readonly app: FastifyInstance,
    readonly token: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const isJson = body !== undefined && typeof body !== 'string';
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(isJson && { 'content-type': 'application/json' }),
        ...this.extraHeaders,
        ...headers,
      },
      ...(body !== undefined && { payload: isJson ? JSON.stringify(body) : (body as string) }),
    });
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers, raw: res.body };
  }
  get = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>('GET', url, undefined, headers);
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', url, body, headers);
  patch = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('PATCH', url, body, headers);
  delete = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>('DELETE', url, undefined, headers);

  /** The same token acting for another client (operator only). */
  actingFor(clientId: string): Api {
    return new Api(this.app, this.token, { ...this.extraHeaders, 'x-l2f-client-id': clientId });
  }
}

export async function operatorApi(app: FastifyInstance): Promise<Api> {
  return new Api(app, await tokenFor(app, OPERATOR.id, OPERATOR.secret));
}

export interface Tenant {
  clientId: string;
  secret: string;
  api: Api;
  /** The operator acting for this tenant. */
  operator: Api;
}

/** A fresh client (tenant) with a token holding all its scopes (or those asked). */
export async function newTenant(
  app: FastifyInstance,
  opts: { regulated?: boolean; scopes?: string[]; signing_required?: boolean; tokenScope?: string } = {},
): Promise<Tenant> {
  const op = await operatorApi(app);
  const res = await op.post('/v1/admin/clients', {
    name: `tenant ${Math.random().toString(36).slice(2, 8)}`,
    regulated: opts.regulated ?? true,
    ...(opts.scopes && { scopes: opts.scopes }),
    ...(opts.signing_required !== undefined && { signing_required: opts.signing_required }),
  });
  if (res.status !== 200) throw new Error(`create client: ${res.status} ${res.raw}`);
  const { client_id, client_secret } = res.body.data;
  return {
    clientId: client_id,
    secret: client_secret,
    api: new Api(app, await tokenFor(app, client_id, client_secret, opts.tokenScope)),
    operator: op.actingFor(client_id),
  };
}

let counter = 0;
/** A unique external id for this test run. */
export const uid = (prefix = 'c') => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export const individualBody = (id = uid(), extra: Record<string, unknown> = {}) => ({
  id,
  customer_type: 'INDIVIDUAL',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email_address: 'ada@example.com',
  telephone_number: '+14155550101',
  date_of_birth: '1990-12-10',
  nationality: 'GB',
  mailing_address: { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' },
  ...extra,
});

export const corporationBody = (id = uid(), extra: Record<string, unknown> = {}) => ({
  id,
  customer_type: 'CORPORATION',
  registered_name: 'Acme Widgets Inc.',
  corporate_entity_type: 'LLC',
  country_of_incorporation: 'US',
  email_address: 'ops@acme.example',
  registered_address: { address_line1: '1 Market St', city: 'San Francisco', state: 'CA', postal_code: '94105', country_code: 'US' },
  ...extra,
});

/**
 * Runs fn as the client itself, in a transaction of its own, at the client's business time:
 * for tests that call a use case directly (e.g. a status the API cannot reach).
 */
export async function asClient<T>(app: FastifyInstance, clientId: string, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
  const { services, database, clock } = app.ledgerline;
  const client = await services.clients.find(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const now = new Date(clock.now().getTime() + client.sandboxClockOffsetMs);
  return ownTransaction(database, (tx) =>
    fn({ caller: client, tenant: client, tenantId: client.id, operator: false, scopes: new Set(client.scopes), now, db: tx, tx }),
  );
}

/** Sets a client's sandbox clock offset without running what it makes due (the clock route runs it). */
export async function setClockOffset(app: FastifyInstance, clientId: string, offsetMs: number): Promise<void> {
  await app.ledgerline.database.db.execute(sql`UPDATE clients SET sandbox_clock_offset_ms = ${offsetMs} WHERE id = ${clientId}`);
  app.ledgerline.services.clients.forget(clientId);
}

/**
 * Puts a client's business time at 12:00 UTC on the 10th of next month (the sandbox clock only
 * moves forward): for tests whose writes must share a calendar month (statements), which at the
 * machine's time fail in a month's last minutes.
 */
export async function midMonthBusinessTime(app: FastifyInstance, clientId: string): Promise<void> {
  const now = app.ledgerline.clock.now();
  await setClockOffset(app, clientId, Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 10, 12) - now.getTime());
}
