/**
 * Benchmark helpers: latency statistics and an HTTP load generator that runs in a child process
 * (forked from this file), so the client never shares an event loop with the server it measures.
 *
 * The generator is closed-loop: `concurrency` lanes each send a request, wait for the whole
 * response, then send the next. It stops after `requests` measured requests or `durationMs`,
 * whichever comes first, and never runs longer than `maxMs`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function stats(samples: ArrayLike<number>): Stats {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (!n) return { n: 0, mean: Number.NaN, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, mean: sum / n, p50: at(50), p90: at(90), p99: at(99), max: sorted[n - 1] as number };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` sequentially: `warmup` unmeasured calls, then up to `count` measured ones within `maxMs`. */
export async function timeSequential(
  fn: (i: number) => Promise<unknown>,
  opts: { warmup: number; count: number; maxMs: number },
): Promise<Stats & { rps: number; elapsedMs: number }> {
  for (let i = 0; i < opts.warmup; i++) await fn(i);
  const samples: number[] = [];
  const start = nowMs();
  const deadline = start + opts.maxMs;
  for (let i = 0; i < opts.count; i++) {
    const t0 = nowMs();
    await fn(opts.warmup + i);
    const t1 = nowMs();
    samples.push(t1 - t0);
    if (t1 > deadline) break;
  }
  const elapsedMs = nowMs() - start;
  return { ...stats(samples), rps: (samples.length / elapsedMs) * 1000, elapsedMs };
}

// ---- HTTP load generator ----------------------------------------------------------------------

export interface LoadSpec {
  origin: string;
  method: 'GET' | 'POST';
  /** Request paths, used in turn (cycled). */
  paths: string[];
  /** Request bodies (JSON text), used in turn with the paths; POST only. */
  bodies?: string[];
  headers: Record<string, string>;
  concurrency: number;
  /** Unmeasured requests sent first (at the same concurrency). */
  warmup: number;
  /** Stop after this many measured requests... */
  requests?: number;
  /** ...or after this long measuring, whichever comes first. */
  durationMs?: number;
  /** Hard cap on the measuring phase. */
  maxMs: number;
  expectStatus: number;
}

export interface LoadResult extends Stats {
  concurrency: number;
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
  rps: number;
}

const WORKER_FLAG = 'LEDGERLINE_BENCH_LOAD_WORKER';

/** Runs one load in a fresh child process and returns its figures. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
      execArgv: process.execArgv, // tsx's loader, so the child can run this TypeScript file
      env: { ...process.env, [WORKER_FLAG]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (err: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      if (child.exitCode === null) child.kill();
      if (err) reject(err);
      else resolve(result as LoadResult);
    };
    // The child bounds itself; this only guards against a hung child.
    const killer = setTimeout(() => finish(new Error('load generator timed out')), spec.maxMs + 60_000);
    child.on('message', (msg: { result?: LoadResult; error?: string }) => {
      if (msg.error) finish(new Error(`load generator: ${msg.error}`));
      else finish(undefined, msg.result);
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code) => finish(new Error(`load generator exited with code ${code} before reporting`)));
    child.send(spec);
  });
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  let next = 0;
  const one = (): Promise<{ ok: boolean; detail?: string }> =>
    new Promise((resolve, reject) => {
      const i = next++;
      const path = spec.paths[i % spec.paths.length] as string;
      const body = spec.bodies?.[i % spec.bodies.length];
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: spec.method,
          path,
          headers: { ...spec.headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === spec.expectStatus) resolve({ ok: true });
            else
              resolve({
                ok: false,
                detail: `${spec.method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
              });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  // Warm-up: same concurrency, not recorded.
  let warm = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (warm < spec.warmup) {
        warm++;
        await one();
      }
    }),
  );

  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let started = 0;
  const limit = spec.requests ?? Number.POSITIVE_INFINITY;
  const start = nowMs();
  const deadline = start + Math.min(spec.durationMs ?? Number.POSITIVE_INFINITY, spec.maxMs);
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (started < limit && nowMs() < deadline) {
        started++;
        const t0 = nowMs();
        const r = await one().catch((err: Error) => ({ ok: false, detail: err.message }));
        samples.push(nowMs() - t0);
        if (!r.ok) {
          errors++;
          firstError ??= r.detail;
        }
      }
    }),
  );
  const elapsedMs = nowMs() - start;
  agent.destroy();
  return { ...stats(samples), concurrency: spec.concurrency, errors, firstError, elapsedMs, rps: (samples.length / elapsedMs) * 1000 };
}

if (process.env[WORKER_FLAG] === '1' && process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (spec: LoadSpec) => {
    load(spec).then(
      (result) => process.send?.({ result }, () => process.exit(0)),
      (err: Error) => process.send?.({ error: err.stack ?? err.message }, () => process.exit(1)),
    );
  });
}

/** /proc times are in 1/100 s (USER_HZ). */
const TICKS = 100;

/**
 * CPU seconds (user + system) of processes, from /proc/<pid>/stat, with what their exited children
 * spent (PostgreSQL backends that ended are counted in the postmaster's).
 */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch {
      /* exited */
    }
  }
  return ticks / TICKS;
}

/** Processes whose command name is `name`, or descending from `root`. */
export function processes(match: { name?: string; root?: number }): number[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return { pid: Number(d), ppid, name };
      } catch {
        return undefined;
      }
    })
    .filter((p): p is { pid: number; ppid: number; name: string } => !!p);
  if (match.name) return all.filter((p) => p.name === match.name).map((p) => p.pid);
  const found = new Set([match.root as number]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}
