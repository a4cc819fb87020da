import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, individualBody, newTenant, operatorApi } from '../helpers.js';
import { adjust, createCustomer, customerWithAccount, DEPOSITS, errs, eventsOf, getAccount, getCustomer, openBody } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

/** Races (real ones on PostgreSQL; PGlite serialises them, and the outcome must be the same). */
describe('accounts under concurrent requests', () => {
  it('the same account_id opened at once for two customers: one 200, one 409, one account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const [c1, c2] = [await createCustomer(t.api, individualBody()), await createCustomer(t.api, individualBody())];
    const results = await Promise.all([t.api.post(DEPOSITS, openBody(c1.id, 'race-1')), t.api.post(DEPOSITS, openBody(c2.id, 'race-1'))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409);
    expect(loser && errs(loser)).toEqual([{ code: 'DUPLICATE_ID', field: 'account_to_open.account_id' }]);
    const winner = results.find((r) => r.status === 200)?.body.data;
    expect(await getAccount(t.api, 'race-1')).toEqual(winner);
    expect(await eventsOf(app, t.clientId, 'race-1')).toHaveLength(1);
    const owners = [(await getCustomer(t.api, c1.id)).accounts.length, (await getCustomer(t.api, c2.id)).accounts.length];
    expect(owners.sort()).toEqual([0, 1]);
    const verify = await (await operatorApi(app)).get('/v1/admin/ledger/verify');
    expect(verify.body.data.balanced).toBe(true);
  });

  it('simultaneous first address requests answer one address', async () => {
    const t = await newTenant(await getApp());
    const { accountId } = await customerWithAccount(t, 'ETHEREUM_SEPOLIA_ETH');
    const results = await Promise.all(Array.from({ length: 5 }, () => t.api.post(`${DEPOSITS}/${accountId}/address`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.data.wallet_address)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
  });

  it('closing a customer while its account is credited never leaves funds in a CLOSED account', async () => {
    const t = await newTenant(await getApp());
    for (let round = 0; round < 3; round++) {
      const { customerId, accountId } = await customerWithAccount(t);
      const [close, credit] = await Promise.all([
        t.api.patch(`/v1/customers/${customerId}`, { status: 'CLOSED' }),
        t.operator.post('/v1/admin/adjustments', {
          account_id: accountId,
          amount: 5,
          transaction_type: 'CREDIT_CORRECTION',
          reason: 'race',
        }),
      ]);
      const account = await getAccount(t.api, accountId);
      const customer = await getCustomer(t.api, customerId);
      if (close.status === 200) {
        expect([credit.status, errs(credit)]).toEqual([400, [{ code: 'NOT_TRANSACTABLE', field: 'account_id' }]]);
        expect([customer.status, account.status, account.current_balance]).toEqual(['CLOSED', 'CLOSED', 0]);
      } else {
        expect([close.status, errs(close), credit.status]).toEqual([400, [{ code: 'NON_ZERO_BALANCE', field: 'status' }], 200]);
        expect([customer.status, account.status, account.current_balance]).toEqual(['ACTIVE', 'OPEN', 5]);
        await adjust(t, accountId, 5, 'DEBIT_CORRECTION');
      }
    }
  });
});
