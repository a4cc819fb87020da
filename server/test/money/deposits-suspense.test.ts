import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ledgerAccounts, ledgerTransactions } from '../../src/db/schema.js';
import { getApp, newTenant, operatorApi, type Tenant } from '../helpers.js';
import { agree, customerWithAccount, ETH, EUR, expectError, ok, setStatus, USD, verifyLedger } from './_fixtures.js';

const pushMemo = async (t: Tenant, accountId: string): Promise<string> =>
  (await ok(t.api.post('/v1/deposits', { deposit_type: 'PUSH', deposit_destination: { destination_account_id: accountId } })))
    .deposit_source.deposit_instructions[0].memo;

const arrive = (t: Tenant, body: Record<string, unknown>) => ok(t.api.post('/v1/simulations/deposits', body));

/** The suspense account's lines for one incoming item, summed (minor units). */
async function suspenseNet(app: FastifyInstance, incomingId: string, asset: string): Promise<string> {
  const [row] = await app.ledgerline.database.db
    .select({ sum: sql<string>`coalesce(sum(${ledgerTransactions.amount}), 0)::text`, n: sql<string>`count(*)::text` })
    .from(ledgerTransactions)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerTransactions.ledgerAccountId))
    .where(and(eq(ledgerAccounts.code, `suspense:${asset}`), eq(ledgerTransactions.categoryId, incomingId)));
  return `${row?.sum}/${row?.n}`;
}

async function listed(app: FastifyInstance, id: string) {
  const op = await operatorApi(app);
  return ((await ok(op.get('/v1/admin/suspense?page_size=100'))).items as Record<string, any>[]).find((i) => i.id === id);
}

describe('unmatched arrivals go to suspense with a reason', () => {
  it('unknown memo, no memo, a memo of another tenant, the right memo in another asset, an address of no lease', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const { accountId } = await customerWithAccount(t, USD);
    const memo = await pushMemo(t, accountId);
    const { accountId: ethAccount } = await customerWithAccount(t, ETH);
    await ok(t.api.post(`/v1/accounts/deposits/${ethAccount}/address`));
    const cases: [Tenant, Record<string, unknown>, string][] = [
      [t, { rail: 'ACH', asset_type_id: USD, amount: '10', memo: 'LLNOSUCH99' }, 'memo LLNOSUCH99 matches no deposit'],
      [t, { rail: 'FEDWIRE', asset_type_id: USD, amount: '10' }, 'no memo'],
      [other, { rail: 'ACH', asset_type_id: USD, amount: '10', memo }, `memo ${memo} matches no deposit`],
      [t, { rail: 'SEPA_CT', asset_type_id: EUR, amount: '10', memo }, `memo ${memo} is for ${USD}`],
      [
        t,
        { rail: 'CRYPTO', asset_type_id: ETH, amount: '1', wallet_address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
        'no address of this client matches',
      ],
    ];
    for (const [who, body, reason] of cases) {
      const inc = await arrive(who, body);
      expect(inc).toMatchObject({ status: 'SUSPENSE', matched: false, reason, account_id: null, deposit_id: null, transaction_id: null });
      expect(await listed(app, inc.id)).toMatchObject({ id: inc.id, status: 'SUSPENSE', reason, amount: body.amount });
      expect(await suspenseNet(app, inc.id, body.asset_type_id as string)).toBe(
        `${(body.asset_type_id === ETH ? 10n ** 18n : 1000n).toString()}/1`,
      );
    }
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, ethAccount, ETH)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });

  it('an arrival for a FROZEN account or for a FROZEN customer goes to suspense', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId, customerId } = await customerWithAccount(t, USD);
    const memo = await pushMemo(t, accountId);
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    const a = await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '1.50', memo });
    expect(a).toMatchObject({ status: 'SUSPENSE', reason: `account ${accountId} is FROZEN and cannot receive` });
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'OPEN');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    const b = await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '2', memo });
    expect(b).toMatchObject({ status: 'SUSPENSE', reason: `the customer of account ${accountId} cannot receive` });
    // Assigning to an account that still cannot receive is refused.
    expectError(
      await t.operator.post(`/v1/admin/suspense/${b.id}/assign`, { account_id: accountId }),
      400,
      'NOT_TRANSACTABLE',
      'account_id',
    );
    await setStatus(t.api, `/v1/customers/${customerId}`, 'ACTIVE');
    const again = await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '3', memo });
    expect(again).toMatchObject({ status: 'CREDITED', account_id: accountId });
    expect(await agree(t, accountId, USD)).toEqual({ current: '3', available: '3' });
    await verifyLedger(app);
  });
});

