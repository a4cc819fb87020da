/**
 * A card's life on the ledger (issue 13): issue, authorize (a hold: available falls, current does
 * not), increment, capture part (the rest is released), refund — exact balances at every step,
 * the lines in the account's transactions, the events, and the ledger's invariants at the end.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp } from '../helpers.js';
import { balances, eventsOf, expectError, ok, setStatus, transactions, verifyLedger } from '../money/_fixtures.js';
import { authorize, cardholder, HOTEL } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

describe('a card on the ledger', () => {
  it('issue -> authorize -> increment -> capture part -> refund, exact at every step', async () => {
    const { t, accountId, card, cardId } = await cardholder(app, '100');
    expect(card).toMatchObject({ account_id: accountId, card_type: 'VIRTUAL', status: 'ACTIVE', network: 'VISA' });
    expect(card.last4).toMatch(/^\d{4}$/);
    expect(Object.keys(card).sort()).toEqual(
      [
        'id',
        'customer_id',
        'account_id',
        'card_type',
        'status',
        'network',
        'last4',
        'exp_month',
        'exp_year',
        'cardholder_name',
        'spending_controls',
        'created_at',
        'updated_at',
      ].sort(),
    );
    expect(card.cardholder_name).toBe('Ada Lovelace');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });

    const auth = await ok(authorize(t, cardId, '40.25', HOTEL));
    expect(auth).toMatchObject({
      card_id: cardId,
      account_id: accountId,
      status: 'PENDING',
      amount: '40.25',
      captured_amount: '0',
      reversed_amount: '0',
      decline_reason: null,
      closed_reason: null,
      merchant: HOTEL,
    });
    expect(new Date(auth.expires_at).getTime() - new Date(auth.created_at).getTime()).toBe(7 * 86_400_000);
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '59.75' });

    const incremented = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/increment`, { amount: '9.75' }));
    expect(incremented).toMatchObject({ status: 'PENDING', amount: '50' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' });

    // Captured for less: 45.5 posts, the other 4.5 is released.
    const captured = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount: '45.5' }));
    expect(captured).toMatchObject({ status: 'CLOSED', closed_reason: 'CAPTURED', amount: '50', captured_amount: '45.5' });
    expect(await balances(t.api, accountId)).toEqual({ current: '54.5', available: '54.5' });
    expectError(await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`), 400, 'INVALID_STATUS_TRANSITION');

    const refund = await ok(t.api.post(`/v1/simulations/cards/${cardId}/refunds`, { amount: '10.01', merchant: HOTEL }));
    expect(refund).toMatchObject({ card_id: cardId, account_id: accountId, amount: '10.01' });
    expect(await balances(t.api, accountId)).toEqual({ current: '64.51', available: '64.51' });

    const lines = await transactions(t.api, accountId);
    const purchase = lines.find((l) => l.transaction_type === 'CARD_PURCHASE' && l.transaction_status === 'POSTED');
    const refunded = lines.find((l) => l.transaction_type === 'CARD_REFUND');
    expect(purchase).toMatchObject({ value: '-45.5', balance_after: '54.5', category_type: 'CARD', category_id: auth.id });
    expect(refunded).toMatchObject({ value: '10.01', category_type: 'CARD', category_id: refund.id, transaction_status: 'POSTED' });
    // The authorization's hold row: its final amount, CANCELLED once the capture posted.
    expect(lines.find((l) => l.transaction_type === 'CARD_PURCHASE' && l.transaction_status === 'CANCELLED')).toMatchObject({
      value: '-50',
      category_id: auth.id,
    });

    const types = (await eventsOf(app, t.clientId, auth.id)).map((e: any) => e.type);
    expect(types).toEqual(['CARD_AUTHORIZATION_CREATED', 'CARD_AUTHORIZATION_CLOSED']);
    expect((await eventsOf(app, t.clientId, purchase?.id)).map((e: any) => e.type)).toEqual(['TRANSACTION_POSTED']);
    expect((await eventsOf(app, t.clientId, refunded?.id)).map((e: any) => e.type)).toEqual(['TRANSACTION_POSTED']);

    const list = await ok(t.api.get(`/v1/cards/${cardId}/authorizations`));
    expect(list.authorizations.map((a: any) => a.id)).toEqual([auth.id]);
    expect(await ok(t.api.get(`/v1/card-authorizations/${auth.id}`))).toMatchObject({ captured_amount: '45.5' });
    await verifyLedger(app);
  });

  it('captures up to 20% over (tips) if funds allow; beyond: CAPTURE_EXCEEDS_AUTHORIZATION', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    const auth = await ok(authorize(t, cardId, '50'));
    expectError(
      await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount: '60.01' }),
      400,
      'CAPTURE_EXCEEDS_AUTHORIZATION',
    );
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' });
    const captured = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount: '60' }));
    expect(captured).toMatchObject({ status: 'CLOSED', captured_amount: '60' });
    expect(await balances(t.api, accountId)).toEqual({ current: '40', available: '40' });
    await verifyLedger(app);
  });

  it('the 120% is of what the authorization still holds (amount, increments included, less reversed), floored to the cent', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    const auth = await ok(authorize(t, cardId, '40'));
    await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/increment`, { amount: '2.51' }));
    expect(await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/reverse`, { amount: '32.5' }))).toMatchObject({
      amount: '42.51',
      reversed_amount: '32.5',
    });
    // Still held: 10.01; 120% of it is 12.012, so 12.01 is the most a capture takes.
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '89.99' });
    for (const amount of ['12.02', '13']) {
      const res = await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount });
      expectError(res, 400, 'CAPTURE_EXCEEDS_AUTHORIZATION', 'amount');
      expect(res.body.errors[0].description).toContain('(amount less reversed_amount: 12.01)');
    }
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '89.99' });
    const captured = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount: '12.01' }));
    expect(captured).toMatchObject({ status: 'CLOSED', closed_reason: 'CAPTURED', captured_amount: '12.01' });
    expect(await balances(t.api, accountId)).toEqual({ current: '87.99', available: '87.99' });
    await verifyLedger(app);
  });

  it('a refund to an account or customer that may not transact is refused (NOT_TRANSACTABLE); nothing moves', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '10');
    const refund = () => t.api.post(`/v1/simulations/cards/${cardId}/refunds`, { amount: '3', merchant: HOTEL });
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    expectError(await refund(), 400, 'NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'ACTIVE');
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    expectError(await refund(), 400, 'NOT_TRANSACTABLE');
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect((await transactions(t.api, accountId)).filter((l) => l.transaction_type === 'CARD_REFUND')).toEqual([]);
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'ACTIVE');
    expect(await ok(refund())).toMatchObject({ amount: '3', account_id: accountId });
    expect(await balances(t.api, accountId)).toEqual({ current: '13', available: '13' });
    await verifyLedger(app);
  });

  it('an over-capture the funds do not cover is refused and leaves the hold as it was', async () => {
    const { t, accountId, cardId } = await cardholder(app, '55');
    const auth = await ok(authorize(t, cardId, '50'));
    expectError(await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`, { amount: '56' }), 400, 'INSUFFICIENT_FUNDS');
    expect(await balances(t.api, accountId)).toEqual({ current: '55', available: '5' });
    await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/capture`));
    expect(await balances(t.api, accountId)).toEqual({ current: '5', available: '5' });
    await verifyLedger(app);
  });

  it('partial and full reversals release funds; an increment beyond the funds is refused', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    const auth = await ok(authorize(t, cardId, '80'));
    expectError(
      await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/increment`, { amount: '20.01' }),
      400,
      'INSUFFICIENT_FUNDS',
    );
    const partial = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/reverse`, { amount: '30' }));
    expect(partial).toMatchObject({ status: 'PENDING', amount: '80', reversed_amount: '30' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '50' });
    expectError(
      await t.api.post(`/v1/simulations/card-authorizations/${auth.id}/reverse`, { amount: '50.01' }),
      400,
      'VALIDATION_ERROR',
      'amount',
    );
    const full = await ok(t.api.post(`/v1/simulations/card-authorizations/${auth.id}/reverse`));
    expect(full).toMatchObject({ status: 'CLOSED', closed_reason: 'REVERSED', reversed_amount: '80', captured_amount: '0' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    // A second authorization captured by default takes what remains after a partial reversal.
    const second = await ok(authorize(t, cardId, '20'));
    await ok(t.api.post(`/v1/simulations/card-authorizations/${second.id}/reverse`, { amount: '5' }));
    expect(await ok(t.api.post(`/v1/simulations/card-authorizations/${second.id}/capture`))).toMatchObject({ captured_amount: '15' });
    expect(await balances(t.api, accountId)).toEqual({ current: '85', available: '85' });
    await verifyLedger(app);
  });

  it('an authorization on a DORMANT account approves and wakes it (OPEN again), as transfers do', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10');
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'DORMANT');
    expect(await ok(authorize(t, cardId, '4'))).toMatchObject({ status: 'PENDING' });
    expect(await ok(t.api.get(`/v1/accounts/deposits/${accountId}`))).toMatchObject({ status: 'OPEN' });
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '6' });
  });

  it('an authorization, then a refund, on the account of a DORMANT customer each wake the customer (ACTIVE again)', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '10');
    const activations = async () => (await eventsOf(app, t.clientId, customerId)).filter((e) => e.type === 'CUSTOMER_ACTIVE').length;
    const before = await activations();
    await setStatus(t.api, `/v1/customers/${customerId}`, 'DORMANT');
    expect(await ok(authorize(t, cardId, '4'))).toMatchObject({ status: 'PENDING' });
    expect(await ok(t.api.get(`/v1/customers/${customerId}`))).toMatchObject({ status: 'ACTIVE' });
    await setStatus(t.api, `/v1/customers/${customerId}`, 'DORMANT');
    await ok(t.api.post(`/v1/simulations/cards/${cardId}/refunds`, { amount: '1', merchant: HOTEL }));
    expect(await ok(t.api.get(`/v1/customers/${customerId}`))).toMatchObject({ status: 'ACTIVE' });
    expect(await activations()).toBe(before + 2); // one per wake-up
    expect(await balances(t.api, accountId)).toEqual({ current: '11', available: '7' });
    await verifyLedger(app);
  });
});
