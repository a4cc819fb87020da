/**
 * Virtual account details: the shape of each rail's details, valid check digits (ABA, IBAN mod-97,
 * checked by the rules written in _fixtures.ts, not the server's), uniqueness across the platform,
 * and the refusals of creation (asset, account, input).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { pgErrorCode } from '../../src/db/client.js';
import { queryRows } from '../../src/db/sql.js';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, ETH, EUR, expectError, GBP, openAccount, setStatus, USD } from '../money/_fixtures.js';
import { abaValid, createVa, ibanValid } from './_fixtures.js';

describe('the independent check-digit rules', () => {
  it('accept known-good numbers and refuse one changed digit', () => {
    expect(abaValid('021000021')).toBe(true);
    expect(abaValid('011000015')).toBe(true);
    expect(abaValid('021000022')).toBe(false);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
  });
});

describe('virtual account details', () => {
  it('ACH and FEDWIRE: an account number of 10-17 digits at an ABA-valid routing number; SEPA_CT: a mod-97-valid IBAN and a BIC', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const eurAccount = await openAccount(t, customerId, EUR);

    const ach = await createVa(t, accountId, { rail: 'ACH', name: 'Rent collections' });
    expect(ach).toEqual({
      id: expect.stringMatching(/^va_/),
      account_id: accountId,
      customer_id: customerId,
      rail: 'ACH',
      status: 'ACTIVE',
      name: 'Rent collections',
      account_number: expect.stringMatching(/^\d{10,17}$/),
      routing_number: expect.stringMatching(/^\d{9}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(abaValid(ach.routing_number)).toBe(true);

    const wire = await createVa(t, accountId, { rail: 'FEDWIRE' });
    expect(wire).toMatchObject({ rail: 'FEDWIRE', status: 'ACTIVE', name: null, account_id: accountId });
    expect(wire.account_number).toMatch(/^\d{10,17}$/);
    expect(abaValid(wire.routing_number)).toBe(true);
    expect(wire.account_number).not.toBe(ach.account_number);

    const sepa = await createVa(t, eurAccount, { rail: 'SEPA_CT', name: 'EU invoices' });
    expect(sepa).toEqual({
      id: expect.stringMatching(/^va_/),
      account_id: eurAccount,
      customer_id: customerId,
      rail: 'SEPA_CT',
      status: 'ACTIVE',
      name: 'EU invoices',
      iban: expect.stringMatching(/^DE\d{20}$/),
      bic: expect.stringMatching(/^[A-Z]{4}DE[A-Z0-9]{2}([A-Z0-9]{3})?$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(ibanValid(sepa.iban)).toBe(true);

    // Retrieve and list answer the same representation.
    expect((await t.api.get(`/v1/virtual-accounts/${ach.id}`)).body.data).toEqual(ach);
    const list = await t.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`);
    expect(list.status).toBe(200);
    expect(list.body.data.virtual_accounts).toEqual([wire, ach]); // newest first
    const acOnly = await t.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts?rail=ACH&limit=10`);
    expect(acOnly.body.data.virtual_accounts.map((v: any) => v.id)).toEqual([ach.id]);
  });

  it('are unique: many draws across tenants never repeat an account number or an IBAN, and the database refuses a duplicate', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const usd = [await customerWithAccount(a, USD), await customerWithAccount(b, USD)];
    const eur = [await customerWithAccount(a, EUR), await customerWithAccount(b, EUR)];
    const numbers: string[] = [];
    const ibans: string[] = [];
    for (let i = 0; i < 12; i++) {
      const t = i % 2 ? b : a;
      const va = await createVa(t, (usd[i % 2] as { accountId: string }).accountId, { rail: i % 3 ? 'ACH' : 'FEDWIRE' });
      expect(abaValid(va.routing_number)).toBe(true);
      numbers.push(va.account_number);
      const iv = await createVa(t, (eur[i % 2] as { accountId: string }).accountId, { rail: 'SEPA_CT' });
      expect(ibanValid(iv.iban)).toBe(true);
      ibans.push(iv.iban);
    }
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(new Set(ibans).size).toBe(ibans.length);

    // Uniqueness is the platform's, whatever the client: a second row with the same number is refused.
    const db = app.ledgerline.database.db;
    const [row] = await queryRows<{ client_id: string }>(
      db,
      sql`SELECT client_id FROM virtual_accounts WHERE account_number = ${numbers[0]}`,
    );
    const duplicate = queryRows(
      db,
      sql`INSERT INTO virtual_accounts (client_id, id, account_id, customer_id, rail, status, account_number, routing_number, created_at, updated_at)
          VALUES (${b.clientId}, 'va_duplicate_test', ${usd[1]?.accountId}, ${usd[1]?.customerId}, 'ACH', 'ACTIVE', ${numbers[0]}, '101000048', now(), now())`,
    );
    expect(row?.client_id).toBe(a.clientId);
    const refused = await duplicate.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(pgErrorCode(refused)).toBe('23505'); // unique_violation
  });

  it('only on a fiat deposit account of the rail’s currency that can transact', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId: usdAccount } = await customerWithAccount(t, USD);
    const eurAccount = await openAccount(t, customerId, EUR);
    const gbpAccount = await openAccount(t, customerId, GBP);
    const ethAccount = await openAccount(t, customerId, ETH);
    const path = (id: string) => `/v1/accounts/deposits/${id}/virtual-accounts`;

    expectError(await t.api.post(path(ethAccount), { rail: 'ACH' }), 400, 'ASSET_MISMATCH', 'rail');
    expectError(await t.api.post(path(eurAccount), { rail: 'ACH' }), 400, 'ASSET_MISMATCH', 'rail');
    expectError(await t.api.post(path(eurAccount), { rail: 'FEDWIRE' }), 400, 'ASSET_MISMATCH', 'rail');
    expectError(await t.api.post(path(gbpAccount), { rail: 'SEPA_CT' }), 400, 'ASSET_MISMATCH', 'rail');
    expectError(await t.api.post(path(usdAccount), { rail: 'SEPA_CT' }), 400, 'ASSET_MISMATCH', 'rail');
    expectError(await t.api.post(path('no-such-account'), { rail: 'ACH' }), 404, 'NOT_FOUND');

    // A payment account lives under /v1/accounts/payments: not found here.
    const payAccount = await openAccount(t, customerId, USD, 'PAYMENT_BASIC', 'payments');
    expectError(await t.api.post(path(payAccount), { rail: 'ACH' }), 404, 'NOT_FOUND');
    expectError(await t.api.get(path(payAccount)), 404, 'NOT_FOUND');

    await setStatus(t.api, `/v1/accounts/deposits/${usdAccount}`, 'FROZEN');
    expectError(await t.api.post(path(usdAccount), { rail: 'ACH' }), 400, 'NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/accounts/deposits/${usdAccount}`, 'OPEN');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'FROZEN');
    expectError(await t.api.post(path(usdAccount), { rail: 'ACH' }), 400, 'NOT_TRANSACTABLE');
    await setStatus(t.api, `/v1/customers/${customerId}`, 'ACTIVE');
    expect((await t.api.post(path(usdAccount), { rail: 'ACH' })).status).toBe(200);
  });

  it('validation errors name their field', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const path = `/v1/accounts/deposits/${accountId}/virtual-accounts`;
    expectError(await t.api.post(path, {}), 400, 'VALIDATION_ERROR', 'rail');
    expectError(await t.api.post(path, { rail: 'SWIFT' }), 400, 'VALIDATION_ERROR', 'rail');
    expectError(await t.api.post(path, { rail: 'ACH', name: 42 }), 400, 'VALIDATION_ERROR', 'name');
    expectError(await t.api.post(path, { rail: 'ACH', name: 'x'.repeat(101) }), 400, 'VALIDATION_ERROR', 'name');
    expectError(await t.api.post(path, { rail: 'ACH', iban: 'DE89370400440532013000' }), 400, 'VALIDATION_ERROR', 'iban');
    const va = await createVa(t, accountId, { rail: 'ACH' });
    const at = `/v1/virtual-accounts/${va.id}`;
    expectError(await t.api.patch(at, { status: 'OPEN' }), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.patch(at, { updates: [{ field: 'status', value: 'FROZEN' }] }), 400, 'VALIDATION_ERROR', 'status');
    expectError(await t.api.patch(at, { updates: [{ field: 'nickname', value: 'x' }] }), 400, 'VALIDATION_ERROR', 'updates.0.field');
    expectError(await t.api.patch(at, { account_number: '1234567890' }), 400, 'NOT_UPDATABLE', 'account_number');
    expectError(await t.api.patch(at, { color: 'red' }), 400, 'VALIDATION_ERROR', 'color');
    // A representation sent back as received changes nothing.
    expect(await (await t.api.patch(at, va)).body.data).toEqual(va);

    const sim = (body: Record<string, unknown>) => t.api.post('/v1/simulations/deposits', { asset_type_id: USD, amount: '1', ...body });
    expectError(await sim({ rail: 'ACH', account_number: va.account_number }), 400, 'VALIDATION_ERROR', 'routing_number');
    expectError(await sim({ rail: 'ACH', routing_number: va.routing_number }), 400, 'VALIDATION_ERROR', 'account_number');
    expectError(await sim({ rail: 'ACH', routing_number: '12345' }), 400, 'VALIDATION_ERROR', 'routing_number');
    expectError(await sim({ rail: 'ACH', iban: 'DE89370400440532013000' }), 400, 'VALIDATION_ERROR', 'iban');
    expectError(
      await sim({ rail: 'SWIFT', account_number: va.account_number, routing_number: va.routing_number }),
      400,
      'VALIDATION_ERROR',
      'account_number',
    );
    expectError(
      await t.api.post('/v1/simulations/deposits', { rail: 'SEPA_CT', asset_type_id: EUR, amount: '1', iban: 'not an iban!' }),
      400,
      'VALIDATION_ERROR',
      'iban',
    );
    expectError(
      await t.api.post('/v1/simulations/deposits', {
        rail: 'SEPA_CT',
        asset_type_id: EUR,
        amount: '1',
        iban: 'DE89370400440532013000',
        account_number: '1234567890',
      }),
      400,
      'VALIDATION_ERROR',
      'account_number',
    );
  });
});
