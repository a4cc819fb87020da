/**
 * Two real server processes on one PostgreSQL (TEST_DATABASE_URL): 200 concurrent accepts split
 * across both never over-spend. PostgreSQL only: PGlite is one process's embedded database (a
 * second process on its DATA_DIR is refused; test/platform/process.test.ts proves that).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, OPERATOR } from '../helpers.js';
import { call, freePort, killAll, SERVER_DIR, type ServerProcess, startServer, tokenAt, waitReady } from '../server-process.js';
import { balances, createTransfer, fundedAccount, USD, verifyLedger } from './_fixtures.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const token = (port: number, id: string, secret: string) => tokenAt(`http://127.0.0.1:${port}`, id, secret);

describe.runIf(!!DATABASE_URL)('two server processes on one PostgreSQL', () => {
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) servers.push(startServer(await freePort(), { DATABASE_URL: DATABASE_URL as string }));
    await Promise.all(servers.map((s) => waitReady(s)));
  }, 180_000);
  afterAll(killAll);

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

  it('the same idempotency keys raced on both processes: one effect per key, the others replay or wait, balances equal their lines', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '50.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const [urlA, urlB] = servers.map((s) => s.url) as [string, string];
    const [tokenA, tokenB] = await Promise.all(servers.map((s) => tokenAt(s.url, t.clientId, t.secret)));
    const opTokens = await Promise.all(servers.map((s) => tokenAt(s.url, OPERATOR.id, OPERATOR.secret)));

    // 40 transfers of 2.00 against 50.00: each create and each accept sent to both processes at once,
    // with the same key; at most 25 can execute.
    const rounds = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const body = { source_account_id: source, destination_account_id: destination, amount: '2.00', description: `race ${i}` };
        const createKey = { 'x-l2f-idempotency-id': randomUUID() };
        const creates = await Promise.all([
          call(urlA, 'POST', '/v1/transfers', tokenA as string, body, createKey),
          call(urlB, 'POST', '/v1/transfers', tokenB as string, body, createKey),
        ]);
        const made = creates.find((c) => c.status === 200);
        if (!made) return { creates, accepts: [] };
        const acceptKey = { 'x-l2f-idempotency-id': randomUUID() };
        const path = `/v1/transfers/${made.body.data.id}/accept`;
        const accepts = await Promise.all([
          call(urlA, 'POST', path, tokenA as string, undefined, acceptKey),
          call(urlB, 'POST', path, tokenB as string, undefined, acceptKey),
        ]);
        return { creates, accepts };
      }),
    );
    // An adjustment key raced the same way: applied once.
    const adjustment = { account_id: destination, amount: '1.00', transaction_type: 'CREDIT_CORRECTION', reason: 'race' };
    const adjustKey = { 'x-l2f-idempotency-id': randomUUID(), 'x-l2f-client-id': t.clientId };
    const adjustments = await Promise.all(
      opTokens.map((tok, i) => call(servers[i]?.url as string, 'POST', '/v1/admin/adjustments', tok, adjustment, adjustKey)),
    );

    const outcome = (r: { status: number; replay: boolean; body: any }) =>
      r.replay ? 'replay' : r.status === 200 ? 'ran' : (r.body?.errors?.[0]?.code as string);
    for (const pair of [...rounds.map((r) => r.creates), ...rounds.filter((r) => r.accepts.length).map((r) => r.accepts), adjustments]) {
      // Exactly one of the two ran (to a success or a refusal); the other replayed its stored
      // answer, byte for byte, or found it still running (409).
      const kinds = pair.map(outcome);
      const others = kinds.filter((k) => k === 'replay' || k === 'IDEMPOTENCY_IN_PROGRESS');
      expect([kinds.length - others.length, others.length], kinds.join()).toEqual([1, 1]);
      const [a, b] = pair;
      if (a && b && a.status !== 409 && b.status !== 409) expect([a.status, a.raw]).toEqual([b.status, b.raw]);
    }
    // One transfer per create key; executed ones moved money once each.
    const listed = await call(urlA, 'GET', '/v1/transfers?page_size=100', tokenA as string);
    const mine = (listed.body.data.transfers as { description: string; status: string }[]).filter((x) => x.description.startsWith('race '));
    expect(mine).toHaveLength(40);
    expect(new Set(mine.map((x) => x.description)).size).toBe(40);
    const executed = mine.filter((x) => x.status === 'EXECUTED').length;
    expect(executed).toBe(25);
    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, destination)).toEqual({ current: '51', available: '51' });
    await verifyLedger(app);
    // The operator's command line says the same of the whole database.
    const cli = spawnSync('npm', ['run', '--silent', 'ledger:verify'], {
      cwd: SERVER_DIR,
      env: { ...process.env, DATABASE_URL },
      encoding: 'utf8',
    });
    expect([cli.status, cli.stdout.trim().split('\n').at(-1)], cli.stderr).toEqual([0, 'Ledger balanced.']);
  }, 300_000);
});
