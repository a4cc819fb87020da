/** Two-phase holds through LedgerService directly: authorize -> post (all or part) | void, once. */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/client.js';
import { ledgerAccounts, ledgerHolds } from '../../src/db/schema.js';
import { ownTransaction } from '../../src/jobs/scheduler.js';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { adjust, balances, createTransfer, expectError, fundedAccount, ledgerIdOf, ok, USD, verifyLedger } from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

interface Setup {
  app: FastifyInstance;
  t: Tenant;
  a: string;
  b: string;
  la: bigint;
  lb: bigint;
}

/** Account a (funded with `funds` USD) and empty b, with their ledger ids. */
async function setup(funds = '100.00'): Promise<Setup> {
  const app = await getApp();
  const t = await newTenant(app);
  const a = (await fundedAccount(t, USD, funds)).id;
  const b = (await fundedAccount(t, USD)).id;
  return { app, t, a, b, la: await ledgerIdOf(app, t.clientId, a), lb: await ledgerIdOf(app, t.clientId, b) };
}

const run = <T>(app: FastifyInstance, fn: (tx: Tx) => Promise<T>) => ownTransaction(app.ledgerline.database, fn);

function authorize(s: Setup, amount: bigint, categoryId = `hold-${s.a}`, expiresAt?: Date) {
  return run(s.app, (tx) =>
    s.app.ledgerline.services.ledger.authorize(tx, {
      clientId: s.t.clientId,
      debit: { ledgerAccountId: s.la, accountRef: s.a, transactionType: 'TRANSFER_OUT' },
      credit: { ledgerAccountId: s.lb, accountRef: s.b, transactionType: 'TRANSFER_IN' },
      visible: { debit: true, credit: true },
      amount,
      categoryType: 'TRANSFER',
      categoryId,
      expiresAt: expiresAt ?? null,
      at: new Date(),
    }),
  );
}

function postHold(
  s: Setup,
  hold: bigint,
  amount: bigint,
  lines: { from: bigint; to: bigint; amount: bigint } = { from: s.la, to: s.lb, amount },
) {
  return run(s.app, (tx) =>
    s.app.ledgerline.services.ledger.postHold(tx, hold, amount, 'posted', new Date(), [
      { ledgerAccountId: lines.from, amount: -lines.amount, transactionType: 'TRANSFER_OUT', accountRef: lines.from === s.la ? s.a : s.b },
      { ledgerAccountId: lines.to, amount: lines.amount, transactionType: 'TRANSFER_IN', accountRef: lines.to === s.lb ? s.b : s.a },
    ]),
  );
}

const voidHold = (s: Setup, hold: bigint) => run(s.app, (tx) => s.app.ledgerline.services.ledger.voidHold(tx, hold, 'VOIDED', new Date()));

async function stored(s: Setup, id: bigint) {
  const [row] = await s.app.ledgerline.database.db.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, id));
  return [row?.posted, row?.pendingOut, row?.pendingIn];
}
async function holdRow(s: Setup, id: bigint) {
  const [row] = await s.app.ledgerline.database.db.select().from(ledgerHolds).where(eq(ledgerHolds.id, id));
  return [row?.status, row?.amount, row?.postedAmount];
}
const txnsOf = async (s: Setup, account: string) =>
  ((await ok(s.t.api.get(`/v1/accounts/deposits/${account}/transactions`))).transactions as Record<string, unknown>[]).map((x) => [
    x.transaction_status,
    x.value,
    x.balance_after,
  ]);

