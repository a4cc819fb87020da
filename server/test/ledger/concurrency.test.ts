/** Concurrent accepts through the real app: the ledger never over-spends and never goes negative. */
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { balances, createTransfer, fundedAccount, ok, USD, verifyLedger } from './_fixtures.js';

async function countByStatus(t: Tenant, status: string): Promise<number> {
  let n = 0;
  for (let page = 0; page < 10; page++) {
    const res = await t.api.get(`/v1/transfers?status=${status}&page=${page}&page_size=100`);
    n += res.body.data.transfers.length;
    if (!res.body.pagination.has_more) break;
  }
  return n;
}

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});

describe('concurrency', () => {
  it('200 concurrent accepts out of an account that affords 100: exactly 100 EXECUTED, balance exactly 0', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '37.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await createTransfer(t, source, destination, '0.37'));

    const results = await Promise.all(ids.map((id) => t.api.post(`/v1/transfers/${id}/accept`)));
    const executed = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(executed).toHaveLength(100);
    expect(executed.every((r) => r.body.data.status === 'EXECUTED')).toBe(true);
    expect(refused).toHaveLength(100);
    expect(new Set(refused.map((r) => `${r.status} ${r.body.errors[0].code}`))).toEqual(new Set(['400 INSUFFICIENT_FUNDS']));

    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, destination)).toEqual({ current: '37', available: '37' });
    expect([await countByStatus(t, 'EXECUTED'), await countByStatus(t, 'REQUESTED')]).toEqual([100, 100]);
    const lines = await ok(t.api.get(`/v1/transactions?account_id=${source}&category_type=TRANSFER&page_size=100&page=1`));
    expect(lines.transactions).toHaveLength(0); // exactly 100 INTERNAL_TRANSFER lines: page 1 of 100 is empty
    const first = await ok(t.api.get(`/v1/transactions?account_id=${source}&category_type=TRANSFER&page_size=100`));
    expect(first.transactions).toHaveLength(100);
    const balancesAfter = first.transactions.map((x: { balance_after: number }) => x.balance_after);
    expect(Math.min(...balancesAfter)).toBe(0);
    expect(balancesAfter[0]).toBe(0);
    await verifyLedger(app);
  }, 180_000);

  it('20 concurrent accepts of one transfer: one executes, the others are INVALID_STATUS_TRANSITION', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const id = await createTransfer(t, source, destination, 4);
    const results = await Promise.all(Array.from({ length: 20 }, () => t.api.post(`/v1/transfers/${id}/accept`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const codes = results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.errors[0].code}`);
    expect(codes).toEqual(Array(19).fill('400 INVALID_STATUS_TRANSITION'));
    expect(await balances(t.api, source)).toEqual({ current: '6', available: '6' });
    expect(await balances(t.api, destination)).toEqual({ current: '4', available: '4' });
    await verifyLedger(app);
  }, 60_000);

  it('20 concurrent accepts out of a DORMANT account all execute; it wakes up exactly once', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '20')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await createTransfer(t, source, destination, 1));
    await ok(t.api.patch(`/v1/accounts/deposits/${source}`, { status: 'DORMANT' }));
    const results = await Promise.all(ids.map((id) => t.api.post(`/v1/transfers/${id}/accept`)));
    expect(results.map((r) => `${r.status} ${r.body.data?.status ?? r.body.errors?.[0]?.code}`)).toEqual(Array(20).fill('200 EXECUTED'));
    expect((await ok(t.api.get(`/v1/accounts/deposits/${source}`))).status).toBe('OPEN');
    const history = (await ok(t.api.get(`/v1/accounts/deposits/${source}/history`))).history;
    expect(history.map((h: { before: string; after: string }) => `${h.before}>${h.after}`)).toEqual(['DORMANT>OPEN', 'OPEN>DORMANT']);
    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  }, 120_000);

  it('concurrent accepts out of 8 DORMANT accounts of one DORMANT customer all execute; all wake up', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id: first, customerId } = await fundedAccount(t, USD, '1');
    const sources = [first];
    for (let i = 1; i < 8; i++) sources.push((await fundedAccount(t, USD, '1', customerId)).id);
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (const s of sources) ids.push(await createTransfer(t, s, destination, 1));
    for (const s of sources) await ok(t.api.patch(`/v1/accounts/deposits/${s}`, { status: 'DORMANT' }));
    await ok(t.api.patch(`/v1/customers/${customerId}`, { status: 'DORMANT' }));
    const results = await Promise.all(ids.map((id) => t.api.post(`/v1/transfers/${id}/accept`)));
    expect(results.map((r) => `${r.status} ${r.body.data?.status ?? r.body.errors?.[0]?.code}`)).toEqual(Array(8).fill('200 EXECUTED'));
    expect((await ok(t.api.get(`/v1/customers/${customerId}`))).status).toBe('ACTIVE');
    for (const s of sources) expect((await ok(t.api.get(`/v1/accounts/deposits/${s}`))).status).toBe('OPEN');
    expect(await balances(t.api, destination)).toEqual({ current: '8', available: '8' });
    await verifyLedger(app);
  }, 120_000);

  it('concurrent transfers both ways between two accounts neither deadlock nor lose money', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const a = (await fundedAccount(t, USD, '15.00')).id;
    const b = (await fundedAccount(t, USD, '15.00')).id;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await createTransfer(t, i % 2 ? a : b, i % 2 ? b : a, '1.00'));
    const results = await Promise.all(ids.map((id) => t.api.post(`/v1/transfers/${id}/accept`)));
    // Each side sends 15 x 1.00 and starts with 15: every one of the 30 executes, whatever the order.
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const [ba, bb] = [await balances(t.api, a), await balances(t.api, b)];
    expect([ba.current, bb.current]).toEqual(['15', '15']);
    await verifyLedger(app);
  }, 60_000);
});
