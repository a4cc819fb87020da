/**
 * Expiry (issue 13): an approved authorization not captured within 7 days of the sandbox clock
 * expires — the holds sweeper releases its hold (available comes back) and it reads CLOSED
 * (EXPIRED), even before the sweeper has run. Frozen app: only the client's clock moves.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFrozenApp } from '../helpers.js';
import { advance, balances, eventsOf, expectError, ok, transactions, verifyLedger } from '../money/_fixtures.js';
import { authorize, cardholder, setBusinessTime } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getFrozenApp();
});

const WEEK = 7 * 86_400;

describe('authorization expiry', () => {
  it('7 days after approval the sweeper releases the hold; the authorization is CLOSED (EXPIRED)', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    const a = await ok(authorize(t, cardId, '40'));
    await advance(t, WEEK - 1);
    expect(await ok(t.api.get(`/v1/card-authorizations/${a.id}`))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '60' });
    await advance(t, 1);
    expect(await ok(t.api.get(`/v1/card-authorizations/${a.id}`))).toMatchObject({
      status: 'CLOSED',
      closed_reason: 'EXPIRED',
      captured_amount: '0',
    });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    const events = await eventsOf(app, t.clientId, a.id);
    expect(events.map((e) => e.type)).toEqual(['CARD_AUTHORIZATION_CREATED', 'CARD_AUTHORIZATION_CLOSED']);
    expect(events[1]?.data).toEqual({ card_authorization: { id: a.id, status: 'CLOSED', card_id: cardId } });
    const hold = (await transactions(t.api, accountId)).find((l) => l.category_id === a.id);
    expect(hold).toMatchObject({ transaction_status: 'CANCELLED', transaction_type: 'CARD_PURCHASE' });
    expectError(await t.api.post(`/v1/simulations/card-authorizations/${a.id}/capture`), 400, 'EXPIRED');
    expectError(await t.api.post(`/v1/simulations/card-authorizations/${a.id}/increment`, { amount: 1 }), 400, 'EXPIRED');
    await verifyLedger(app);
  });

  it('past its expiry it reads CLOSED (EXPIRED) and refuses a capture before the sweeper runs', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100', undefined, '2027-05-01T08:00:00.000Z');
    const a = await ok(authorize(t, cardId, '25'));
    const captured = await ok(authorize(t, cardId, '5'));
    await ok(t.api.post(`/v1/simulations/card-authorizations/${captured.id}/capture`));
    await setBusinessTime(app, t.clientId, '2027-05-08T08:00:01.000Z'); // no due work run
    expect(await ok(t.api.get(`/v1/card-authorizations/${a.id}`))).toMatchObject({ status: 'CLOSED', closed_reason: 'EXPIRED' });
    expectError(await t.api.post(`/v1/simulations/card-authorizations/${a.id}/reverse`), 400, 'EXPIRED');
    expect(await balances(t.api, accountId)).toEqual({ current: '95', available: '70' });
    await advance(t, 1); // the sweeper runs now; the hold is released at its own expiry instant
    expect(await balances(t.api, accountId)).toEqual({ current: '95', available: '95' });
    // A captured authorization never expires.
    expect(await ok(t.api.get(`/v1/card-authorizations/${captured.id}`))).toMatchObject({ status: 'CLOSED', closed_reason: 'CAPTURED' });
    const list = (await ok(t.api.get(`/v1/cards/${cardId}/authorizations`))).authorizations;
    expect(list.map((x: any) => x.closed_reason)).toEqual(['CAPTURED', 'EXPIRED']);
    await verifyLedger(app);
  });
});
