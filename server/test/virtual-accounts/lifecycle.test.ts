/**
 * The virtual account's life: PATCH in both forms (status, name), its history and events, and the
 * cascade: closing the account (or its customer) closes its virtual accounts.
 */
import { describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, EUR, eventsOf, expectError, ok, openAccount, setStatus, USD } from '../money/_fixtures.js';
import { arrive, createVa, patchVa } from './_fixtures.js';

describe('virtual account status and name', () => {
  it('moves ACTIVE ⇄ DISABLED → CLOSED in both PATCH forms, with history and an event per status', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'FEDWIRE', name: 'payroll' });

    const disabled = await patchVa(t, va.id, { status: 'DISABLED', reason: 'paused' });
    expect(disabled).toEqual({ ...va, status: 'DISABLED', updated_at: expect.any(String) });
    const renamed = await patchVa(t, va.id, {
      updates: [
        { field: 'status', value: 'ACTIVE' },
        { field: 'name', value: 'payroll 2027' },
      ],
      updated_by: 'ops@example.com',
      reason: 'resumed',
    });
    expect(renamed).toMatchObject({ status: 'ACTIVE', name: 'payroll 2027', account_number: va.account_number });
    // Same status again: nothing changes, nothing is recorded.
    expect(await patchVa(t, va.id, { status: 'ACTIVE' })).toEqual(renamed);
    const unnamed = await patchVa(t, va.id, { name: null });
    expect(unnamed.name).toBeNull();
    const closed = await patchVa(t, va.id, { status: 'CLOSED' });
    expect(closed.status).toBe('CLOSED');
    // Closing a CLOSED one again is no change.
    expect(await patchVa(t, va.id, { status: 'CLOSED' })).toEqual(closed);

    const history = (await ok(t.api.get(`/v1/virtual-accounts/${va.id}/history?order=ASC`))).history;
    expect(history.map((h: any) => [h.field, h.before, h.after, h.reason ?? null])).toEqual([
      ['status', 'ACTIVE', 'DISABLED', 'paused'],
      ['status', 'DISABLED', 'ACTIVE', 'resumed'],
      ['name', 'payroll', 'payroll 2027', 'resumed'],
      ['name', 'payroll 2027', null, null],
      ['status', 'ACTIVE', 'CLOSED', null],
    ]);
    expect(history[1]).toMatchObject({ updated_by: 'ops@example.com', actor: { type: 'client', client_id: t.clientId } });

    expect(await eventsOf(app, t.clientId, va.id)).toEqual([
      { type: 'VIRTUAL_ACCOUNT_ACTIVE', data: { virtual_account: { id: va.id, status: 'ACTIVE' } } },
      { type: 'VIRTUAL_ACCOUNT_DISABLED', data: { virtual_account: { id: va.id, status: 'DISABLED' } } },
      { type: 'VIRTUAL_ACCOUNT_ACTIVE', data: { virtual_account: { id: va.id, status: 'ACTIVE' } } },
      { type: 'VIRTUAL_ACCOUNT_CLOSED', data: { virtual_account: { id: va.id, status: 'CLOSED' } } },
    ]);
    // A subscription may name the new event types.
    const sub = await t.api.post('/v1/subscriptions', {
      event_type: 'VIRTUAL_ACCOUNT_DISABLED',
      callback_url: 'https://example.com/hooks',
    });
    expect(sub.status, sub.raw).toBe(200);
  });

  it('a refused PATCH changes nothing (whole or nothing)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'ACH', name: 'keep' });
    expectError(
      await t.api.patch(`/v1/virtual-accounts/${va.id}`, { name: 'other', routing_number: '021000021' }),
      400,
      'NOT_UPDATABLE',
      'routing_number',
    );
    expect(await ok(t.api.get(`/v1/virtual-accounts/${va.id}`))).toEqual(va);
    expect((await ok(t.api.get(`/v1/virtual-accounts/${va.id}/history`))).history).toEqual([]);
  });
});

describe('closing the account closes its virtual accounts', () => {
  it('ACTIVE and DISABLED ones become CLOSED (history, events); later funds are returned ACCOUNT_CLOSED', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const other = await openAccount(t, customerId, USD);
    const active = await createVa(t, accountId, { rail: 'ACH' });
    const disabled = await createVa(t, accountId, { rail: 'FEDWIRE' });
    await patchVa(t, disabled.id, { status: 'DISABLED' });
    const untouched = await createVa(t, other, { rail: 'ACH' });

    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'CLOSED');
    const list = (await ok(t.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`))).virtual_accounts;
    expect(list.map((v: any) => [v.id, v.status])).toEqual([
      [disabled.id, 'CLOSED'],
      [active.id, 'CLOSED'],
    ]);
    expect((await ok(t.api.get(`/v1/virtual-accounts/${untouched.id}`))).status).toBe('ACTIVE');
    const history = (await ok(t.api.get(`/v1/virtual-accounts/${disabled.id}/history`))).history;
    expect(history[0]).toMatchObject({ field: 'status', before: 'DISABLED', after: 'CLOSED', reason: 'account closed' });
    expect((await eventsOf(app, t.clientId, active.id)).map((e) => e.type)).toEqual(['VIRTUAL_ACCOUNT_ACTIVE', 'VIRTUAL_ACCOUNT_CLOSED']);

    const res = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '3',
      account_number: active.account_number,
      routing_number: active.routing_number,
    });
    expect(res).toEqual({
      id: expect.any(String),
      matched: true,
      returned: true,
      return_reason: 'ACCOUNT_CLOSED',
      virtual_account_id: active.id,
    });
    expectError(await t.api.patch(`/v1/virtual-accounts/${active.id}`, { status: 'ACTIVE' }), 400, 'INVALID_STATUS_TRANSITION');
    // No new details for a closed account.
    expectError(await t.api.post(`/v1/accounts/deposits/${accountId}/virtual-accounts`, { rail: 'ACH' }), 400, 'NOT_TRANSACTABLE');
  });

  it('a refused close (funds left) closes nothing; closing the customer closes its accounts’ virtual accounts', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const eurAccount = await openAccount(t, customerId, EUR);
    const usdVa = await createVa(t, accountId, { rail: 'ACH' });
    const eurVa = await createVa(t, eurAccount, { rail: 'SEPA_CT' });
    await arrive(t, { rail: 'SEPA_CT', asset_type_id: EUR, amount: '1', iban: eurVa.iban });
    expectError(await t.api.patch(`/v1/accounts/deposits/${eurAccount}`, { status: 'CLOSED' }), 400, 'NON_ZERO_BALANCE');
    expect((await ok(t.api.get(`/v1/virtual-accounts/${eurVa.id}`))).status).toBe('ACTIVE');
    // Empty it (an operator debit), then close the customer: accounts and virtual accounts close.
    await ok(
      t.operator.post('/v1/admin/adjustments', {
        account_id: eurAccount,
        amount: '1',
        transaction_type: 'DEBIT_CORRECTION',
        reason: 'empty',
      }),
    );
    await setStatus(t.api, `/v1/customers/${customerId}`, 'CLOSED');
    expect((await ok(t.api.get(`/v1/virtual-accounts/${usdVa.id}`))).status).toBe('CLOSED');
    expect((await ok(t.api.get(`/v1/virtual-accounts/${eurVa.id}`))).status).toBe('CLOSED');
  });
});