describe('the operator assigns suspense items', () => {
  it('ASSIGNED, credited once, suspense nets to zero; twice -> INVALID_STATUS_TRANSITION; wrong asset -> ASSET_MISMATCH', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId, customerId } = await customerWithAccount(t, USD);
    const { accountId: eurAccount } = await customerWithAccount(t, EUR);
    const inc = await arrive(t, {
      rail: 'FEDWIRE',
      asset_type_id: USD,
      amount: '99.99',
      memo: 'WHO-KNOWS',
      originator: { name: 'Lost Sender', account_number: '55554444' },
    });
    expectError(
      await t.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: eurAccount }),
      400,
      'ASSET_MISMATCH',
      'account_id',
    );
    expectError(await t.api.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: accountId }), 403, 'INSUFFICIENT_SCOPE');
    expect((await t.api.get('/v1/admin/suspense')).status).toBe(403);
    expectError(await t.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: 'nope' }), 404, 'NOT_FOUND', 'account_id');
    expectError(await t.operator.post('/v1/admin/suspense/incoming_nope/assign', { account_id: accountId }), 404, 'NOT_FOUND');

    const done = await ok(t.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: accountId }));
    expect(done).toMatchObject({ id: inc.id, status: 'ASSIGNED', client_id: t.clientId, account_id: accountId, amount: '99.99' });
    expect(done.assigned_at).toEqual(expect.any(String));
    expect(await listed(app, inc.id)).toBeUndefined();
    const tx = await ok(t.api.get(`/v1/accounts/deposits/${accountId}/transactions/${done.transaction_id}`));
    expect(tx).toMatchObject({ value: '99.99', transaction_status: 'POSTED', category_type: 'DEPOSIT', category_id: inc.id });
    expect(tx.originator).toMatchObject({
      rail: 'FEDWIRE',
      profile: { name: 'Lost Sender' },
      account_information: { account_number: '****4444' },
    });

    expectError(await t.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: accountId }), 400, 'INVALID_STATUS_TRANSITION');
    expect(await suspenseNet(app, inc.id, USD)).toBe('0/2');
    expect(await agree(t, accountId, USD)).toEqual({ current: '99.99', available: '99.99' });
    expect((await ok(t.api.get(`/v1/customers/${customerId}`))).status).toBe('ACTIVE');
    await verifyLedger(app);
  });

  it('funds sent with another tenant’s memo are assigned by the operator to the right tenant', async () => {
    const app = await getApp();
    const [owner, sender] = [await newTenant(app), await newTenant(app)];
    const { accountId } = await customerWithAccount(owner, USD);
    const memo = await pushMemo(owner, accountId);
    const inc = await arrive(sender, { rail: 'ACH', asset_type_id: USD, amount: '42', memo });
    expect(inc.status).toBe('SUSPENSE');
    expect(await agree(owner, accountId, USD)).toEqual({ current: '0', available: '0' });
    expectError(
      await sender.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: accountId }),
      404,
      'NOT_FOUND',
      'account_id',
    );
    await ok(owner.operator.post(`/v1/admin/suspense/${inc.id}/assign`, { account_id: accountId }));
    expect(await agree(owner, accountId, USD)).toEqual({ current: '42', available: '42' });
    expect(await suspenseNet(app, inc.id, USD)).toBe('0/2');
    await verifyLedger(app);
  });
});
