/**
 * Exactly once across crashes (issue 9, docs/adr/0005): the real server process is killed
 * (SIGKILL) right after a request's unit of work commits and before any byte of its answer leaves
 * (LEDGERLINE_CRASH_AFTER_COMMIT). A retry with the same idempotency key, on a new process, gets
 * the committed answer — a replay — and nothing happens twice. For a create, a signed accept, an
 * adjustment and a simulated deposit. On PostgreSQL when TEST_DATABASE_URL is set, else on an
 * embedded database in a temporary DATA_DIR.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../helpers.js';
import { call, freePort, killAll, type ServerProcess, startServer, tokenAt, waitReady } from '../server-process.js';

const USD = 'FIAT_TESTNET_USD';
const KEY = 'x-l2f-idempotency-id';

let dataDir: string | undefined;
const storage = (): Record<string, string> => {
  if (process.env.TEST_DATABASE_URL) return { DATABASE_URL: process.env.TEST_DATABASE_URL };
  dataDir ??= mkdtempSync(join(tmpdir(), 'ledgerline-crash-'));
  return { DATA_DIR: dataDir };
};

async function stop(s: ServerProcess): Promise<void> {
  if (s.child.pid) process.kill(-s.child.pid, 'SIGTERM');
  await s.exited;
}

interface Case {
  name: string;
  crashOn: string;
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
  token: 'client' | 'operator';
  /** Signed anew at every attempt (as clients must: a signature is accepted once, within 300 s). */
  signed?: boolean;
}

