/**
 * Dormancy (CONTRACT §5): the platform sets ACTIVE accounts without activity for DORMANCY_DAYS
 * (365 by default) to DORMANT, then customers whose accounts are all DORMANT or CLOSED, with a
 * history row (the operator, updated_by "platform") and an ACCOUNT_DORMANT / CUSTOMER_DORMANT event
 * each. Driven by the sandbox clock, which runs the client's due work as it moves.
 */
import { describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { advance, customerWithAccount, fund, ok, openAccount } from '../money/_fixtures.js';
import { eventsOf, historyOf } from './_fixtures.js';

const DAY = 86_400;

describe('dormancy', () => {
  it('idle accounts become DORMANT after a year, then customers with no account left in use; once, with history and events', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const idle = await customerWithAccount(t);
    const busy = await customerWithAccount(t);
    const busyIdle = await openAccount(t, busy.customerId);
    const status = async (path: string) => (await ok(t.api.get(path))).status;

    // 200 days on, one of the second customer's accounts moves money; then a year after the start.
    await advance(t, 200 * DAY);
    expect(await status(`/v1/accounts/deposits/${idle.accountId}`)).toBe('OPEN');
    await fund(t, busy.accountId, '1.00');
    await advance(t, 166 * DAY);

    expect(await status(`/v1/accounts/deposits/${idle.accountId}`)).toBe('DORMANT');
    expect(await status(`/v1/accounts/deposits/${busyIdle}`)).toBe('DORMANT');
    expect(await status(`/v1/accounts/deposits/${busy.accountId}`)).toBe('OPEN'); // activity 166 days ago
    expect(await status(`/v1/customers/${idle.customerId}`)).toBe('DORMANT');
    expect(await status(`/v1/customers/${busy.customerId}`)).toBe('ACTIVE'); // one account still in use

    const platform = { field: 'status', updated_by: 'platform', reason: 'no activity for 365 days' };
    const [accountChange] = await historyOf(t.api, `/v1/accounts/deposits/${idle.accountId}`);
    expect(accountChange).toMatchObject({
      ...platform,
      before: 'OPEN',
      after: 'DORMANT',
      actor: { type: 'operator', client_id: t.clientId },
    });
    const [customerChange] = await historyOf(t.api, `/v1/customers/${idle.customerId}`);
    expect(customerChange).toMatchObject({ ...platform, before: 'ACTIVE', after: 'DORMANT' });
    expect(await eventsOf(app, t.clientId, idle.accountId)).toContainEqual([
      'ACCOUNT_DORMANT',
      { account: { id: idle.accountId, status: 'DORMANT' } },
    ]);
    expect(await eventsOf(app, t.clientId, idle.customerId)).toContainEqual([
      'CUSTOMER_DORMANT',
      { customer: { id: idle.customerId, status: 'DORMANT' } },
    ]);

    // Once: later passes change nothing more, and write nothing more.
    await advance(t, DAY);
    expect((await historyOf(t.api, `/v1/accounts/deposits/${idle.accountId}`)).length).toBe(1);
    expect((await eventsOf(app, t.clientId, idle.customerId)).filter(([type]) => type === 'CUSTOMER_DORMANT')).toHaveLength(1);
  });
});
