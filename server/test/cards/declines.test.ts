/**
 * Declines (issue 13): each reason of the contract, checked in its order, recorded (a DECLINED
 * authorization and its event), moving nothing: balances are exact before and after, and the
 * ledger's invariants hold. Business time is pinned (frozen app) so day and month windows are
 * deterministic.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFrozenApp } from '../helpers.js';
import { advance, balances, eventsOf, ok, setStatus, verifyLedger } from '../money/_fixtures.js';
import { authorize, COFFEE, cardholder, HOTEL, setBusinessTime } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getFrozenApp();
});

const T0 = '2027-03-10T12:00:00.000Z';

async function declined(res: Promise<any>, reason: string) {
  const a = await ok(res);
  expect(a).toMatchObject({ status: 'DECLINED', decline_reason: reason, closed_reason: null });
  return a;
}

describe('card authorization declines', () => {
  it('CARD_NOT_ACTIVE: a LOCKED card declines (before anything else), and approves again once unlocked', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', { allowed_mccs: ['5411'] }, T0);
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' }));
    // Also over the funds and of a refused MCC: the card's status is checked first.
    const a = await declined(authorize(t, cardId, '20'), 'CARD_NOT_ACTIVE');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect((await eventsOf(app, t.clientId, a.id)).map((e) => e.type)).toEqual(['CARD_AUTHORIZATION_CREATED']);
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'ACTIVE', spending_controls: { allowed_mccs: null } }));
    expect(await ok(authorize(t, cardId, '10'))).toMatchObject({ status: 'PENDING' });
    const list = await ok(t.api.get(`/v1/cards/${cardId}/authorizations`));
    expect(list.authorizations.map((x: any) => x.status)).toEqual(['PENDING', 'DECLINED']);
    await verifyLedger(app);
  });

  it('CARD_EXPIRED: after the end of its expiry month (sandbox clock)', async () => {
    const { t, accountId, card, cardId } = await cardholder(app, '10', undefined, T0);
    expect({ month: card.exp_month, year: card.exp_year }).toEqual({ month: '3', year: '2030' });
    await setBusinessTime(app, t.clientId, '2030-03-31T23:59:59.000Z');
    expect(await ok(authorize(t, cardId, '1'))).toMatchObject({ status: 'PENDING' });
    await setBusinessTime(app, t.clientId, '2030-04-01T00:00:00.000Z');
    await declined(authorize(t, cardId, '1'), 'CARD_EXPIRED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '9' });
    await verifyLedger(app);
  });

  it('ACCOUNT_NOT_TRANSACTABLE: a FROZEN account or customer declines; the card keeps its status', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '10', undefined, T0);
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    await declined(authorize(t, cardId, '1'), 'ACCOUNT_NOT_TRANSACTABLE');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect(await ok(t.api.get(`/v1/cards/${cardId}`))).toMatchObject({ status: 'ACTIVE' });
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'ACTIVE');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    await declined(authorize(t, cardId, '1'), 'ACCOUNT_NOT_TRANSACTABLE');
    expect(await ok(t.api.get(`/v1/cards/${cardId}`))).toMatchObject({ status: 'ACTIVE' });
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('MCC_NOT_ALLOWED: outside allowed_mccs, or in blocked_mccs', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', { allowed_mccs: ['5814', '7011'], blocked_mccs: ['7011'] }, T0);
    await declined(authorize(t, cardId, '1', { ...COFFEE, mcc: '5411' }), 'MCC_NOT_ALLOWED');
    await declined(authorize(t, cardId, '1', { ...HOTEL, country: 'US' }), 'MCC_NOT_ALLOWED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect(await ok(authorize(t, cardId, '1', COFFEE))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '9' });
    await verifyLedger(app);
  });

  it('COUNTRY_NOT_ALLOWED: a merchant outside allowed_countries', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', { allowed_countries: ['US'], blocked_mccs: ['7011'] }, T0);
    await declined(authorize(t, cardId, '1', { ...COFFEE, country: 'FR' }), 'COUNTRY_NOT_ALLOWED');
    await declined(authorize(t, cardId, '1', { ...COFFEE, country: 'DE' }), 'COUNTRY_NOT_ALLOWED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect(await ok(authorize(t, cardId, '1', COFFEE))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '9' });
    await verifyLedger(app);
  });

  it('PER_AUTHORIZATION_LIMIT: one authorization above it (exact to the cent)', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { per_authorization_limit: '10' }, T0);
    await declined(authorize(t, cardId, '10.01'), 'PER_AUTHORIZATION_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    expect(await ok(authorize(t, cardId, '10'))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '90' });
    await verifyLedger(app);
  });

  it('DAILY_LIMIT: approved less reversed within the UTC day; a new day starts afresh', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { daily_limit: '50' }, T0);
    const first = await ok(authorize(t, cardId, '30'));
    await declined(authorize(t, cardId, '20.01'), 'DAILY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '70' });
    await ok(t.api.post(`/v1/simulations/card-authorizations/${first.id}/reverse`, { amount: '10' }));
    expect(await ok(authorize(t, cardId, '30'))).toMatchObject({ status: 'PENDING' }); // 20 + 30 = 50
    await declined(authorize(t, cardId, '0.01'), 'DAILY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' });
    await setBusinessTime(app, t.clientId, '2027-03-10T23:59:59.000Z');
    await declined(authorize(t, cardId, '0.01'), 'DAILY_LIMIT');
    await setBusinessTime(app, t.clientId, '2027-03-11T00:00:00.000Z');
    expect(await ok(authorize(t, cardId, '50'))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '0' });
    await verifyLedger(app);
  });

  it('MONTHLY_LIMIT: within the UTC calendar month (after the daily limit); a captured one counts what it captured', async () => {
    const { t, accountId, cardId } = await cardholder(app, '500', { daily_limit: '100', monthly_limit: '150' }, T0);
    const first = await ok(authorize(t, cardId, '100'));
    await declined(authorize(t, cardId, '60'), 'DAILY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '500', available: '400' });
    await ok(t.api.post(`/v1/simulations/card-authorizations/${first.id}/capture`, { amount: '90' }));
    await setBusinessTime(app, t.clientId, '2027-03-31T10:00:00.000Z');
    await declined(authorize(t, cardId, '60.01'), 'MONTHLY_LIMIT'); // 90 + 60.01 > 150
    expect(await balances(t.api, accountId)).toEqual({ current: '410', available: '410' });
    expect(await ok(authorize(t, cardId, '60'))).toMatchObject({ status: 'PENDING' });
    await setBusinessTime(app, t.clientId, '2027-04-01T00:00:00.000Z');
    expect(await ok(authorize(t, cardId, '100'))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '410', available: '250' });
    await verifyLedger(app);
  });

  it('INSUFFICIENT_FUNDS: more than the available balance (open holds count)', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', undefined, T0);
    await declined(authorize(t, cardId, '100.01'), 'INSUFFICIENT_FUNDS');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await ok(authorize(t, cardId, '60'));
    await declined(authorize(t, cardId, '40.01'), 'INSUFFICIENT_FUNDS');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '40' });
    expect(await ok(authorize(t, cardId, '40'))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '0' });
    await verifyLedger(app);
  });
  it('an expired authorization counts nothing toward the limits, swept or not; a full reversal frees it too', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { monthly_limit: '50' }, T0);
    const reversed = await ok(authorize(t, cardId, '20'));
    await ok(t.api.post(`/v1/simulations/card-authorizations/${reversed.id}/reverse`));
    const old = await ok(authorize(t, cardId, '50')); // the month is full
    await declined(authorize(t, cardId, '0.01'), 'MONTHLY_LIMIT');
    // Seven days later (same month) it is past its expiry; the sweeper has not run (frozen app).
    await setBusinessTime(app, t.clientId, '2027-03-17T12:00:00.001Z');
    expect(await ok(t.api.get(`/v1/card-authorizations/${old.id}`))).toMatchObject({ status: 'CLOSED', closed_reason: 'EXPIRED' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' }); // its hold awaits the sweeper
    const fresh = await ok(authorize(t, cardId, '30'));
    expect(fresh).toMatchObject({ status: 'PENDING' });
    await declined(authorize(t, cardId, '20.01'), 'MONTHLY_LIMIT'); // 30 + 20.01 > 50: the expired 50 counts 0
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '20' });
    // Swept (closed EXPIRED, hold released): still nothing.
    await advance(t, 1);
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '70' });
    expect(await ok(authorize(t, cardId, '20'))).toMatchObject({ status: 'PENDING' }); // 30 + 20 = 50
    await declined(authorize(t, cardId, '0.01'), 'MONTHLY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' });
    await verifyLedger(app);
  });
});

/**
 * Both apply: for each adjacent pair of the contract's order, an authorization that fails both
 * checks is declined with the earlier reason; nothing moves.
 */
