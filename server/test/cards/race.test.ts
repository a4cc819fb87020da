/**
 * Authorizations race like transfers (issue 13): 50 concurrent authorizations against a balance
 * for 33 approve exactly 33, across two cards of one account (the card lock alone would not
 * serialize them: the ledger's account lock does). On PostgreSQL they run concurrently; on the
 * embedded database they serialize — the count must be exact either way.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp } from '../helpers.js';
import { balances, ok, transactions, verifyLedger } from '../money/_fixtures.js';
import { authorize, cardholder } from './_support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

describe('concurrent authorizations', () => {
  it('50 at once against funds for 33: exactly 33 approved, 17 INSUFFICIENT_FUNDS, available exactly 0', async () => {
    const { t, customerId, accountId, cardId } = await cardholder(app, '33');
    const second = await ok(t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'VIRTUAL' }));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => authorize(t, i % 2 ? second.id : cardId, '1.00')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const approved = results.filter((r) => r.body.data.status === 'PENDING');
    const declined = results.filter((r) => r.body.data.status === 'DECLINED');
    expect(approved).toHaveLength(33);
    expect(declined).toHaveLength(17);
    expect(new Set(declined.map((r) => r.body.data.decline_reason))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(await balances(t.api, accountId)).toEqual({ current: '33', available: '0' });
    const holds = (await transactions(t.api, accountId)).filter((l) => l.transaction_type === 'CARD_PURCHASE');
    expect(holds).toHaveLength(33);
    expect(holds.every((l) => l.transaction_status === 'AUTHORIZED' && l.value === '-1')).toBe(true);
    await verifyLedger(app);
  }, 180_000);
});
