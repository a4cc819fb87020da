/**
 * At least once, across a crash: events are written while no worker runs; a real server process
 * (`node --import tsx src/main.ts`) starts delivering them, and is SIGKILLed while deliveries are in flight
 * (the receiver holds every answer); after a restart every event arrives at least once, each
 * verified with its subscription's key, and nothing arrives that is not a real event.
 * Storage: a fresh PostgreSQL database when TEST_DATABASE_URL is set, else an embedded one on disk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/index.js';
import { databaseUrl, dropDatabase, recreateDatabase } from '../../src/db/admin.js';
import { events } from '../../src/db/schema.js';
import { newTenant, OPERATOR } from '../helpers.js';
import { newCustomer, Receiver, subscribe, until } from './_support.js';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

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

/** A database of this test's own: nobody else's worker may deliver (or hold) its events. */
async function freshStorage(): Promise<Record<string, string>> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-webhooks-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return { DATA_DIR: dir };
  }
  const url = databaseUrl(base, `wh_restart_${process.pid}_${Date.now().toString(36)}`);
  await recreateDatabase(url);
  cleanups.push(() => dropDatabase(url));
  return { DATABASE_URL: url };
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startServer(env: Record<string, string>): Proc {
  const clean = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEST_DATABASE_URL', 'DATA_DIR', 'LEDGERLINE_MODE', 'WEBHOOK_WORKER']) delete clean[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...clean, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: it dies with anything it started
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

async function waitHealthy(proc: Proc, port: number): Promise<void> {
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not become healthy:\n${proc.output()}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let receiver: Receiver;
beforeAll(async () => {
  receiver = await new Receiver().start();
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  await receiver.close();
  for (const c of cleanups) await c();
});

describe('webhook delivery across a crash', () => {
  it('delivers every event at least once after a SIGKILL and a restart, and invents none', { timeout: 240_000 }, async () => {
    const storage = await freshStorage();
    const env = {
      ...storage,
      OPERATOR_CLIENT_ID: OPERATOR.id,
      OPERATOR_CLIENT_SECRET: OPERATOR.secret,
      SEED_DEMO: 'false',
      RATE_LIMIT_PER_SECOND: '0',
      WEBHOOK_TIMEOUT_MS: '4000',
    };

    // 1. Events are written while no worker runs.
    const app = await buildApp(loadConfig({ ...env, LOG_LEVEL: 'silent', WEBHOOK_WORKER: 'false' }));
    let clientId: string;
    let truth: { id: string; eventType: string; eventData: unknown }[];
    const keys: Record<string, string> = {};
    try {
      await bootstrap(app);
      const t = await newTenant(app);
      clientId = t.clientId;
      const active = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url('/active'));
      const frozen = await subscribe(t.api, 'CUSTOMER_FROZEN', receiver.url('/frozen'));
      await subscribe(t.api, 'CUSTOMER_CLOSED', receiver.url('/closed'));
      keys['/active'] = active.key;
      keys['/frozen'] = frozen.key;
      receiver.expectKey('/active', active.key);
      receiver.expectKey('/frozen', frozen.key);
      const customers: string[] = [];
      for (let i = 0; i < 20; i++) customers.push(await newCustomer(t.api));
      for (const id of customers.slice(0, 5)) {
        const res = await t.api.patch(`/v1/customers/${id}`, { status: 'FROZEN' });
        expect(res.status, res.raw).toBe(200);
      }
      truth = await app.ledgerline.database.db
        .select({ id: events.id, eventType: events.eventType, eventData: events.eventData })
        .from(events)
        .where(eq(events.clientId, clientId))
        .orderBy(asc(events.seq));
    } finally {
      await app.close();
    }
    expect(truth.map((e) => e.eventType).sort()).toEqual([...Array(20).fill('CUSTOMER_ACTIVE'), ...Array(5).fill('CUSTOMER_FROZEN')]);
    const byId = new Map(truth.map((e) => [e.id, e]));

    // 2. A server delivers; the receiver holds every answer; the server dies mid-flight.
    let holding = true;
    for (const path of ['/active', '/frozen']) receiver.answer(path, () => (holding ? 'hang' : 200));
    const port = await freePort();
    const first = startServer({ ...env, PORT: String(port), LOG_LEVEL: 'warn' });
    await waitHealthy(first, port);
    await until(
      'the first deliveries',
      () => sleep(20),
      () => receiver.received.length >= 3,
      60_000,
    );
    process.kill(-(first.child.pid as number), 'SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The receiver answered none of them: every event was still pending when the server died.
    expect(new Set(receiver.received.map((r) => r.eventId)).size).toBeGreaterThanOrEqual(3);

    // 3. After a restart, everything arrives (the dead process's claims expire).
    holding = false;
    const second = startServer({ ...env, PORT: String(port), LOG_LEVEL: 'warn' });
    await waitHealthy(second, port);
    await until(
      'every event',
      () => sleep(100),
      () => new Set(receiver.received.map((r) => r.eventId)).size >= truth.length,
      120_000,
    );

    // Every delivery is recorded DELIVERED (asked through the API of the restarted server).
    const basic = Buffer.from(`${OPERATOR.id}:${OPERATOR.secret}`).toString('base64');
    const token = await fetch(`http://127.0.0.1:${port}/oauth2/token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    const headers = { authorization: `Bearer ${token}`, 'x-l2f-client-id': clientId };
    const subs = (await fetch(`http://127.0.0.1:${port}/v1/subscriptions`, { headers }).then((r) => r.json())) as any;
    const statuses = async () => {
      const all: string[] = [];
      for (const s of subs.data.subscriptions) {
        const res = (await fetch(`http://127.0.0.1:${port}/v1/subscriptions/${s.id}/deliveries?page_size=100`, { headers }).then((r) =>
          r.json(),
        )) as any;
        all.push(...res.data.deliveries.map((d: any) => `${s.event_type}:${d.status}`));
      }
      return all.sort();
    };
    const expected = [...Array(20).fill('CUSTOMER_ACTIVE:DELIVERED'), ...Array(5).fill('CUSTOMER_FROZEN:DELIVERED')];
    await until(
      'every delivery recorded',
      () => sleep(200),
      async () => JSON.stringify(await statuses()) === JSON.stringify(expected),
      60_000,
    );

    process.kill(-(second.child.pid as number), 'SIGTERM');
    await second.exited;

    // Nothing invented: each request is a real event of the tenant, of the subscribed type, as written, and signed.
    const wanted: Record<string, string> = { '/active': 'CUSTOMER_ACTIVE', '/frozen': 'CUSTOMER_FROZEN' };
    for (const r of receiver.received) {
      expect(Object.keys(wanted)).toContain(r.path);
      const event = byId.get(r.eventId);
      expect(event, r.eventId).toBeDefined();
      expect(r.verified).toBe(true);
      expect(r.body.event_id).toBe(r.eventId);
      expect(r.body.event_type).toBe(event?.eventType);
      expect(r.body.event_type).toBe(wanted[r.path]);
      expect(r.body.event_data).toEqual(event?.eventData);
    }
    expect(new Set(receiver.received.map((r) => r.eventId))).toEqual(new Set(byId.keys()));
    expect(receiver.at('/closed')).toEqual([]);
  });
});
