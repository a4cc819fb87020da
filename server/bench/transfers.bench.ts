/**
 * `npm run bench:transfers` (PostgreSQL): transfers executed per second over HTTP — create
 * (idempotency key) + accept (signed, idempotency key; client with signing_required) — by C
 * concurrent clients for S seconds, over N accounts and over a hot set of 10; and, right before
 * each case, the raw-SQL posting baseline of ../shared/bench run by pgbench (16 clients) over as
 * many accounts. Prints transfers/s, p50/p99, failures, the baseline's tps and the ratio; checks
 * the ledger at the end.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ledgerline_bench_transfers,
 * dropped and recreated), BENCH_ACCOUNTS (1000), BENCH_CONCURRENCY (32), BENCH_SECONDS (20),
 * BENCH_BASELINE_SECONDS (15, as the reference figure is taken), BENCH_CPU_PROFILE (a file: the
 * server's CPU profile during the first HTTP case, for chrome://inspect or tools).
 */
import { fork } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/index.js';
import { stats } from './_lib.js';
import { assertBaselineAvailable, pgbenchBaseline } from './baseline.js';
import type { TransferLoadResult, TransferLoadSpec } from './transfers.load.js';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline_bench_transfers';
const N = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);
const OPERATOR = { id: 'bench-operator', secret: 'bench-operator-secret-0123456789' };

async function recreateDatabase(url: string) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${u.protocol}//${u.username}@${u.host}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

function load(spec: TransferLoadSpec): Promise<TransferLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'transfers.load.ts'), [], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const killer = setTimeout(() => child.kill(), spec.durationMs + spec.warmupMs + 120_000);
    child.on('message', (m: { result?: TransferLoadResult; error?: string }) => {
      clearTimeout(killer);
      if (m.result) resolve(m.result);
      else reject(new Error(m.error));
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`load generator exited ${code}`));
    });
    child.send(spec);
  });
}

async function main() {
  assertBaselineAvailable();
  const t0 = Date.now();
  await recreateDatabase(URL_);
  const config = loadConfig({
    DATABASE_URL: URL_,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    OPERATOR_CLIENT_ID: OPERATOR.id,
    OPERATOR_CLIENT_SECRET: OPERATOR.secret,
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_SECOND: '0',
    SCHEDULER_INTERVAL_MS: '0',
    WEBHOOK_WORKER: 'false',
    DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20',
  });
  const app = await buildApp(config);
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
  const opToken = await token(OPERATOR.id, OPERATOR.secret);
  const client = (await inject('POST', '/v1/admin/clients', opToken, { name: 'bench', regulated: true })).data;
  const tToken = await token(client.client_id, client.client_secret);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  await inject('POST', '/v1/signing-keys', tToken, { public_key: publicKey.export({ format: 'pem', type: 'spki' }).toString() });
  await inject('PATCH', `/v1/admin/clients/${client.client_id}`, opToken, { signing_required: true });
  await inject('POST', '/v1/customers', tToken, { id: 'bench-customer', customer_type: 'CORPORATION', registered_name: 'Bench Corp' });
  const asOp = { 'x-l2f-client-id': client.client_id };
  const accounts: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `acc-${i}`;
    await inject('POST', '/v1/accounts/deposits', tToken, {
      customer_id: 'bench-customer',
      account_to_open: { account_id: id, product_id: 'DEPOSIT_BASIC', asset_type_id: 'FIAT_TESTNET_USD' },
    });
    await inject(
      'POST',
      '/v1/admin/adjustments',
      opToken,
      { account_id: id, amount: '100000000', transaction_type: 'CREDIT_CORRECTION', reason: 'bench' },
      asOp,
    );
    accounts.push(id);
  }
  const setupS = ((Date.now() - t0) / 1000).toFixed(1);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const pgc = new pg.Client({ connectionString: URL_ });
  await pgc.connect();
  const ledgerIds = (
    await pgc.query<{ id: string }>(`SELECT ledger_account_id::text AS id FROM accounts WHERE client_id = $1 ORDER BY id`, [
      client.client_id,
    ])
  ).rows.map((r) => r.id);

  const results: Record<string, unknown>[] = [];
  for (const [name, set] of [
    [`${N} accounts`, accounts],
    ['hot: 10 accounts', accounts.slice(0, 10)],
  ] as const) {
    const base = await pgbenchBaseline(URL_, { accounts: set.length, seconds: BASELINE_SECONDS });
    const profiling = process.env.BENCH_CPU_PROFILE && !results.length ? new Session() : undefined;
    if (profiling) {
      profiling.connect();
      await profiling.post('Profiler.enable');
      await profiling.post('Profiler.start');
    }
    const http = await load({
      origin,
      token: tToken,
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      accounts: [...set],
      amount: '0.01',
      concurrency: C,
      durationMs: SECONDS * 1000,
      warmupMs: 2000,
    });
    if (profiling) {
      const { profile } = await profiling.post('Profiler.stop');
      writeFileSync(process.env.BENCH_CPU_PROFILE as string, JSON.stringify(profile));
      profiling.disconnect();
    }
    const h = stats(http.latencies);
    const rate = http.executed / (http.elapsedMs / 1000);
    results.push({
      case: name,
      'http transfers/s': rate.toFixed(0),
      'http p50 ms': h.p50.toFixed(1),
      'http p99 ms': h.p99.toFixed(1),
      failed: http.failed,
      'baseline tps (pgbench, 16)': base.tps.toFixed(0),
      'baseline avg ms': base.latencyAvgMs.toFixed(2),
      ratio: (rate / base.tps).toFixed(3),
    });
    if (http.firstError) console.log(`first error (${name}): ${http.firstError}`);
  }
  const verify = await app.ledgerline.services.ledger.verify(app.ledgerline.database.db);
  await pgc.end();
  await app.close();
  console.log(
    `\nTransfers benchmark — PostgreSQL ${URL_.replace(/\/\/[^@]*@/, '//')}, ${C} concurrent clients, ${SECONDS} s per case (setup ${setupS} s)`,
  );
  console.table(results);
  console.log(`ledger after the run: balanced=${verify.balanced} (${ledgerIds.length} customer accounts)`);
  console.log('target (issue 9): ratio >= 0.15 with no failed request, over 1,000 accounts and over 10 hot accounts (moonshot 0.3)');
  if (!verify.balanced) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