describe('the decline order, pair by pair', () => {
  it('CARD_NOT_ACTIVE before CARD_EXPIRED: a LOCKED card past its expiry', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', undefined, T0);
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' }));
    await setBusinessTime(app, t.clientId, '2030-04-01T00:00:00.000Z');
    await declined(authorize(t, cardId, '1'), 'CARD_NOT_ACTIVE');
    await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'ACTIVE' }));
    await declined(authorize(t, cardId, '1'), 'CARD_EXPIRED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('CARD_EXPIRED before ACCOUNT_NOT_TRANSACTABLE: an expired card on a FROZEN account', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', undefined, T0);
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    await setBusinessTime(app, t.clientId, '2030-04-01T00:00:00.000Z');
    await declined(authorize(t, cardId, '1'), 'CARD_EXPIRED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('ACCOUNT_NOT_TRANSACTABLE before MCC_NOT_ALLOWED: a FROZEN customer at a blocked MCC', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '10', { blocked_mccs: ['5814'] }, T0);
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    await declined(authorize(t, cardId, '1', COFFEE), 'ACCOUNT_NOT_TRANSACTABLE');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('MCC_NOT_ALLOWED before COUNTRY_NOT_ALLOWED: a blocked MCC in a country not allowed', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10', { blocked_mccs: ['7011'], allowed_countries: ['US'] }, T0);
    await declined(authorize(t, cardId, '1', HOTEL), 'MCC_NOT_ALLOWED');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('COUNTRY_NOT_ALLOWED before PER_AUTHORIZATION_LIMIT: a country not allowed, over the limit', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { allowed_countries: ['US'], per_authorization_limit: '5' }, T0);
    await declined(authorize(t, cardId, '6', HOTEL), 'COUNTRY_NOT_ALLOWED');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('PER_AUTHORIZATION_LIMIT before DAILY_LIMIT: over both', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { per_authorization_limit: '5', daily_limit: '5' }, T0);
    await declined(authorize(t, cardId, '6'), 'PER_AUTHORIZATION_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('DAILY_LIMIT before MONTHLY_LIMIT: over both', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', { daily_limit: '5', monthly_limit: '5' }, T0);
    await declined(authorize(t, cardId, '6'), 'DAILY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('MONTHLY_LIMIT before INSUFFICIENT_FUNDS: over the month and the funds', async () => {
    const { t, accountId, cardId } = await cardholder(app, '5', { monthly_limit: '5' }, T0);
    await declined(authorize(t, cardId, '6'), 'MONTHLY_LIMIT');
    expect(await balances(t.api, accountId)).toEqual({ current: '5', available: '5' });
    await verifyLedger(app);
  });
});
