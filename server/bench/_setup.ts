/**
 * The set-up the HTTP benchmarks share: a recreated database, the server's benchmark settings,
 * an in-process app, and a regulated client with a token, through the API as an integrator does.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/index.js';
import { databaseName, recreateDatabase as recreate } from '../src/db/admin.js';

export const BENCH_OPERATOR = { id: 'bench-operator', secret: 'bench-operator-secret-0123456789' };
const SERVER_DIR = join(fileURLToPath(import.meta.url), '..', '..');

/** Drops and creates the database `url` names (refusing one whose name does not say "bench"). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_]+$/.test(name) || !name.includes('bench')) {
    throw new Error(`the benchmark database must be named with letters, digits and _, and contain "bench"; got "${name}"`);
  }
  await recreate(url);
}

/** The server's settings under benchmark: no rate limits, no background loops, logs off. */
export function benchServerEnv(url: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    OPERATOR_CLIENT_ID: BENCH_OPERATOR.id,
    OPERATOR_CLIENT_SECRET: BENCH_OPERATOR.secret,
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_SECOND: '0',
    SCHEDULER_INTERVAL_MS: '0',
    WEBHOOK_WORKER: 'false',
    DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20',
    DATA_DIR: join(SERVER_DIR, 'data-bench'),
  };
}

export interface BenchApp {
  app: FastifyInstance;
  /** A request that must answer 200; its JSON. */
  inject(method: string, url: string, token: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  operatorToken: string;
  client: { client_id: string; client_secret: string };
  clientToken: string;
}

/** The app on `env`, and a regulated client named "bench" with a token of its default scopes. */
export async function benchApp(env: Record<string, string>): Promise<BenchApp> {
  const app = await buildApp(loadConfig(env));
  await bootstrap(app);
  const inject = async (method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await app.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body !== undefined && { payload: body as object }),
    });
    if (r.statusCode !== 200) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  const token = async (id: string, secret: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/oauth2/token?grant_type=client_credentials',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
      })
    ).json().access_token as string;
  const operatorToken = await token(BENCH_OPERATOR.id, BENCH_OPERATOR.secret);
  const client = (await inject('POST', '/v1/admin/clients', operatorToken, { name: 'bench', regulated: true })).data;
  return { app, inject, operatorToken, client, clientToken: await token(client.client_id, client.client_secret) };
}
