/**
 * Real-time decisions (issue 13): the client's authorization webhook on a real local HTTP
 * receiver. Signed like event webhooks; approve, decline, timeout (2 s, timeout_decision); asked
 * only once the platform's checks pass; the wait holds no database lock (the card can be changed
 * while the client thinks) and funds are re-checked under lock after it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, type Tenant } from '../helpers.js';
import { balances, expectError, ok, verifyLedger } from '../money/_fixtures.js';
import { authorize, cardholder, DecisionReceiver } from './_support.js';

let app: FastifyInstance;
let receiver: DecisionReceiver;
beforeAll(async () => {
  app = await getApp();
  receiver = await new DecisionReceiver().start();
});
afterAll(async () => {
  await receiver.close();
});

async function withWebhook(t: Tenant, timeout_decision?: 'APPROVE' | 'DECLINE') {
  const hook = await ok(
    t.api.request('PUT', '/v1/cards/authorization-webhook', { url: receiver.url, ...(timeout_decision && { timeout_decision }) }),
  );
  expect(hook).toMatchObject({ url: receiver.url, timeout_decision: timeout_decision ?? 'DECLINE' });
  expect(hook.signature_verification_key).toMatch(/^[0-9a-f]{64}$/);
  receiver.key = hook.signature_verification_key;
  receiver.calls.length = 0;
  return hook;
}

describe('the authorization webhook', () => {
  it('approve: the proposed authorization arrives signed; the answer approves it with the same id', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    await withWebhook(t);
    receiver.policy = () => ({ approved: true });
    const a = await ok(authorize(t, cardId, '12.34'));
    expect(a).toMatchObject({ status: 'PENDING', amount: '12.34' });
    expect(receiver.calls).toHaveLength(1);
    const call = receiver.calls[0];
    expect(call?.verified).toBe(true);
    expect(call?.body.authorization).toMatchObject({ id: a.id, card_id: cardId, account_id: accountId, status: 'PENDING', amount: 12.34 });
    expect(call?.raw).toContain('"amount":12.34');
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '87.66' });

    // Set again: same key; removed: the platform decides alone.
    const again = await ok(t.api.request('PUT', '/v1/cards/authorization-webhook', { url: receiver.url, timeout_decision: 'APPROVE' }));
    expect(again.signature_verification_key).toBe(receiver.key);
    await ok(t.api.delete('/v1/cards/authorization-webhook'));
    expectError(await t.api.delete('/v1/cards/authorization-webhook'), 404, 'NOT_FOUND');
    expect(await ok(authorize(t, cardId, '1'))).toMatchObject({ status: 'PENDING' });
    expect(receiver.calls).toHaveLength(1);
  });

  it('decline: {"approved": false} declines with DECLINED_BY_CLIENT; nothing moves', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    await withWebhook(t);
    receiver.policy = () => ({ approved: false });
    expect(await ok(authorize(t, cardId, '5'))).toMatchObject({ status: 'DECLINED', decline_reason: 'DECLINED_BY_CLIENT' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    // An answer that is not the expected JSON counts as no answer: the timeout decision (DECLINE).
    receiver.policy = () => 'yes please';
    expect(await ok(authorize(t, cardId, '5'))).toMatchObject({ status: 'DECLINED', decline_reason: 'DECLINED_BY_CLIENT' });
    expect(receiver.calls).toHaveLength(2);
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('INSUFFICIENT_FUNDS before DECLINED_BY_CLIENT: over the funds with a client that refuses everything', async () => {
    const { t, accountId, cardId } = await cardholder(app, '10');
    await withWebhook(t);
    receiver.policy = () => ({ approved: false });
    expect(await ok(authorize(t, cardId, '10.01'))).toMatchObject({ status: 'DECLINED', decline_reason: 'INSUFFICIENT_FUNDS' });
    expect(receiver.calls).toHaveLength(0); // the platform's checks failed: the client is not asked
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    expect(await ok(authorize(t, cardId, '10'))).toMatchObject({ status: 'DECLINED', decline_reason: 'DECLINED_BY_CLIENT' });
    expect(receiver.calls).toHaveLength(1);
    expect(await balances(t.api, accountId)).toEqual({ current: '10', available: '10' });
    await verifyLedger(app);
  });

  it('timeout: no answer within 2 s applies timeout_decision (DECLINE by default, or APPROVE)', { timeout: 30_000 }, async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    await withWebhook(t);
    receiver.policy = () => 'hang';
    expect(await ok(authorize(t, cardId, '5'))).toMatchObject({ status: 'DECLINED', decline_reason: 'DECLINED_BY_CLIENT' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '100' });
    await withWebhook(t, 'APPROVE');
    receiver.policy = () => 'hang';
    expect(await ok(authorize(t, cardId, '5'))).toMatchObject({ status: 'PENDING' });
    expect(await balances(t.api, accountId)).toEqual({ current: '100', available: '95' });
    await verifyLedger(app);
  });

  it('asked only after the platform’s own checks pass; a replayed request does not ask again', async () => {
    const { t, cardId } = await cardholder(app, '10', { blocked_mccs: ['7995'] });
    await withWebhook(t);
    receiver.policy = () => ({ approved: true });
    expect(await ok(authorize(t, cardId, '10.01'))).toMatchObject({ decline_reason: 'INSUFFICIENT_FUNDS' });
    expect(await ok(authorize(t, cardId, '1', { name: 'Casino', mcc: '7995', country: 'US' }))).toMatchObject({
      decline_reason: 'MCC_NOT_ALLOWED',
    });
    expect(receiver.calls).toHaveLength(0);
    const key = { 'x-l2f-idempotency-id': `auth-${cardId}` };
    const body = { amount: '2', merchant: { name: 'Shop', mcc: '5411', country: 'US' } };
    const first = await t.api.post(`/v1/simulations/cards/${cardId}/authorizations`, body, key);
    const second = await t.api.post(`/v1/simulations/cards/${cardId}/authorizations`, body, key);
    expect(second.raw).toBe(first.raw);
    expect(second.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(receiver.calls).toHaveLength(1);
    // A request the schema refuses is answered by the unit without asking anyone.
    const refused = await t.api.post(`/v1/simulations/cards/${cardId}/authorizations`, { amount: '1', merchant: { name: 'x' } });
    expect(refused.status).toBe(400);
    expect(new Set(refused.body.errors.map((e: any) => e.code))).toEqual(new Set(['VALIDATION_ERROR']));
    expectError(await authorize(t, cardId, '0.001'), 400, 'AMOUNT_PRECISION', 'amount');
    expect(receiver.calls).toHaveLength(1);
  });

  it('the wait holds no lock: the card can be changed while the client decides', async () => {
    const { t, cardId } = await cardholder(app, '100');
    await withWebhook(t);
    let patched = 0;
    receiver.policy = async () => {
      // Needs the card's row lock: it would wait for the authorization's transaction if the wait held one.
      patched = (await t.api.patch(`/v1/cards/${cardId}`, { cardholder_name: 'Changed Meanwhile' })).status;
      return { approved: true };
    };
    expect(await ok(authorize(t, cardId, '5'))).toMatchObject({ status: 'PENDING' });
    expect(patched).toBe(200);
  });

  it('funds are re-checked under lock after the wait: spent meanwhile -> INSUFFICIENT_FUNDS, never below zero', async () => {
    const { t, accountId, cardId } = await cardholder(app, '100');
    await withWebhook(t);
    receiver.policy = async () => {
      await ok(
        t.operator.post('/v1/admin/adjustments', {
          account_id: accountId,
          amount: '95',
          transaction_type: 'DEBIT_CORRECTION',
          reason: 'x',
        }),
      );
      return { approved: true };
    };
    expect(await ok(authorize(t, cardId, '50'))).toMatchObject({ status: 'DECLINED', decline_reason: 'INSUFFICIENT_FUNDS' });
    expect(await balances(t.api, accountId)).toEqual({ current: '5', available: '5' });
    await verifyLedger(app);
  });

  it('50 concurrent authorizations approved by the client against funds for 33: exactly 33 approved', async () => {
    const { t, accountId, cardId } = await cardholder(app, '33');
    // APPROVE on timeout too: on the embedded database 50 requests share one event loop, and an
    // answer may come late; approved either way, only the funds (re-checked under lock) decide.
    await withWebhook(t, 'APPROVE');
    receiver.policy = () => ({ approved: true });
    const results = await Promise.all(Array.from({ length: 50 }, () => authorize(t, cardId, '1')));
    const statuses = results.map((r) => r.body.data.status);
    expect(statuses.filter((s) => s === 'PENDING')).toHaveLength(33);
    expect(statuses.filter((s) => s === 'DECLINED')).toHaveLength(17);
    expect(new Set(results.filter((r) => r.body.data.status === 'DECLINED').map((r) => r.body.data.decline_reason))).toEqual(
      new Set(['INSUFFICIENT_FUNDS']),
    );
    expect(await balances(t.api, accountId)).toEqual({ current: '33', available: '0' });
    await verifyLedger(app);
  }, 120_000);
});
