/**
 * Tenant isolation: another client's virtual accounts do not exist for it (404 on every route,
 * never 403), and its simulated deposit to them credits nothing of theirs. Scopes: accounts:read
 * for reading, accounts:write for changes.
 */
import { describe, expect, it } from 'vitest';
import { Api, getApp, newTenant, tokenFor } from '../helpers.js';
import { agree, customerWithAccount, EUR, expectError, ok, openAccount, USD } from '../money/_fixtures.js';
import { arrive, createVa, incomingOf } from './_fixtures.js';

describe('virtual accounts between tenants', () => {
  it('another tenant gets 404 on every route', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const { accountId } = await customerWithAccount(a, USD);
    const va = await createVa(a, accountId, { rail: 'ACH' });

    expectError(await b.api.post(`/v1/accounts/deposits/${accountId}/virtual-accounts`, { rail: 'ACH' }), 404, 'NOT_FOUND');
    expectError(await b.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`), 404, 'NOT_FOUND');
    expectError(await b.api.get(`/v1/virtual-accounts/${va.id}`), 404, 'NOT_FOUND');
    expectError(await b.api.patch(`/v1/virtual-accounts/${va.id}`, { status: 'DISABLED' }), 404, 'NOT_FOUND');
    expectError(await b.api.get(`/v1/virtual-accounts/${va.id}/history`), 404, 'NOT_FOUND');
    expectError(await b.api.get(`/v1/virtual-accounts/${va.id}/incoming-payments`), 404, 'NOT_FOUND');
    expect((await ok(a.api.get(`/v1/virtual-accounts/${va.id}`))).status).toBe('ACTIVE');
    // The operator acting for A sees it.
    expect((await ok(a.operator.get(`/v1/virtual-accounts/${va.id}`))).id).toBe(va.id);
  });

  it('a simulated deposit by tenant B to tenant A’s details does not credit A', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const { customerId, accountId } = await customerWithAccount(a, USD);
    const eurAccount = await openAccount(a, customerId, EUR);
    const va = await createVa(a, accountId, { rail: 'ACH' });
    const iva = await createVa(a, eurAccount, { rail: 'SEPA_CT' });
    const us = await arrive(b, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '77',
      account_number: va.account_number,
      routing_number: va.routing_number,
    });
    expect(us).toMatchObject({ status: 'SUSPENSE', matched: false, account_id: null, virtual_account_id: null });
    const eu = await arrive(b, { rail: 'SEPA_CT', asset_type_id: EUR, amount: '77', iban: iva.iban });
    expect(eu).toMatchObject({ status: 'SUSPENSE', matched: false, account_id: null });
    expect(await agree(a, accountId, USD)).toEqual({ current: '0', available: '0' });
    expect(await agree(a, eurAccount, EUR)).toEqual({ current: '0', available: '0' });
    expect(await incomingOf(a, va.id)).toEqual([]);
  });

  it('reading needs accounts:read, changing needs accounts:write', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'ACH' });
    const read = new Api(app, await tokenFor(app, t.clientId, t.secret, 'accounts:read'));
    const other = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:read'));
    expect((await read.get(`/v1/virtual-accounts/${va.id}`)).status).toBe(200);
    expect((await read.get(`/v1/virtual-accounts/${va.id}/incoming-payments`)).status).toBe(200);
    expectError(await read.patch(`/v1/virtual-accounts/${va.id}`, { status: 'DISABLED' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await read.post(`/v1/accounts/deposits/${accountId}/virtual-accounts`, { rail: 'ACH' }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await other.get(`/v1/virtual-accounts/${va.id}`), 403, 'INSUFFICIENT_SCOPE');
    expectError(await other.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`), 403, 'INSUFFICIENT_SCOPE');
  });
});
