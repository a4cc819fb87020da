/**
 * Console first load (issue 14: "first load under 1 s on this machine from a warm server"):
 * `npm run bench:console` (root or server). A benchmark, not a test: it reports, never asserts.
 *
 * Starts the server in its own process (`tsx src/main.ts`, sandbox mode, embedded database in a
 * temporary folder, logs off), warms it (the console's files fetched over HTTP a few times, as a
 * running deployment has served them), then loads /console/ in headless Chromium (Debian's, driven
 * by playwright-core) until the sign-in form is on screen, BENCH_CONSOLE_RUNS times (default 15)
 * in each of two ways:
 *   - cold cache: one browser context, its HTTP cache disabled (every file fetched each time);
 *   - fresh context: a new browser context (empty cache, no state) for every load.
 * The figure is the app's own mark `ledgerline:sign-in-ready` (set when the sign-in form has
 * rendered), measured from the navigation's start; DOMContentLoaded and load come from the
 * navigation timing. It prints median and p95 of each, the commit, the machine's load and the
 * bytes the page fetched. Needs the built console (`npm run build -w console`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CONSOLE_DIST } from '../src/platform/console.plugin.js';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 15);
const WARMUP_FETCHES = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SERVER_DIR = join(fileURLToPath(import.meta.url), '..', '..');
const TARGET_MS = 1_000;

interface Sample {
  signIn: number;
  domContentLoaded: number;
  load: number;
  bytes: number;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });

async function startServer(): Promise<{ base: string; child: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-console-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LEDGERLINE_MODE: 'sandbox',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      SCHEDULER_INTERVAL_MS: '0',
      WEBHOOK_WORKER: 'false',
      OPERATOR_CLIENT_ID: 'bench-operator',
      OPERATOR_CLIENT_SECRET: 'bench-operator-secret-0123456789',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${base}/console/`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('the server did not answer /console/ within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, child, dataDir };
}

/** A warm server: the page and every file it references fetched a few times over HTTP. */
async function warm(base: string): Promise<void> {
  for (let i = 0; i < WARMUP_FETCHES; i++) {
    const html = await (await fetch(`${base}/console/`)).text();
    const files = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1] as string);
    await Promise.all(files.map(async (f) => (await fetch(base + f)).arrayBuffer()));
  }
}

/** One load of /console/ until the sign-in form shows; the page's own timings. */
async function load(page: Page, base: string): Promise<Sample> {
  await page.goto(`${base}/console/`, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.waitForFunction(() => (globalThis as any).performance.getEntriesByName('ledgerline:sign-in-ready').length > 0);
  return page.evaluate(() => {
    const perf = (globalThis as any).performance; // runs in the page (the server's tsconfig has no DOM types)
    const nav = perf.getEntriesByType('navigation')[0];
    const resources = perf.getEntriesByType('resource') as { transferSize: number }[];
    return {
      signIn: perf.getEntriesByName('ledgerline:sign-in-ready')[0].startTime as number,
      domContentLoaded: nav.domContentLoadedEventEnd as number,
      load: nav.loadEventEnd as number,
      bytes: (nav.transferSize as number) + resources.reduce((s, r) => s + (r.transferSize ?? 0), 0),
    };
  });
}

async function coldCache(browser: Browser, base: string): Promise<Sample[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await load(page, base); // the context's first page (unmeasured): the same browser process from then on
  const out: Sample[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await load(page, base));
  await context.close();
  return out;
}

async function freshContexts(browser: Browser, base: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    out.push(await load(page, base));
    await context.close();
  }
  return out;
}

/** Nearest-rank percentile. */
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
};
const ms = (v: number) => `${v.toFixed(0)} ms`;

function report(name: string, samples: Sample[]): { median: number; p95: number } {
  const sign = samples.map((s) => s.signIn);
  const row = (label: string, values: number[]) =>
    `  ${label.padEnd(18)} median ${ms(pct(values, 50)).padStart(7)}   p95 ${ms(pct(values, 95)).padStart(7)}   max ${ms(Math.max(...values)).padStart(7)}`;
  console.log(`${name} (${samples.length} loads)`);
  console.log(row('sign-in form', sign));
  console.log(
    row(
      'DOMContentLoaded',
      samples.map((s) => s.domContentLoaded),
    ),
  );
  console.log(
    row(
      'load',
      samples.map((s) => s.load),
    ),
  );
  console.log(
    `  fetched            ${(
      pct(
        samples.map((s) => s.bytes),
        50,
      ) / 1024
    ).toFixed(0)} KiB a load (median)`,
  );
  return { median: pct(sign, 50), p95: pct(sign, 95) };
}

async function main() {
  if (!existsSync(join(CONSOLE_DIST, 'index.html')))
    throw new Error(`The console is not built (${CONSOLE_DIST}): npm run build -w console`);
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM_PATH)`);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: SERVER_DIR, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--', '../console/src'], { cwd: SERVER_DIR, encoding: 'utf8' }).trim())
      commit += ' (console/src modified)';
  } catch {
    /* not a checkout */
  }
  const load0 = loadavg();
  console.log(`console first load — commit ${commit}, ${cpus().length} CPUs, load average ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  const { base, child, dataDir } = await startServer();
  let browser: Browser | undefined;
  try {
    await warm(base);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const cold = report('cold cache (same context, HTTP cache disabled)', await coldCache(browser, base));
    const fresh = report('fresh context (new browser context each load)', await freshContexts(browser, base));
    const load1 = loadavg();
    console.log(`load average after: ${load1.map((l) => l.toFixed(2)).join(' ')}`);
    const worst = Math.max(cold.p95, fresh.p95);
    console.log(`target: sign-in form < ${TARGET_MS} ms from a warm server — p95 ${ms(worst)}: ${worst < TARGET_MS ? 'met' : 'NOT met'}`);
  } finally {
    await browser?.close().catch(() => {});
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
