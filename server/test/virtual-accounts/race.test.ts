/**
 * Payments racing a status change: each one is either credited (before the change) or returned
 * (after it), never both and never lost; the account holds exactly what was credited.
 */
import { describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { agree, customerWithAccount, dec, USD, verifyLedger } from '../money/_fixtures.js';
import { createVa, incomingOf } from './_fixtures.js';

describe('payments racing a DISABLE', () => {
  it('each is credited or returned; the balance is the credited sum', { timeout: 120_000 }, async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'ACH' });
    const send = () =>
      t.api.post('/v1/simulations/deposits', {
        rail: 'ACH',
        asset_type_id: USD,
        amount: '1.01',
        account_number: va.account_number,
        routing_number: va.routing_number,
      });
    const payments = Array.from({ length: 12 }, send);
    const disable = t.api.patch(`/v1/virtual-accounts/${va.id}`, { status: 'DISABLED' });
    const answers = await Promise.all([...payments, disable]);
    for (const a of answers) expect(a.status, a.raw).toBe(200);
    const results = answers.slice(0, 12).map((a) => a.body.data);
    const credited = results.filter((r) => r.status === 'CREDITED');
    const returned = results.filter((r) => r.returned === true);
    expect(credited.length + returned.length).toBe(12);
    for (const r of returned)
      expect(r).toEqual({ id: r.id, matched: true, returned: true, return_reason: 'ACCOUNT_DISABLED', virtual_account_id: va.id });
    const cents = BigInt(credited.length) * 101n;
    const text = dec(cents, 2);
    expect(await agree(t, accountId, USD)).toEqual({ current: text, available: text });
    const listed = await incomingOf(t, va.id);
    expect(listed.map((i) => i.id).sort()).toEqual(results.map((r) => r.id).sort());
    expect(listed.filter((i) => i.status === 'RETURNED').length).toBe(returned.length);
    await verifyLedger(app);
  });
});
