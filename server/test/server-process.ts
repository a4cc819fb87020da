/**
 * Real server processes for tests (not a test file itself): started as `npm start` starts them,
 * on a port of their own, talked to over HTTP, stopped or killed, cleaned up after the file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR, TEST_MASTER_KEY } from './helpers.js';

export const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

/**
 * A server on `port` with the test operator, no demo data, no background loops unless `env` says
 * so. Where the data lives comes from `env` (DATABASE_URL or DATA_DIR).
 */
export function startServer(port: number, env: Record<string, string>): ServerProcess {
  const clean = { ...process.env };
  for (const k of ['DATA_DIR', 'DATABASE_URL', 'TEST_DATABASE_URL', 'LEDGERLINE_MODE', 'LEDGERLINE_CRASH_AFTER_COMMIT']) delete clean[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...clean,
      HOST: '127.0.0.1',
      PORT: String(port),
      OPERATOR_CLIENT_ID: OPERATOR.id,
      OPERATOR_CLIENT_SECRET: OPERATOR.secret,
      // The key the worker's shared app set the test database's vault up with.
      LEDGERLINE_MASTER_KEY: TEST_MASTER_KEY,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '0',
      SCHEDULER_INTERVAL_MS: '0',
      WEBHOOK_WORKER: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: killAll ends it and anything it started
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Polls /readyz until the server answers (bounded), failing early with its output if it exits. */
export async function waitReady(s: ServerProcess, withinMs = 120_000): Promise<void> {
  let gone = false;
  void s.exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${s.url}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server on ${s.port} did not become ready:\n${s.output()}`);
}

/** Ends the whole process group of every server this file started. */
export function killAll(): void {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

export async function tokenAt(url: string, id: string, secret: string): Promise<string> {
  const res = await fetch(`${url}/oauth2/token?grant_type=client_credentials`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Answer {
  status: number;
  body: any;
  raw: string;
  replay: boolean;
}

/** One request; a connection that dies before the answer rejects (as a crashed server does). */
export async function call(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(text !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(text !== undefined && { body: text }),
  });
  const raw = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { status: res.status, body: parsed, raw, replay: res.headers.get('x-l2f-idempotent-replay') === 'true' };
}