describe('ledger holds', () => {
  it('authorize lowers available, not current; posting part releases the remainder', async () => {
    const s = await setup('100.00');
    const hold = await authorize(s, 4000n);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '100', available: '60' });
    expect(await balances(s.t.api, s.b)).toEqual({ current: '0', available: '0' });
    expect(await stored(s, s.la)).toEqual([10000n, 4000n, 0n]);
    expect(await stored(s, s.lb)).toEqual([0n, 0n, 4000n]);
    expect(await holdRow(s, hold)).toEqual(['OPEN', 4000n, null]);
    expect((await txnsOf(s, s.a))[0]).toEqual(['AUTHORIZED', -40, null]);
    expect(await txnsOf(s, s.b)).toEqual([['AUTHORIZED', 40, null]]);

    await postHold(s, hold, 2550n);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '74.5', available: '74.5' });
    expect(await balances(s.t.api, s.b)).toEqual({ current: '25.5', available: '25.5' });
    expect(await stored(s, s.la)).toEqual([7450n, 0n, 0n]);
    expect(await stored(s, s.lb)).toEqual([2550n, 0n, 0n]);
    expect(await holdRow(s, hold)).toEqual(['POSTED', 4000n, 2550n]);
    expect(await txnsOf(s, s.a)).toEqual([
      ['POSTED', -25.5, 74.5],
      ['CANCELLED', -40, null],
      ['POSTED', 100, 100],
    ]);
    expect(await txnsOf(s, s.b)).toEqual([
      ['POSTED', 25.5, 25.5],
      ['CANCELLED', 40, null],
    ]);
  });

  it('void releases the hold; each terminal state is reached exactly once', async () => {
    const s = await setup('10.00');
    const voided = await authorize(s, 700n);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '10', available: '3' });
    await voidHold(s, voided);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '10', available: '10' });
    expect(await stored(s, s.lb)).toEqual([0n, 0n, 0n]);
    expect(await holdRow(s, voided)).toEqual(['VOIDED', 700n, null]);
    await expect(voidHold(s, voided)).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });
    await expect(postHold(s, voided, 700n)).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });

    const posted = await authorize(s, 300n);
    await postHold(s, posted, 300n);
    await expect(postHold(s, posted, 300n)).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });
    await expect(voidHold(s, posted)).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });
    expect(await holdRow(s, posted)).toEqual(['POSTED', 300n, 300n]);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '7', available: '7' });
    expect(await balances(s.t.api, s.b)).toEqual({ current: '3', available: '3' });
    expect((await txnsOf(s, s.a)).map((x) => x[0])).toEqual(['POSTED', 'CANCELLED', 'CANCELLED', 'POSTED']);
  });

  it('authorize beyond available is INSUFFICIENT_FUNDS; holds bound debits and transfers', async () => {
    const s = await setup('10.00');
    await expect(authorize(s, 1001n)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const hold = await authorize(s, 600n);
    await expect(authorize(s, 401n)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expectError(await adjust(s.t, s.a, '4.01', 'DEBIT_CORRECTION'), 400, 'INSUFFICIENT_FUNDS');
    const transfer = await createTransfer(s.t, s.a, s.b, '4.01');
    expectError(await s.t.api.post(`/v1/transfers/${transfer}/accept`), 400, 'INSUFFICIENT_FUNDS');
    expect(await balances(s.t.api, s.a)).toEqual({ current: '10', available: '4' });
    await voidHold(s, hold);
    expect((await ok(s.t.api.post(`/v1/transfers/${transfer}/accept`))).status).toBe('EXECUTED');
    expect(await balances(s.t.api, s.a)).toEqual({ current: '5.99', available: '5.99' });
  });

  it('holdPending moves the hold rows to PENDING; the hold still posts once', async () => {
    const s = await setup('10.00');
    const hold = await authorize(s, 250n);
    await run(s.app, (tx) => s.app.ledgerline.services.ledger.holdPending(tx, hold));
    expect((await txnsOf(s, s.a))[0]).toEqual(['PENDING', -2.5, null]);
    expect((await ok(s.t.api.get(`/v1/transactions?transaction_status=PENDING`))).transactions).toHaveLength(2);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '10', available: '7.5' });
    await postHold(s, hold, 250n);
    await expect(run(s.app, (tx) => s.app.ledgerline.services.ledger.holdPending(tx, hold))).rejects.toMatchObject({
      code: 'INVALID_STATUS_TRANSITION',
    });
    expect(await balances(s.t.api, s.a)).toEqual({ current: '7.5', available: '7.5' });
  });

  it('refuses to post more than authorized, or nothing, and leaves the hold open', async () => {
    const s = await setup('10.00');
    const hold = await authorize(s, 500n);
    await expect(postHold(s, hold, 501n)).rejects.toThrow();
    await expect(postHold(s, hold, 0n)).rejects.toThrow();
    expect(await holdRow(s, hold)).toEqual(['OPEN', 500n, null]);
    expect(await stored(s, s.la)).toEqual([1000n, 500n, 0n]);
    await voidHold(s, hold);
  });

  it("refuses a hold posting whose lines do not move the posted amount between the hold's accounts", async () => {
    const s = await setup('10.00');
    const c = (await fundedAccount(s.t, USD)).id;
    const lc = await ledgerIdOf(s.app, s.t.clientId, c);
    const hold = await authorize(s, 500n);
    // Lines of another amount than the one recorded as posted.
    await expect(postHold(s, hold, 100n, { from: s.la, to: s.lb, amount: 900n })).rejects.toThrow();
    // Lines to an account that is not the hold's credit account.
    await expect(postHold(s, hold, 100n, { from: s.la, to: lc, amount: 100n })).rejects.toThrow();
    expect(await holdRow(s, hold)).toEqual(['OPEN', 500n, null]);
    expect(await balances(s.t.api, c)).toEqual({ current: '0', available: '0' });
  });

  it('expires by time: the sweeper releases an open hold past expires_at as EXPIRED, at that instant, once', async () => {
    const s = await setup('10.00');
    const expiresAt = new Date(Date.now() + 60_000);
    const hold = await authorize(s, 400n, `hold-${s.a}`, expiresAt);
    const { scheduler } = s.app.ledgerline;
    // Not yet due: nothing changes.
    expect((await scheduler.runDue(s.t.clientId)).holds).toBe(0);
    expect(await holdRow(s, hold)).toEqual(['OPEN', 400n, null]);
    // Two minutes later (this client's pass only): released, available restored, hold rows CANCELLED.
    expect((await scheduler.runDue(s.t.clientId, 120_000)).holds).toBe(1);
    expect(await holdRow(s, hold)).toEqual(['EXPIRED', 400n, null]);
    const [row] = await s.app.ledgerline.database.db.select().from(ledgerHolds).where(eq(ledgerHolds.id, hold));
    expect(row?.resolvedAt?.toISOString()).toBe(expiresAt.toISOString());
    expect(await stored(s, s.la)).toEqual([1000n, 0n, 0n]);
    expect(await stored(s, s.lb)).toEqual([0n, 0n, 0n]);
    expect(await balances(s.t.api, s.a)).toEqual({ current: '10', available: '10' });
    expect((await txnsOf(s, s.a))[0]).toEqual(['CANCELLED', -4, null]);
    // Once: a second pass finds nothing, and the hold can no longer be posted.
    expect((await scheduler.runDue(s.t.clientId, 240_000)).holds).toBe(0);
    await expect(postHold(s, hold, 400n)).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });
  });

  it("refuses, in the database itself, a posting or a hold on another client's customer account", async () => {
    const s = await setup('10.00');
    const other = await setup('10.00');
    const { ledger } = s.app.ledgerline.services;
    await expect(
      run(s.app, (tx) =>
        ledger.post(tx, {
          clientId: s.t.clientId,
          categoryType: 'TRANSFER',
          categoryId: 'cross-tenant',
          at: new Date(),
          lines: [
            { ledgerAccountId: s.la, amount: 100n, transactionType: 'TRANSFER_IN', accountRef: s.a },
            { ledgerAccountId: other.la, amount: -100n, transactionType: 'TRANSFER_OUT', accountRef: other.a },
          ],
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      run(s.app, (tx) =>
        ledger.authorize(tx, {
          clientId: s.t.clientId,
          debit: { ledgerAccountId: other.la, transactionType: 'TRANSFER_OUT' },
          credit: { ledgerAccountId: s.lb, transactionType: 'TRANSFER_IN' },
          visible: { debit: false, credit: false },
          amount: 100n,
          categoryType: 'TRANSFER',
          categoryId: 'cross-tenant',
          at: new Date(),
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await stored(s, s.la)).toEqual([1000n, 0n, 0n]);
    expect(await stored(s, other.la)).toEqual([1000n, 0n, 0n]);
    expect(await balances(other.t.api, other.a)).toEqual({ current: '10', available: '10' });
  });
});
