/**
 * `npm run bench:transfers` (PostgreSQL): transfers executed per second over HTTP — create
 * (idempotency key) + accept (signed, idempotency key; client with signing_required) — by C
 * concurrent clients for S seconds, over N accounts and over a hot set of 10; and, right before
 * and right after each case, the raw-SQL posting baseline of ../shared/bench run by pgbench (16
 * clients) over as many accounts. Prints transfers/s, p50/p99, failures, the baseline's tps before
 * and after, their drift, and the ratio to their mean; checks the ledger at the end.
 *
 * The server under load is the real one (`dist/main.js`, as `npm start` runs it) with WORKERS=1
 * and WORKERS=2 (a process per core, node:cluster); the setup runs in this process beforehand.
 * Besides rates it prints the CPU each part spent per executed transfer (server processes,
 * PostgreSQL backends, the load generator), from /proc: what bounds the rate on this machine.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ledgerline_bench_transfers,
 * dropped and recreated), BENCH_ACCOUNTS (1000), BENCH_CONCURRENCY (32), BENCH_SECONDS (20),
 * BENCH_BASELINE_SECONDS (15, as the reference figure is taken), BENCH_WORKERS ("1,2"),
 * BENCH_BATCH (100: a case through POST /v1/transfers/batch, executed and signed, 8 lanes; 0: none),
 * BENCH_SETS ("all,hot": the account sets to run, all N accounts and/or the hot 10),
 * BENCH_HISTORY (20000: transfers executed during setup, so the ledger has a history),
 * BENCH_CPU_PROFILE (a directory: the server processes' CPU profiles, node --cpu-prof),
 * BENCH_LOAD_PROFILE (a directory: the load generator's CPU profile),
 * BENCH_SERVER (dist, default: `npm run build` then dist/main.js as `npm start` runs it; src: tsx),
 * BENCH_WEBHOOK_WORKER (true, as npm start: the server's webhook worker dispatches the events the load writes),
 * BENCH_BATCH_SQL (1: after the batch route, its SQL alone through pgbench, bench/batch-sql.ts; 0: not).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { cpuSeconds, processes, stats } from './_lib.js';
import { benchApp, benchServerEnv, recreateDatabase } from './_setup.js';
import { assertBaselineAvailable, type BaselineResult, pgbenchBaseline } from './baseline.js';
import { pgbenchBatchSql } from './batch-sql.js';
import { transferStepCosts } from './transfer-steps.js';
import type { TransferLoadResult, TransferLoadSpec } from './transfers.load.js';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline_bench_transfers';
const N = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const BATCH = Number(process.env.BENCH_BATCH ?? 100); // 0: no batch case
const BATCH_LANES = Number(process.env.BENCH_BATCH_LANES ?? 8); // concurrent batch calls
const BATCH_SQL = process.env.BENCH_BATCH_SQL !== '0'; // the batch call alone, through pgbench
const BATCH_SLOTS = loadConfig(process.env).transferBatchSlots; // the server's, for the call alone
const FLOW = process.env.BENCH_FLOW !== '0'; // 0: the batch case alone (with max(BENCH_WORKERS) processes)
const SETS = (process.env.BENCH_SETS ?? 'all,hot').split(',');
const HISTORY = Number(process.env.BENCH_HISTORY ?? 20000);
const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A case's baseline: the mean of pgbench right before and right after it, and their drift. */
function bracketed(before: BaselineResult, after: BaselineResult) {
  const drift = after.tps / before.tps - 1;
  return {
    tps: (before.tps + after.tps) / 2,
    columns: {
      'baseline tps (pgbench, 16): before / after': `${before.tps.toFixed(0)} / ${after.tps.toFixed(0)}`,
      'baseline drift': `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(0)}%`,
    },
    cpu: {
      'baseline: postgres ms/tx': ((before.postgresCpuMsPerTx + after.postgresCpuMsPerTx) / 2).toFixed(3),
      'baseline: pgbench ms/tx': ((before.clientCpuMsPerTx + after.clientCpuMsPerTx) / 2).toFixed(3),
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The real server with `workers` processes: dist/main.js, as `npm start` runs it (built at the
 * start of the bench), or with BENCH_SERVER=src, src/main.ts through tsx as the tests start it.
 */
async function startServer(workers: number, port: number): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const entry = process.env.BENCH_SERVER === 'src' ? [...process.execArgv, 'src/main.ts'] : ['dist/main.js'];
  const child = spawn(process.execPath, [...profile, ...entry], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      ...SERVER_ENV,
      // As npm start runs it: its webhook worker dispatches every event the load writes (none has a
      // subscription here, so dispatching is taking them off the queue). BENCH_WEBHOOK_WORKER=false: off.
      WEBHOOK_WORKER: process.env.BENCH_WEBHOOK_WORKER ?? 'true',
      WORKERS: String(workers),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) {
        // Every worker listens before the supervisor is done: give the last one a moment.
        await new Promise((r) => setTimeout(r, 1000));
        return child;
      }
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become ready');
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const SERVER_ENV = benchServerEnv(URL_);

/** Runs the load generator; `measuring` is called when its measured window opens (after warm-up). */
function load(spec: TransferLoadSpec, measuring: () => void): Promise<TransferLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'transfers.load.ts'), [], {
      execArgv: [
        ...process.execArgv,
        ...(process.env.BENCH_LOAD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LOAD_PROFILE}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const killer = setTimeout(() => child.kill(), spec.durationMs + spec.warmupMs + 120_000);
    child.on('message', (m: { measuring?: true; result?: TransferLoadResult; error?: string }) => {
      if (m.measuring) return measuring();
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

/**
 * The mean size of the group commits (requests per transaction) of create and accept, from the
 * server's /metrics (with several workers: the one that answers the scrape), warm-up included.
 */
async function groupSizes(origin: string): Promise<string> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const mean = (route: string) => {
    const read = (name: string) => Number(new RegExp(`^${name}\\{route="${route}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const commits = read('ledgerline_group_commits_total');
    return commits ? (read('ledgerline_grouped_requests_total') / commits).toFixed(1) : '-';
  };
  return `${mean('POST /v1/transfers')} / ${mean('POST /v1/transfers/:transfer_id/accept')}`;
}

async function main() {
  assertBaselineAvailable();
  if (process.env.BENCH_SERVER !== 'src') {
    // The server as `npm start` runs it: the compiled dist/, built from the sources here.
    const build = spawn('npm', ['run', 'build'], { cwd: SERVER_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise((r) => build.once('exit', r));
    if (code !== 0) throw new Error(`npm run build exited ${code}`);
  }
  const t0 = Date.now();
  await recreateDatabase(URL_);
  const { app, inject, operatorToken: opToken, client, clientToken: tToken } = await benchApp(SERVER_ENV);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  await inject('POST', '/v1/signing-keys', tToken, { public_key: publicKey.export({ format: 'pem', type: 'spki' }).toString() });
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
  // A ledger with a history, as a deployment has: HISTORY executed transfers between random
  // accounts (batch route, before signing is required). Without it the first case starts on empty
  // transfers and ledger tables whose statistics (VACUUM ANALYZE below) say a client has no rows,
  // and plans made from them stay for the case (this machine's PostgreSQL runs without autovacuum).
  for (let done = 0; done < HISTORY; done += 100) {
    const transfers = Array.from({ length: Math.min(100, HISTORY - done) }, () => {
      const i = Math.floor(Math.random() * N);
      const j = (i + 1 + Math.floor(Math.random() * (N - 1))) % N;
      return { source_account_id: accounts[i], destination_account_id: accounts[j], amount: '0.01' };
    });
    await inject('POST', '/v1/transfers/batch', tToken, { execute: true, transfers });
  }
  await inject('PATCH', `/v1/admin/clients/${client.client_id}`, opToken, { signing_required: true });
  const setupS = ((Date.now() - t0) / 1000).toFixed(1);

  const pgc = new pg.Client({ connectionString: URL_ });
  await pgc.connect();
  const ledgerIds = (
    await pgc.query<{ id: string }>(`SELECT ledger_account_id::text AS id FROM accounts WHERE client_id = $1 ORDER BY id`, [
      client.client_id,
    ])
  ).rows.map((r) => r.id);

  const results: Record<string, unknown>[] = [];
  const cpu: Record<string, unknown>[] = [];
  for (const [name, set] of [
    ...(SETS.includes('all') ? [[`${N} accounts`, accounts] as const] : []),
    ...(SETS.includes('hot') ? [['hot: 10 accounts', accounts.slice(0, 10)] as const] : []),
  ]) {
    // Each case is bracketed by the baseline: pgbench right before it and right after it (the
    // next case's "before"). The ratio is to their mean, and the drift between them is printed:
    // these machines' speed moves within minutes, and a baseline taken a case or two earlier made
    // ratios of the same code differ by a third (docs/benchmarks.md).
    const baseline = () => pgbenchBaseline(URL_, { accounts: set.length, seconds: BASELINE_SECONDS });
    let before = await baseline();
    const runs: { workers: number; batch?: number; sql?: boolean }[] = [
      ...(FLOW ? WORKERS.map((workers) => ({ workers })) : []),
      ...(BATCH ? [{ workers: Math.max(...WORKERS), batch: BATCH }] : []),
      ...(BATCH && BATCH_SQL ? [{ workers: 0, batch: BATCH, sql: true }] : []),
    ];
    /** What one case measured, for its rows of the two tables. */
    interface Measured {
      label: string;
      rate: number;
      p50: string;
      p99: string;
      failed: number;
      /** CPU ms per transfer executed in the measured window. */
      server: string;
      postgres: number;
      generator: number;
      groups: string;
      firstError?: string;
    }
    // The real server under the load generator: the flow, or the batch route.
    const throughServer = async (workers: number, batch: number | undefined): Promise<Measured> => {
      const port = await freePort();
      const server = await startServer(workers, port);
      const serverPids = processes({ root: server.pid as number });
      const sample = () => ({ server: cpuSeconds(serverPids), pg: cpuSeconds(processes({ name: 'postgres' })) });
      let start = sample();
      const http = await load(
        {
          origin: `http://127.0.0.1:${port}`,
          token: tToken,
          privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
          accounts: [...set],
          amount: '0.01',
          concurrency: C,
          durationMs: SECONDS * 1000,
          warmupMs: 2000,
          ...(batch && { batch, concurrency: BATCH_LANES }),
        },
        () => {
          start = sample();
        },
      );
      const end = sample();
      const groups = await groupSizes(`http://127.0.0.1:${port}`);
      await stopServer(server);
      const h = stats(http.latencies);
      const n = http.executed || 1;
      return {
        label: `${name}, ${batch ? `batches of ${batch}, ` : ''}${workers} server process${workers > 1 ? 'es' : ''}`,
        rate: http.executed / (http.elapsedMs / 1000),
        p50: h.p50.toFixed(1),
        p99: h.p99.toFixed(1),
        failed: http.failed,
        server: (((end.server - start.server) * 1000) / n).toFixed(2),
        postgres: ((end.pg - start.pg) * 1000) / n,
        generator: (http.cpuSeconds * 1000) / n,
        groups,
        firstError: http.firstError,
      };
    };
    // The batch call alone (no server): as many at once as the route's case sends.
    const alone = async (batch: number): Promise<Measured> => {
      const r = await pgbenchBatchSql(URL_, {
        clientId: client.client_id,
        accounts: set,
        size: batch,
        clients: BATCH_LANES,
        slots: BATCH_SLOTS,
        seconds: SECONDS,
      });
      return {
        label: `${name}, transfers_execute_batch of ${batch} alone (pgbench, ${BATCH_LANES} clients, no server)`,
        rate: r.tps * batch,
        p50: `avg ${r.latencyAvgMs.toFixed(1)}`,
        p99: '-',
        failed: r.failed,
        server: '-',
        postgres: r.postgresCpuMsPerTx / batch,
        generator: r.clientCpuMsPerTx / batch,
        groups: '- / -',
      };
    };
    for (const { workers, batch, sql } of runs) {
      // Each case starts from a vacuumed, analyzed database, as the baseline's accounts do (and as
      // autovacuum keeps a deployment; this machine's PostgreSQL runs with autovacuum off, so
      // without it the planner knows nothing of the tables and dead row versions pile up).
      await pgc.query('VACUUM (ANALYZE)');
      const m = sql && batch ? await alone(batch) : await throughServer(workers, batch);
      const after = await baseline();
      const bracket = bracketed(before, after);
      results.push({
        case: m.label,
        'http transfers/s': m.rate.toFixed(0),
        'http p50 ms': m.p50,
        'http p99 ms': m.p99,
        failed: m.failed,
        ...bracket.columns,
        ratio: (m.rate / bracket.tps).toFixed(3),
      });
      cpu.push({
        case: m.label,
        'server ms/transfer': m.server,
        'postgres ms/transfer': m.postgres.toFixed(2),
        'load generator ms/transfer': m.generator.toFixed(2),
        ...bracket.cpu,
        'mean group: create / accept': m.groups,
      });
      if (m.firstError) console.log(`first error (${m.label}): ${m.firstError}`);
      before = after;
    }
  }
  await pgc.query('VACUUM (ANALYZE)');
  const steps = await transferStepCosts(URL_, client.client_id);
  const verify = await app.ledgerline.services.ledger.verify(app.ledgerline.database.db);
  await pgc.end();
  await app.close();
  console.log(
    `\nTransfers benchmark — PostgreSQL ${URL_.replace(/\/\/[^@]*@/, '//')}, ${C} concurrent clients, ${SECONDS} s per case (setup ${setupS} s)`,
  );
  console.table(results);
  console.log('CPU per executed transfer (from /proc; on a shared machine other load is not counted):');
  console.table(cpu);
  console.log('PostgreSQL CPU per step of the flow, one connection, sequential (no group commit):');
  console.table(steps);
  console.log(`ledger after the run: balanced=${verify.balanced} (${ledgerIds.length} customer accounts)`);
  console.log('target (issue 9): ratio >= 0.15 with no failed request, over 1,000 accounts and over 10 hot accounts (moonshot 0.3);');
  console.log('the batch route (batches of 100): ratio >= 1');
  if (!verify.balanced) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
