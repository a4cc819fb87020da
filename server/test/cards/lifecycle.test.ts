/**
 * Cards' own life (issue 13): issuing and its refusals, the status table (PATCH in both forms,
 * activation, replacement, closing cascades), spending controls, history, events, lists.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, ETH, eventsOf, expectError, newCustomer, ok, openAccount, setStatus } from '../money/_fixtures.js';
import { authorize, cardholder } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

const ADDRESS = { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' };

describe('issuing cards', () => {
  it('refuses: another tenant’s account or customer (404), an account of another customer, a crypto account, a customer that may not transact', async () => {
    const t = await newTenant(app);
    const other = await newTenant(app);
    const mine = await customerWithAccount(t);
    const theirs = await customerWithAccount(other);
    const issue = (customer_id: string, account_id: string, extra: Record<string, unknown> = {}) =>
      t.api.post('/v1/cards', { customer_id, account_id, card_type: 'VIRTUAL', ...extra });
    expectError(await issue(mine.customerId, theirs.accountId), 404, 'NOT_FOUND', 'account_id');
    expectError(await issue(theirs.customerId, theirs.accountId), 404, 'NOT_FOUND', 'customer_id');
    const second = await customerWithAccount(t);
    expectError(await issue(mine.customerId, second.accountId), 400, 'VALIDATION_ERROR', 'account_id');
    const eth = await openAccount(t, mine.customerId, ETH);
    expectError(await issue(mine.customerId, eth), 400, 'ASSET_MISMATCH', 'account_id');
    expectError(
      await t.api.post('/v1/cards', { customer_id: mine.customerId, account_id: mine.accountId, card_type: 'PHYSICAL' }),
      400,
      'VALIDATION_ERROR',
      'shipping_address',
    );
    expectError(
      await issue(mine.customerId, mine.accountId, { spending_controls: { daily_limit: '1.001' } }),
      400,
      'AMOUNT_PRECISION',
      'spending_controls.daily_limit',
    );
    await setStatus(t.api, `/v1/customers/${second.customerId}`, 'FROZEN');
    expectError(await issue(second.customerId, second.accountId), 400, 'NOT_TRANSACTABLE');
    const frozenAccount = await customerWithAccount(t);
    await setStatus(t.api, `/v1/accounts/deposits/${frozenAccount.accountId}`, 'FROZEN');
    expectError(await issue(frozenAccount.customerId, frozenAccount.accountId), 400, 'NOT_TRANSACTABLE');
    expect((await ok(t.api.get('/v1/cards'))).cards).toEqual([]);
  });

  it('spending controls come back exact, in the account’s asset; CARD_CREATED', async () => {
    const { t, card } = await cardholder(app, '0', {
      per_authorization_limit: '12.34',
      daily_limit: 100,
      allowed_mccs: ['5814'],
      allowed_countries: ['US'],
    });
    expect(card.spending_controls).toEqual({
      per_authorization_limit: '12.34',
      daily_limit: '100',
      allowed_mccs: ['5814'],
      allowed_countries: ['US'],
    });
    expect(card.status).toBe('ACTIVE');
    expect((await eventsOf(app, t.clientId, card.id)).map((e) => e.type)).toEqual(['CARD_CREATED']);
  });
});

describe('the card status table', () => {
  it('a PHYSICAL card is INACTIVE until activated with its last4; PATCH cannot skip activation', async () => {
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t);
    const card = await ok(
      t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'PHYSICAL', shipping_address: ADDRESS }),
    );
    expect(card.status).toBe('INACTIVE');
    expect(await ok(authorize(t, card.id, '1'))).toMatchObject({ status: 'DECLINED', decline_reason: 'CARD_NOT_ACTIVE' });
    expectError(await t.api.patch(`/v1/cards/${card.id}`, { status: 'ACTIVE' }), 400, 'INVALID_STATUS_TRANSITION', 'status');
    const wrong = card.last4 === '0000' ? '0001' : '0000';
    expectError(await t.api.post(`/v1/cards/${card.id}/activate`, { last4: wrong }), 400, 'VALIDATION_ERROR', 'last4');
    expect(await ok(t.api.post(`/v1/cards/${card.id}/activate`, { last4: card.last4 }))).toMatchObject({ status: 'ACTIVE' });
    expectError(await t.api.post(`/v1/cards/${card.id}/activate`, { last4: card.last4 }), 400, 'INVALID_STATUS_TRANSITION');
    const events = await eventsOf(app, t.clientId, card.id);
    expect(events.map((e) => e.type)).toEqual(['CARD_CREATED', 'CARD_STATUS_CHANGED']);
    expect(events[1]?.data).toEqual({ card: { id: card.id, status: 'ACTIVE' } });
  });

  it('ACTIVE <-> LOCKED in both PATCH forms, any non-terminal -> CLOSED, nothing leaves CLOSED; history keeps each change', async () => {
    const { t, cardId } = await cardholder(app, '0');
    expect(await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' }))).toMatchObject({ status: 'LOCKED' });
    expect(
      await ok(
        t.api.patch(`/v1/cards/${cardId}`, { updates: [{ field: 'status', value: 'ACTIVE' }], updated_by: 'ops', reason: 'found it' }),
      ),
    ).toMatchObject({ status: 'ACTIVE' });
    const renamed = await ok(
      t.api.patch(`/v1/cards/${cardId}`, {
        updates: [
          { field: 'cardholder_name', value: 'A. Lovelace' },
          { field: 'spending_controls.daily_limit', value: '25.5' },
        ],
      }),
    );
    expect(renamed).toMatchObject({ cardholder_name: 'A. Lovelace', spending_controls: { daily_limit: '25.5' } });
    const plain = await ok(t.api.patch(`/v1/cards/${cardId}`, { spending_controls: { daily_limit: null, monthly_limit: 300 } }));
    expect(plain.spending_controls).toEqual({ monthly_limit: '300' });
    expectError(await t.api.patch(`/v1/cards/${cardId}`, { last4: '1234' }), 400, 'NOT_UPDATABLE', 'last4');
    expectError(await t.api.patch(`/v1/cards/${cardId}`, { status: 'WHATEVER' }), 400, 'VALIDATION_ERROR');
    // LOST and STOLEN are reached by replacement only (CONTRACT §13's moves), in both PATCH forms.
    for (const status of ['LOST', 'STOLEN']) {
      expectError(await t.api.patch(`/v1/cards/${cardId}`, { status }), 400, 'INVALID_STATUS_TRANSITION', 'status');
      expectError(
        await t.api.patch(`/v1/cards/${cardId}`, { updates: [{ field: 'status', value: status }], reason: 'lost it' }),
        400,
        'INVALID_STATUS_TRANSITION',
        'status',
      );
    }
    expect(await ok(t.api.get(`/v1/cards/${cardId}`))).toMatchObject({ status: 'ACTIVE' });
    expect(await ok(t.api.patch(`/v1/cards/${cardId}`, { status: 'CLOSED' }))).toMatchObject({ status: 'CLOSED' });
    expectError(await t.api.patch(`/v1/cards/${cardId}`, { status: 'ACTIVE' }), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.patch(`/v1/cards/${cardId}`, { cardholder_name: 'X' }), 400, 'NOT_UPDATABLE');

    const history = (await ok(t.api.get(`/v1/cards/${cardId}/history?order=ASC`))).history;
    expect(history.map((h: any) => [h.field, h.before, h.after])).toEqual([
      ['status', 'ACTIVE', 'LOCKED'],
      ['status', 'LOCKED', 'ACTIVE'],
      ['cardholder_name', 'Ada Lovelace', 'A. Lovelace'],
      ['spending_controls.daily_limit', null, '25.5'],
      ['spending_controls.daily_limit', '25.5', null],
      ['spending_controls.monthly_limit', null, '300'],
      ['status', 'ACTIVE', 'CLOSED'],
    ]);
    expect(history[1]).toMatchObject({ updated_by: 'ops', reason: 'found it' });
  });

  it('replacement: a new number on the same account, holder and controls; the old card ends in the reason’s status', async () => {
    const { t, accountId, card, cardId } = await cardholder(app, '0', { daily_limit: '40' });
    const lost = await ok(t.api.post(`/v1/cards/${cardId}/replace`, { reason: 'LOST' }));
    expect(lost).toMatchObject({
      account_id: accountId,
      card_type: 'VIRTUAL',
      status: 'ACTIVE',
      cardholder_name: card.cardholder_name,
      spending_controls: { daily_limit: '40' },
    });
    expect(lost.id).not.toBe(cardId);
    expect(await ok(t.api.get(`/v1/cards/${cardId}`))).toMatchObject({ status: 'LOST' });
    expectError(await t.api.post(`/v1/cards/${cardId}/replace`, { reason: 'LOST' }), 400, 'INVALID_STATUS_TRANSITION');
    await ok(t.api.post(`/v1/cards/${lost.id}/replace`, { reason: 'STOLEN' }));
    expect(await ok(t.api.get(`/v1/cards/${lost.id}`))).toMatchObject({ status: 'STOLEN' });
    const damaged = await ok(t.api.get(`/v1/cards?account_id=${accountId}&status=ACTIVE`));
    expect(damaged.cards).toHaveLength(1);
    const third = damaged.cards[0].id as string;
    await ok(t.api.post(`/v1/cards/${third}/replace`, { reason: 'DAMAGED' }));
    expect(await ok(t.api.get(`/v1/cards/${third}`))).toMatchObject({ status: 'CLOSED' });

    // A PHYSICAL replacement waits for activation.
    const customerId = card.customer_id as string;
    const physical = await ok(
      t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'PHYSICAL', shipping_address: ADDRESS }),
    );
    await ok(t.api.post(`/v1/cards/${physical.id}/activate`, { last4: physical.last4 }));
    const next = await ok(t.api.post(`/v1/cards/${physical.id}/replace`, { reason: 'EXPIRED' }));
    expect(next).toMatchObject({ card_type: 'PHYSICAL', status: 'INACTIVE' });
    const all = (await ok(t.api.get(`/v1/cards?customer_id=${customerId}&page_size=50`))).cards;
    expect(all.map((c: any) => c.status)).toEqual(['INACTIVE', 'CLOSED', 'ACTIVE', 'CLOSED', 'STOLEN', 'LOST']);
    expect(new Set(all.map((c: any) => c.id)).size).toBe(6);
  });

  it('closing the account closes its cards; closing the customer closes the cards of all its accounts', async () => {
    const t = await newTenant(app);
    const customerId = await newCustomer(t);
    const a1 = await openAccount(t, customerId);
    const a2 = await openAccount(t, customerId);
    const issue = (account_id: string) => ok(t.api.post('/v1/cards', { customer_id: customerId, account_id, card_type: 'VIRTUAL' }));
    const c1 = await issue(a1);
    const c2 = await issue(a2);
    const c3 = await issue(a2);
    await ok(t.api.patch(`/v1/cards/${c3.id}`, { status: 'LOCKED' }));
    await setStatus(t.api, `/v1/accounts/deposits/${a1}`, 'CLOSED');
    expect(await ok(t.api.get(`/v1/cards/${c1.id}`))).toMatchObject({ status: 'CLOSED' });
    expect(await ok(t.api.get(`/v1/cards/${c2.id}`))).toMatchObject({ status: 'ACTIVE' });
    await setStatus(t.api, `/v1/customers/${customerId}`, 'CLOSED');
    expect(await ok(t.api.get(`/v1/cards/${c2.id}`))).toMatchObject({ status: 'CLOSED' });
    expect(await ok(t.api.get(`/v1/cards/${c3.id}`))).toMatchObject({ status: 'CLOSED' });
    const history = (await ok(t.api.get(`/v1/cards/${c3.id}/history`))).history;
    expect(history[0]).toMatchObject({ field: 'status', before: 'LOCKED', after: 'CLOSED' });
    expect((await eventsOf(app, t.clientId, c2.id)).map((e) => e.type)).toEqual(['CARD_CREATED', 'CARD_STATUS_CHANGED']);
  });

  it('404 for another tenant’s card, on every route', async () => {
    const { cardId } = await cardholder(app, '0');
    const other = await newTenant(app);
    expectError(await other.api.get(`/v1/cards/${cardId}`), 404, 'NOT_FOUND');
    expectError(await other.api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' }), 404, 'NOT_FOUND');
    expectError(await other.api.get(`/v1/cards/${cardId}/authorizations`), 404, 'NOT_FOUND');
    expectError(await authorize(other, cardId, '1'), 404, 'NOT_FOUND');
  });
});
