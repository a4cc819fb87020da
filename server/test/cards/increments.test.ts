/**
 * Increments go through the card's checks (issue 13): an increment re-runs the decline checks in
 * the contract's order — card status and expiry, account and customer, MCC and country (of the
 * original merchant, against the card's controls now), the per-authorization limit against the
 * grown amount, the daily and monthly windows of the authorization plus what is added — then the
 * funds. A refusal is 400 CARD_DECLINED whose description begins with the reason; the
 * authorization and the balances stay exactly as they were; the ledger stays balanced.
 * Business time is pinned (frozen app) so the windows are deterministic.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFrozenApp, type Tenant } from '../helpers.js';
import { balances, expectError, ok, setStatus, verifyLedger } from '../money/_fixtures.js';
import { authorize, COFFEE, cardholder, HOTEL, setBusinessTime } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getFrozenApp();
});

const T0 = '2027-03-10T12:00:00.000Z';

const increment = (t: Tenant, id: string, amount: string) => t.api.post(`/v1/simulations/card-authorizations/${id}/increment`, { amount });

/** The increment is refused with CARD_DECLINED for `reason`, and the authorization is unchanged. */
async function refused(t: Tenant, id: string, amount: string, reason: string) {
  const before = await ok(t.api.get(`/v1/card-authorizations/${id}`));
  const res = await increment(t, id, amount);
  expectError(res, 400, 'CARD_DECLINED');
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].description).toMatch(new RegExp(`^${reason}: `));
  expect(await ok(t.api.get(`/v1/card-authorizations/${id}`))).toEqual(before);
}

describe('card authorization increments', () => {
  it('limits: per-authorization on the grown amount, daily and monthly windows of the authorization plus the increment', async () => {
    const controls = { per_authorization_limit: '10', daily_limit: '20', monthly_limit: '30' };
    const { t, accountId, cardId } = await cardholder(app, '100', controls, T0);
    const a1 = await ok(authorize(t, cardId, '6'));
    await refused(t, a1.id, '94', 'PER_AUTHORIZATION_LIMIT'); // the audit's case: to 100 against 10/20/30
    await refused(t, a1.id, '4.01', 'PER_AUTHORIZATION_LIMIT');
    expect(await ok(increment(t, a1.id, '4'))).toMatchObject({ status: 'PENDING', amount: '10' }); // exactly the limit
    const a2 = await ok(authorize(t, cardId, '5'));
    const a3 = await ok(authorize(t, cardId, '5')); // the day: 10 + 5 + 5 = 20
    await refused(t, a2.id, '0.01', 'DAILY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '80' });

    // The next day (same month) is empty, but an increment counts in its authorization's day.
    await setBusinessTime(app, t.clientId, '2027-03-11T09:00:00.000Z');
    await refused(t, a3.id, '0.01', 'DAILY_LIMIT');
    const a4 = await ok(authorize(t, cardId, '5'));
    const a5 = await ok(authorize(t, cardId, '5')); // the month: 20 + 10 = 30; the day: 10
    await refused(t, a5.id, '0.01', 'MONTHLY_LIMIT');
    // A partial reversal frees limit: the increment then fits the day and the month exactly.
    await ok(t.api.post(`/v1/simulations/card-authorizations/${a4.id}/reverse`, { amount: '1' }));
    expect(await ok(increment(t, a5.id, '1'))).toMatchObject({ status: 'PENDING', amount: '6' });
    await refused(t, a5.id, '0.01', 'MONTHLY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '70' });
    await verifyLedger(app);
  });

  it('card status: a LOCKED or CLOSED card refuses increments (CARD_NOT_ACTIVE, before any limit)', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { per_authorization_limit: '10' }, T0);
    const a = await ok(authorize(t, cardId, '10'));
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' }));
    await refused(t, a.id, '50', 'CARD_NOT_ACTIVE'); // over the limit too: the card's status comes first
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '90' });
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'ACTIVE', spending_controls: { per_authorization_limit: null } }));
    expect(await ok(increment(t, a.id, '5'))).toMatchObject({ status: 'PENDING', amount: '15' });
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'CLOSED' }));
    await refused(t, a.id, '1', 'CARD_NOT_ACTIVE');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '85' });
    await verifyLedger(app);
  });

  it('card expiry: past the end of its expiry month the increment is refused (CARD_EXPIRED)', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', undefined, T0);
    await setBusinessTime(app, t.clientId, '2030-03-31T20:00:00.000Z');
    const a = await ok(authorize(t, cardId, '10'));
    await setBusinessTime(app, t.clientId, '2030-04-01T00:00:00.000Z');
    await refused(t, a.id, '1', 'CARD_EXPIRED');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '90' });
    await verifyLedger(app);
  });

  it('a FROZEN account or customer refuses increments (ACCOUNT_NOT_TRANSACTABLE)', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '100', undefined, T0);
    const a = await ok(authorize(t, cardId, '10'));
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    await refused(t, a.id, '1', 'ACCOUNT_NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'ACTIVE');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    await refused(t, a.id, '1', 'ACCOUNT_NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'ACTIVE');
    expect(await ok(increment(t, a.id, '1'))).toMatchObject({ status: 'PENDING', amount: '11' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '89' });
    await verifyLedger(app);
  });

  it('MCC and country: the original merchant against the controls as they are now, in that order, before the limits', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', undefined, T0);
    const hotel = await ok(authorize(t, cardId, '10', HOTEL));
    const coffee = await ok(authorize(t, cardId, '10', COFFEE));
    await ok(
      t.api.patch(`/v1/cards/${cardId}`, {
        spending_controls: { blocked_mccs: ['7011'], allowed_countries: ['US'], per_authorization_limit: '10' },
      }),
    );
    await refused(t, hotel.id, '1', 'MCC_NOT_ALLOWED'); // FR too, and over the limit: the MCC comes first
    await ok(t.api.patch(`/v1/cards/${cardId}`, { spending_controls: { blocked_mccs: null } }));
    await refused(t, hotel.id, '1', 'COUNTRY_NOT_ALLOWED'); // and over the limit: the country comes first
    await refused(t, coffee.id, '1', 'PER_AUTHORIZATION_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '80' });
    await verifyLedger(app);
  });

  it('funds come after every limit: within the limits but over the available balance is INSUFFICIENT_FUNDS', async () => {
    const { t, accountId, cardId } = await cardholder(app, '20', { daily_limit: '25' }, T0);
    const a = await ok(authorize(t, cardId, '15'));
    await refused(t, a.id, '10.01', 'DAILY_LIMIT'); // over the funds too: the daily limit comes first
    expectError(await increment(t, a.id, '5.01'), 400, 'INSUFFICIENT_FUNDS');
    expect(await ok(increment(t, a.id, '5'))).toMatchObject({ status: 'PENDING', amount: '20' });
    expect(await balances(t.api, accountId)).toEqual({ current: '20', available: '0' });
    await verifyLedger(app);
  });
});
