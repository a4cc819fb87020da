/**
 * The SDK's `cards` resource and card simulations (issue 13), against the real app listening on a
 * random port: issue, authorize, capture, refund, lock, list authorizations.
 */
import type { AddressInfo } from 'node:net';
import { Ledgerline } from '@ledgerline/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant } from '../helpers.js';
import { balances, customerWithAccount, fund } from '../money/_fixtures.js';
import { COFFEE } from './_support.js';

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await makeApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
});

describe('the SDK’s cards', () => {
  it('issue, authorize, capture, refund, lock, list', async () => {
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t);
    await fund(t, accountId, '100');
    const sdk = new Ledgerline({ baseUrl: base, clientId: t.clientId, clientSecret: t.secret });
    const card = await sdk.cards.create({ customer_id: customerId, account_id: accountId, card_type: 'VIRTUAL' });
    expect(card.status).toBe('ACTIVE');
    const auth = await sdk.simulations.cards.authorize(card.id, { amount: '20', merchant: COFFEE });
    expect(auth).toMatchObject({ status: 'PENDING', amount: '20' }); // the SDK hands amounts over exactly, as text
    const captured = await sdk.simulations.cards.capture(auth.id, { amount: '18.5' });
    expect(captured).toMatchObject({ status: 'CLOSED', closed_reason: 'CAPTURED', captured_amount: '18.5' });
    await sdk.simulations.cards.refund(card.id, { amount: '1.5', merchant: COFFEE });
    expect(await balances(t.api, accountId)).toEqual({ current: '83', available: '83' });
    expect((await sdk.cards.update(card.id, { status: 'LOCKED' })).status).toBe('LOCKED');
    const page = await sdk.cards.authorizations(card.id);
    expect(page.data.map((a) => a.id)).toEqual([auth.id]);
    expect((await sdk.cards.retrieveAuthorization(auth.id)).captured_amount).toBe('18.5');
    const hook = await sdk.cards.authorizationWebhook.set({ url: 'http://127.0.0.1:9/decide' });
    expect(hook.timeout_decision).toBe('DECLINE');
    await sdk.cards.authorizationWebhook.remove();
  });
});
