/**
 * The raw-SQL posting baseline of ../shared/bench (README there): accounts with a guarded balance,
 * one post_transfer per transaction, run by pgbench with 16 clients and prepared statements. Our
 * transfer benchmarks report their rate as a ratio to this figure, taken in the same run on the
 * same PostgreSQL: these machines' speed varies several-fold by the hour, the ratio does not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseName, databaseUrl, recreateDatabase } from '../src/db/admin.js';
import { cpuSeconds, processes } from './_lib.js';

/** ../shared/bench beside the repository, or BENCH_BASELINE_DIR (a checkout elsewhere, e.g. a git worktree). */
export const BASELINE_DIR =
  process.env.BENCH_BASELINE_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'bench');

export interface BaselineResult {
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  failed: number;
  /** CPU of the PostgreSQL processes and of pgbench itself, per transaction. */
  postgresCpuMsPerTx: number;
  clientCpuMsPerTx: number;
}

/** Where pgbench and the baseline scripts are; a clear error when they are not. */
export function assertBaselineAvailable(): void {
  for (const f of ['baseline-schema.sql', 'baseline-transfer.sql']) {
    if (!existsSync(join(BASELINE_DIR, f)))
      throw new Error(`the baseline needs ${join(BASELINE_DIR, f)} (../shared/bench beside the repository)`);
  }
  if (spawnSync('pgbench', ['--version']).status !== 0) throw new Error('the baseline needs pgbench (PostgreSQL client tools) on the PATH');
}

/** CPU seconds of this process's waited-for children (pgbench, run by spawnSync). */
function childrenCpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[13]) + Number(f[14])) / 100; // cutime, cstime in USER_HZ
}

const postgresCpuSeconds = () => cpuSeconds(processes({ name: 'postgres' }));

/**
 * Creates (again) the baseline database beside `url`'s, with `accounts` funded accounts, and runs
 * pgbench for `seconds` exactly as ../shared/bench/README.md takes the reference figure.
 */
export async function pgbenchBaseline(url: string, opts: { accounts: number; seconds: number; clients?: number }): Promise<BaselineResult> {
  const name = `${databaseName(url)}_baseline`;
  const baselineUrl = databaseUrl(url, name);
  await recreateDatabase(baselineUrl);
  const db = new pg.Client({ connectionString: baselineUrl });
  await db.connect();
  await db.query(readFileSync(join(BASELINE_DIR, 'baseline-schema.sql'), 'utf8'));
  await db.query('INSERT INTO accounts (id, balance) SELECT g, 1000000000000 FROM generate_series(1, $1::int) g', [opts.accounts]);
  await db.query('VACUUM ANALYZE accounts');
  await db.end();
  return runPgbench(baselineUrl, {
    script: join(BASELINE_DIR, 'baseline-transfer.sql'),
    defines: { naccounts: String(opts.accounts) },
    clients: opts.clients ?? 16,
    seconds: opts.seconds,
  });
}

/**
 * pgbench on the database of `url` (`-M prepared`, two threads) with a script file, and what it
 * cost: its rate, and the CPU of PostgreSQL's processes and of pgbench per transaction.
 */
export function runPgbench(
  url: string,
  opts: { script: string; defines: Record<string, string>; clients: number; seconds: number },
): BaselineResult {
  const u = new URL(url);
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', '-n', '-M', 'prepared'];
  for (const [k, v] of Object.entries(opts.defines)) args.push('-D', `${k}=${v}`);
  args.push('-c', String(opts.clients), '-j', '2', '-T', String(opts.seconds), '-f', opts.script, databaseName(url));
  const pgCpu0 = postgresCpuSeconds();
  const self0 = childrenCpuSeconds();
  const env = u.password ? { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } : process.env;
  const run = spawnSync('pgbench', args, { encoding: 'utf8', env });
  const clientCpu = childrenCpuSeconds() - self0;
  const postgresCpu = postgresCpuSeconds() - pgCpu0;
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`);
  const num = (re: RegExp) => Number(re.exec(run.stdout)?.[1] ?? Number.NaN);
  const transactions = num(/number of transactions actually processed: (\d+)/);
  return {
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    latencyAvgMs: num(/latency average = ([\d.]+) ms/),
    transactions,
    failed: num(/number of failed transactions: (\d+)/) || 0,
    postgresCpuMsPerTx: (postgresCpu * 1000) / (transactions || 1),
    clientCpuMsPerTx: (clientCpu * 1000) / (transactions || 1),
  };
}
