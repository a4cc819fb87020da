/**
 * The ledger check in pages (GET /v1/admin/ledger/verify/accounts and …/assets): together they
 * say what GET /v1/admin/ledger/verify says, and a page finds the account it covers when broken.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyAssets, verifyCustomerAccountsPage } from '../../src/modules/ledger/index.js';
import { getApp, newTenant, operatorApi } from '../helpers.js';
import { createTransfer, fundedAccount, ledgerIdOf, USD } from './_fixtures.js';

describe('paged ledger verification', () => {
  it('pages through every customer account, in order, and agrees with the full check', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const a = (await fundedAccount(t, USD, '50.00')).id;
    const b = (await fundedAccount(t, USD)).id;
    await fundedAccount(t, USD); // three accounts at least: two pages of two
    const trf = await createTransfer(t, a, b, '12.34');
    expect((await t.api.post(`/v1/transfers/${trf}/accept`)).status).toBe(200);
    const op = await operatorApi(app);

    const first = await op.get('/v1/admin/ledger/verify/accounts?limit=2');
    expect(first.status, first.raw).toBe(200);
    expect(first.body.data.checked).toBe(2);
    expect(first.body.pagination).toEqual({ has_more: true, next_cursor: expect.stringMatching(/^[0-9]+$/) });
    const second = await op.get(`/v1/admin/ledger/verify/accounts?limit=2&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data.checked).toBeGreaterThanOrEqual(1);
    const total = first.body.data.total_accounts as number;
    expect(total).toBeGreaterThanOrEqual(2);
    let checked = 0;
    let pages = 0;
    const mismatched: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; raw: string; body: any } = await op.get(
        `/v1/admin/ledger/verify/accounts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status, res.raw).toBe(200);
      checked += res.body.data.checked;
      mismatched.push(...res.body.data.mismatched_accounts);
      cursor = res.body.pagination.next_cursor;
      pages++;
    } while (cursor && pages < 100_000);
    // Other tests may open accounts meanwhile: at least every account there was at the start.
    expect(checked).toBeGreaterThanOrEqual(total);
    const assets = await op.get('/v1/admin/ledger/verify/assets');
    expect(assets.status, assets.raw).toBe(200);
    const full = await op.get('/v1/admin/ledger/verify');
    expect(full.body.data.balanced).toBe(true);
    expect(mismatched).toEqual([]);
    expect(assets.body.data.balanced).toBe(true);
    expect(assets.body.data.assets.find((x: { asset_type_id: string }) => x.asset_type_id === USD)).toEqual({
      asset_type_id: USD,
      sum: '0',
    });
  });

  it('finds a stored balance that no longer equals its lines, on the page of its account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const a = (await fundedAccount(t, USD, '5.00')).id;
    const ledgerId = await ledgerIdOf(app, t.clientId, a);
    const db = app.ledgerline.database.db;
    // Broken inside a transaction that is rolled back: no other test ever sees it.
    const found = await db
      .transaction(async (tx) => {
        await tx.execute(sql`UPDATE ledger_accounts SET posted = posted + 1 WHERE id = ${ledgerId}`);
        const page = await verifyCustomerAccountsPage(tx as never, ledgerId - 1n, 1);
        const assets = await verifyAssets(tx as never);
        throw Object.assign(new Error('rollback'), { page, assets });
      })
      .catch((e: { page?: unknown; assets?: unknown }) => e);
    expect(found.page).toMatchObject({
      checked: 1,
      last: ledgerId,
      mismatched: [{ ledger_account_id: String(ledgerId), posted: '501', lines: '500' }],
    });
    expect((found.assets as { balanced: boolean }).balanced).toBe(true); // the lines themselves still sum to zero
  });

  it('is the operator’s, and refuses a bad limit or cursor', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    expect((await t.api.get('/v1/admin/ledger/verify/accounts')).status).toBe(403);
    expect((await t.api.get('/v1/admin/ledger/verify/assets')).status).toBe(403);
    const op = await operatorApi(app);
    for (const q of ['limit=0', 'limit=1001', 'cursor=abc', 'colour=red']) {
      const res = await op.get(`/v1/admin/ledger/verify/accounts?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0].code).toBe('VALIDATION_ERROR');
    }
  });
});
