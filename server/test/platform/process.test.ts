/**
 * The real process (CONTRACT §1): `node --import tsx src/main.ts` on an embedded database in a temporary
 * DATA_DIR, talked to over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Generous: a cold start (tsx compile, PGlite init, migrations, scrypt) takes ~20 s on a loaded
// 2-CPU machine, more while other test files run beside it.
const LONG = 300_000;
const HEALTHY_WITHIN_MS = 200_000; // beside the CLI, packed-SDK and README tests, which start processes too

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

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

function start(env: Record<string, string>): Proc {
  const clean = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEST_DATABASE_URL', 'OPERATOR_CLIENT_ID', 'OPERATOR_CLIENT_SECRET', 'LEDGERLINE_MODE', 'SEED_DEMO']) {
    delete clean[k];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...clean, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so afterAll can end it and anything it started
  });
  children.push(child);
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
  return { child, output: () => out, exited };
}

/** Polls /healthz (bounded wait); fails early, with the output, if the process exits. */
async function waitHealthy(proc: Proc, port: number): Promise<void> {
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not become healthy:\n${proc.output()}`);
}

async function http(port: number, method: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

async function bearer(port: number, id: string, secret: string): Promise<string> {
  const basic = Buffer.from(`${id}:${secret}`).toString('base64');
  const res = await http(port, 'POST', '/oauth2/token?grant_type=client_credentials', { authorization: `Basic ${basic}` });
  expect(res.status).toBe(200);
  return `Bearer ${res.body.access_token}`;
}

/** SIGTERM to the server (its pid is in the lock file). */
async function stop(proc: Proc, dataDir: string) {
  const pid = Number(readFileSync(join(dataDir, 'ledgerline.lock'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  return proc.exited;
}

const demoCustomers = (body: any) =>
  (body.data.customers as { id: string; customer_type: string; status: string }[])
    .map((c) => ({ id: c.id, customer_type: c.customer_type, status: c.status }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('the server process', () => {
  let dataDir: string;
  let port: number;
  let first: Proc;
  let creds: { operator: { client_id: string; client_secret: string }; demo: { client_id: string; client_secret: string } };
  let customersBefore: unknown;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-proc-'));
    dirs.push(dataDir);
    port = await freePort();
  });

  afterAll(() => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'starts, answers /healthz, prints and stores the sandbox credentials, seeds two demo customers',
    async () => {
      first = start({ DATA_DIR: dataDir, PORT: String(port) });
      await waitHealthy(first, port);
      expect(await http(port, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect((await http(port, 'GET', '/readyz')).body).toEqual({ status: 'ready' });

      const file = join(dataDir, 'sandbox-credentials.json');
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      creds = JSON.parse(readFileSync(file, 'utf8'));
      expect(creds.operator.client_id).toMatch(/^op_/);
      expect(creds.demo.client_id).toMatch(/^cli_/);
      const out = first.output();
      expect(out).toContain(`operator  client_id=${creds.operator.client_id}  client_secret=${creds.operator.client_secret}`);
      expect(out).toContain(`demo      client_id=${creds.demo.client_id}  client_secret=${creds.demo.client_secret}`);
      expect(readFileSync(join(dataDir, 'ledgerline.lock'), 'utf8')).toMatch(/^\d+$/);

      const auth = await bearer(port, creds.demo.client_id, creds.demo.client_secret);
      const list = await http(port, 'GET', '/v1/customers', { authorization: auth });
      expect(list.status).toBe(200);
      customersBefore = demoCustomers(list.body);
      expect(customersBefore).toEqual([
        { id: 'demo-corporation', customer_type: 'CORPORATION', status: 'ACTIVE' },
        { id: 'demo-individual', customer_type: 'INDIVIDUAL', status: 'ACTIVE' },
      ]);
    },
    LONG,
  );

  it(
    'a second process on the same DATA_DIR exits non-zero, saying the directory is in use',
    async () => {
      const second = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
      const { code } = await second.exited;
      expect(code).toBe(75); // EX_TEMPFAIL
      expect(second.output()).toContain('in use');
      expect((await http(port, 'GET', '/healthz')).status).toBe(200); // the first one is unharmed
    },
    LONG,
  );

  it(
    'SIGTERM: exits 0 and removes the lock; a restart keeps the data and prints no credentials',
    async () => {
      const { code, signal } = await stop(first, dataDir);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(existsSync(join(dataDir, 'ledgerline.lock'))).toBe(false);

      const again = start({ DATA_DIR: dataDir, PORT: String(port) });
      await waitHealthy(again, port);
      expect(again.output()).not.toContain('client_secret=');
      expect(again.output()).not.toContain('sandbox credentials');

      const auth = await bearer(port, creds.demo.client_id, creds.demo.client_secret);
      const list = await http(port, 'GET', '/v1/customers', { authorization: auth });
      expect(demoCustomers(list.body)).toEqual(customersBefore);

      const op = await bearer(port, creds.operator.client_id, creds.operator.client_secret);
      const clients = await http(port, 'GET', '/v1/admin/clients', { authorization: op });
      expect(clients.status).toBe(200);
      expect(clients.body.data.clients.map((c: { client_id: string }) => c.client_id)).toEqual([creds.demo.client_id]);

      const stopped = await stop(again, dataDir);
      expect(stopped.code).toBe(0);
      expect(existsSync(join(dataDir, 'ledgerline.lock'))).toBe(false);
    },
    LONG,
  );

  it(
    'a bad configuration (PORT=abc) exits non-zero with a message naming PORT',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledgerline-proc-'));
      dirs.push(dir);
      const bad = start({ DATA_DIR: dir, PORT: 'abc' });
      const { code } = await bad.exited;
      expect(code).toBe(78); // EX_CONFIG
      expect(bad.output()).toContain('Invalid configuration: PORT must be a whole number, got "abc"');
      expect(existsSync(join(dir, 'ledgerline.lock'))).toBe(false);
    },
    LONG,
  );
});
