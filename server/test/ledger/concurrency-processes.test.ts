/**
 * Two real server processes on one PostgreSQL (TEST_DATABASE_URL): 200 concurrent accepts split
 * across both never over-spend. PostgreSQL only: PGlite is one process's embedded database (a
 * second process on its DATA_DIR is refused; test/platform/process.test.ts proves that).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, OPERATOR } from '../helpers.js';
import { balances, createTransfer, fundedAccount, USD, verifyLedger } from './_fixtures.js';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATABASE_URL = process.env.TEST_DATABASE_URL;

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

interface Server {
  child: ChildProcess;
  port: number;
  output: () => string;
}

function startServer(port: number): Server {
  const env = { ...process.env };
  for (const k of ['DATA_DIR', 'TEST_DATABASE_URL', 'LEDGERLINE_MODE']) delete env[k];
  const child = spawn('npx', ['tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...env,
      DATABASE_URL: DATABASE_URL as string,
      HOST: '127.0.0.1',
      PORT: String(port),
      OPERATOR_CLIENT_ID: OPERATOR.id,
      OPERATOR_CLIENT_SECRET: OPERATOR.secret,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: afterAll ends npx, tsx and node together
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return { child, port, output: () => out };
}

async function waitReady(s: Server): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (s.child.exitCode !== null) break;
    try {
      if ((await fetch(`http://127.0.0.1:${s.port}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on ${s.port} did not become ready:\n${s.output()}`);
}

async function token(port: number, id: string, secret: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/oauth2/token?grant_type=client_credentials`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe.runIf(!!DATABASE_URL)('two server processes on one PostgreSQL', () => {
  const servers: Server[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) servers.push(startServer(await freePort()));
    await Promise.all(servers.map(waitReady));
  }, 120_000);
  afterAll(() => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.pid) {
        try {
          process.kill(-s.child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  });

  it('200 concurrent accepts split across both: exactly 100 EXECUTED, available exactly 0', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await createTransfer(t, source, destination, '1.00'));
    const tokens = await Promise.all(servers.map((s) => token(s.port, t.clientId, t.secret)));

    const results = await Promise.all(
      ids.map(async (id, i) => {
        const res = await fetch(`http://127.0.0.1:${servers[i % 2]?.port}/v1/transfers/${id}/accept`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[i % 2]}` },
        });
        const body = (await res.json()) as { data?: { status: string }; errors?: { code: string }[] };
        return { server: i % 2, status: res.status, outcome: body.data?.status ?? body.errors?.[0]?.code };
      }),
    );
    const tally = new Map<string, number>();
    for (const r of results) tally.set(`${r.status} ${r.outcome}`, (tally.get(`${r.status} ${r.outcome}`) ?? 0) + 1);
    expect(Object.fromEntries(tally)).toEqual({ '200 EXECUTED': 100, '400 INSUFFICIENT_FUNDS': 100 });
    // Each process answered its hundred, every one with one of the two outcomes.
    for (const server of [0, 1]) expect(results.filter((r) => r.server === server && [200, 400].includes(r.status))).toHaveLength(100);
    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, destination)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  }, 180_000);
});