describe('a crash between COMMIT and the answer', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  let client: { id: string; secret: string };
  let transferToAccept: string;
  let memo: string;
  const cases: Case[] = [];
  const headersOf = (c: Case): Record<string, string> => {
    if (!c.signed) return c.headers;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}${c.method}${c.path}${c.body ?? ''}`), privateKey).toString('hex');
    return { ...c.headers, 'x-timestamp': ts, 'x-signature': signature };
  };

  beforeAll(async () => {
    // Set-up on a process that does not crash.
    const setup = startServer(await freePort(), storage());
    await waitReady(setup);
    const op = await tokenAt(setup.url, OPERATOR.id, OPERATOR.secret);
    const created = await call(setup.url, 'POST', '/v1/admin/clients', op, { name: 'crash', regulated: true, signing_required: true });
    client = { id: created.body.data.client_id, secret: created.body.data.client_secret };
    const t = await tokenAt(setup.url, client.id, client.secret);
    const asClient = { 'x-l2f-client-id': client.id };
    expect(
      (await call(setup.url, 'POST', '/v1/signing-keys', t, { public_key: publicKey.export({ format: 'pem', type: 'spki' }).toString() }))
        .status,
    ).toBe(200);
    expect(
      (await call(setup.url, 'POST', '/v1/customers', t, { id: 'crash-co', customer_type: 'CORPORATION', registered_name: 'Crash Co' }))
        .status,
    ).toBe(200);
    for (const id of ['crash-a', 'crash-b']) {
      const open = await call(setup.url, 'POST', '/v1/accounts/deposits', t, {
        customer_id: 'crash-co',
        account_to_open: { account_id: id, product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
      });
      expect(open.status).toBe(200);
    }
    const fund = { account_id: 'crash-a', amount: '100.00', transaction_type: 'CREDIT_CORRECTION', reason: 'opening funds' };
    expect((await call(setup.url, 'POST', '/v1/admin/adjustments', op, fund, asClient)).status).toBe(200);
    const transfer = await call(setup.url, 'POST', '/v1/transfers', t, {
      source_account_id: 'crash-a',
      destination_account_id: 'crash-b',
      amount: '30.00',
    });
    transferToAccept = transfer.body.data.id;
    const push = await call(setup.url, 'POST', '/v1/deposits', t, {
      deposit_type: 'PUSH',
      deposit_destination: { destination_account_id: 'crash-b' },
    });
    memo = push.body.data.deposit_source.deposit_instructions[0].memo;
    expect(memo).toMatch(/^LL/);
    await stop(setup);

    const acceptPath = `/v1/transfers/${transferToAccept}/accept`;
    cases.push(
      {
        name: 'create',
        crashOn: '^/v1/transfers$',
        method: 'POST',
        path: '/v1/transfers',
        body: JSON.stringify({
          source_account_id: 'crash-a',
          destination_account_id: 'crash-b',
          amount: '7.00',
          description: 'crash create',
        }),
        headers: { [KEY]: randomUUID() },
        token: 'client',
      },
      {
        name: 'signed accept',
        crashOn: '/accept$',
        method: 'POST',
        path: acceptPath,
        headers: { [KEY]: randomUUID() },
        token: 'client',
        signed: true,
      },
      {
        name: 'adjustment',
        crashOn: '^/v1/admin/adjustments$',
        method: 'POST',
        path: '/v1/admin/adjustments',
        body: JSON.stringify({ account_id: 'crash-b', amount: '5.25', transaction_type: 'CREDIT_CORRECTION', reason: 'crash adjustment' }),
        headers: { [KEY]: randomUUID(), 'x-l2f-client-id': client.id },
        token: 'operator',
      },
      {
        name: 'simulated deposit',
        crashOn: '^/v1/simulations/deposits$',
        method: 'POST',
        path: '/v1/simulations/deposits',
        body: JSON.stringify({ rail: 'ACH', asset_type_id: USD, amount: '12.50', memo }),
        headers: { [KEY]: randomUUID() },
        token: 'client',
      },
    );

    // Each request on its own process set to die right after that request's COMMIT.
    for (const c of cases) {
      const doomed = startServer(await freePort(), { ...storage(), LEDGERLINE_CRASH_AFTER_COMMIT: c.crashOn });
      await waitReady(doomed);
      const token =
        c.token === 'client'
          ? await tokenAt(doomed.url, client.id, client.secret)
          : await tokenAt(doomed.url, OPERATOR.id, OPERATOR.secret);
      await expect(call(doomed.url, c.method, c.path, token, c.body, headersOf(c)), c.name).rejects.toThrow();
      const end = await doomed.exited;
      expect(end.code === 0, c.name).toBe(false);
      expect(doomed.output(), c.name).toContain(`killing this process after the commit of ${c.method} ${c.path}`);
    }
  }, 600_000);

  afterAll(() => {
    killAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the retry on a new process gets the committed answer, and each change happened exactly once', async () => {
    const server = startServer(await freePort(), storage());
    await waitReady(server);
    const t = await tokenAt(server.url, client.id, client.secret);
    const op = await tokenAt(server.url, OPERATOR.id, OPERATOR.secret);
    const retry = (c: Case) => call(server.url, c.method, c.path, c.token === 'client' ? t : op, c.body, headersOf(c));
    const [create, accept, adjustment, deposit] = await Promise.all(cases.map(retry));

    for (const [c, r] of [
      [cases[0], create],
      [cases[1], accept],
      [cases[2], adjustment],
      [cases[3], deposit],
    ] as const) {
      expect([c?.name, r?.status, r?.replay], r?.raw).toEqual([c?.name, 200, true]);
    }
    expect(create?.body.data).toMatchObject({ status: 'REQUESTED', description: 'crash create', source_details: { amount_to_debit: 7 } });
    expect(accept?.body.data).toMatchObject({ id: transferToAccept, status: 'EXECUTED' });
    expect(adjustment?.body.data).toMatchObject({ status: 'EXECUTED', account_id: 'crash-b', transaction_type: 'CREDIT_CORRECTION' });
    expect(deposit?.body.data).toMatchObject({ matched: true, account_id: 'crash-b' });

    // Exactly one effect each: one "crash create" transfer, balances moved once.
    const transfers = await call(server.url, 'GET', '/v1/transfers?page_size=100', t);
    expect(transfers.body.data.transfers.filter((x: { description: string }) => x.description === 'crash create')).toHaveLength(1);
    const a = await call(server.url, 'GET', '/v1/accounts/deposits/crash-a', t);
    const b = await call(server.url, 'GET', '/v1/accounts/deposits/crash-b', t);
    expect([a.body.data.current_balance, a.body.data.available_balance]).toEqual([70, 70]); // 100 - 30
    expect([b.body.data.current_balance, b.body.data.available_balance]).toEqual([47.75, 47.75]); // 30 + 5.25 + 12.50
    const txns = await call(server.url, 'GET', '/v1/accounts/deposits/crash-b/transactions', t);
    expect(txns.body.data.transactions.map((x: { value: number }) => x.value).sort((x: number, y: number) => x - y)).toEqual([
      5.25, 12.5, 30,
    ]);
    const verify = await call(server.url, 'GET', '/v1/admin/ledger/verify', op);
    expect(verify.body.data).toMatchObject({ balanced: true, mismatched_accounts: [] });
    await stop(server);
  }, 300_000);
});
