import { describe, expect, it } from 'vitest';
import { corporationBody, getFrozenApp, newTenant, type Tenant, uid } from '../helpers.js';
import { advance, agree, ETH, eventsOf, expectError, newCustomer, ok, openAccount, USD, verifyLedger } from './_fixtures.js';

const person = (id = uid('payor'), extra: Record<string, unknown> = {}) => ({
  id,
  first_name: 'Pat',
  last_name: 'Payer',
  email_address: 'pat@example.com',
  state: 'NY',
  country_code: 'US',
  ...extra,
});
const PAY = '/v1/accounts/payments';
const lease = (t: Tenant, accountId: string, body: Record<string, unknown>) => t.api.post(`${PAY}/${accountId}/address`, body);
const arrive = (t: Tenant, wallet: string, amount: string) =>
  ok(t.api.post('/v1/simulations/deposits', { rail: 'CRYPTO', asset_type_id: ETH, amount, wallet_address: wallet }));

describe('payors', () => {
  it('individuals need first and last name, corporations a company name; ids are unique per customer', async () => {
    const app = await getFrozenApp();
    const [t, stranger] = [await newTenant(app), await newTenant(app)];
    const ind = await newCustomer(t);
    const corp = await newCustomer(t, corporationBody());
    const p = person();
    const created = await ok(t.api.post(`/v1/customers/${ind}/payor`, p));
    expect(created).toEqual({ ...p, customer_id: ind, created_at: expect.any(String) });
    const missing = await t.api.post(`/v1/customers/${ind}/payor`, { id: uid('payor'), state: 'NY', country_code: 'US' });
    expect([missing.status, missing.body.errors.map((e: any) => `${e.code}:${e.field}`)]).toEqual([
      400,
      ['VALIDATION_ERROR:first_name', 'VALIDATION_ERROR:last_name'],
    ]);
    expectError(await t.api.post(`/v1/customers/${corp}/payor`, person()), 400, 'VALIDATION_ERROR', 'company_name');
    const company = await ok(
      t.api.post(`/v1/customers/${corp}/payor`, { id: p.id, company_name: 'Payer Corp', state: 'CA', country_code: 'US' }),
    );
    expect(company).toMatchObject({ id: p.id, customer_id: corp, company_name: 'Payer Corp' });
    expectError(await t.api.post(`/v1/customers/${ind}/payor`, person(p.id)), 409, 'DUPLICATE_ID', 'id');
    const second = await ok(t.api.post(`/v1/customers/${ind}/payor`, person(uid('payor'), { first_name: 'Sam' })));

    const list = await ok(t.api.get(`/v1/customers/${ind}/payors`));
    expect(list.payors.map((x: any) => x.id).sort()).toEqual([p.id, second.id].sort());
    expect(await ok(t.api.get(`/v1/customers/${ind}/payors/${p.id}`))).toEqual(created);
    expect((await ok(t.api.get(`/v1/customers/${corp}/payors/${p.id}`))).company_name).toBe('Payer Corp');
    expectError(await t.api.get(`/v1/customers/${ind}/payors/nope`), 404, 'NOT_FOUND');
    expectError(await t.api.post('/v1/customers/nope/payor', person()), 404, 'NOT_FOUND');
    expectError(await stranger.api.get(`/v1/customers/${ind}/payors/${p.id}`), 404, 'NOT_FOUND');
    expectError(await stranger.api.get(`/v1/customers/${ind}/payors`), 404, 'NOT_FOUND');
  });
});

describe('payment accounts and leased addresses', () => {
  it('PAYMENT_BASIC lives under /accounts/payments only, DEPOSIT_BASIC under /accounts/deposits only', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const c = await newCustomer(t);
    const open = (family: string, product: string) =>
      t.api.post(`/v1/accounts/${family}`, {
        customer_id: c,
        account_to_open: { account_id: uid('acc'), product_id: product, asset_type_id: ETH },
      });
    expectError(await open('deposits', 'PAYMENT_BASIC'), 400, 'VALIDATION_ERROR', 'account_to_open.product_id');
    expectError(await open('payments', 'DEPOSIT_BASIC'), 400, 'VALIDATION_ERROR', 'account_to_open.product_id');
    const pay = await openAccount(t, c, ETH, 'PAYMENT_BASIC', 'payments');
    const dep = await openAccount(t, c, ETH);
    expect(await ok(t.api.get(`${PAY}/${pay}`))).toMatchObject({ id: pay, product_id: 'PAYMENT_BASIC', status: 'OPEN' });
    expectError(await t.api.get(`/v1/accounts/deposits/${pay}`), 404, 'NOT_FOUND');
    expectError(await t.api.get(`${PAY}/${dep}`), 404, 'NOT_FOUND');
    expectError(await lease(t, dep, { amount: '1' }), 404, 'NOT_FOUND', 'account_id');
    const usd = await openAccount(t, c, USD, 'PAYMENT_BASIC', 'payments');
    expectError(await lease(t, usd, { amount: '1' }), 400, 'ASSET_MISMATCH', 'account_id');
    expectError(await lease(t, pay, { amount: '1.0000000000000000001' }), 400, 'AMOUNT_PRECISION');
    expectError(await lease(t, pay, { amount: '1', payor_id: 'nobody' }), 404, 'NOT_FOUND', 'payor_id');
    const other = await newCustomer(t);
    const theirs = await ok(t.api.post(`/v1/customers/${other}/payor`, person()));
    expectError(await lease(t, pay, { amount: '1', payor_id: theirs.id }), 404, 'NOT_FOUND', 'payor_id');
    await verifyLedger(app);
  });

  it('a lease per call with its limits; arrivals carry the payor; past the value limit funds go to suspense', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const c = await newCustomer(t);
    const payor = await ok(t.api.post(`/v1/customers/${c}/payor`, person()));
    const pay = await openAccount(t, c, ETH, 'PAYMENT_BASIC', 'payments');
    const before = app.ledgerline.clock.now().getTime();
    const l1 = await ok(lease(t, pay, { amount: '1.5', payor_id: payor.id, payment_reference: 'INV-1' }));
    const after = app.ledgerline.clock.now().getTime();
    expect(l1).toMatchObject({ asset_type_id: ETH, lease_enforced: true, lease_transaction_limit: '10', lease_value_limit: '1.5' });
    expect(l1.wallet_address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const end = Date.parse(l1.lease_end_date);
    expect(end >= before + 86_400_000 && end <= after + 86_400_000).toBe(true);
    const l2 = await ok(lease(t, pay, { amount: '1.5', payor_id: payor.id, payment_reference: 'INV-1' }));
    expect([l2.id === l1.id, l2.wallet_address === l1.wallet_address]).toEqual([false, false]);

    const a = await arrive(t, l1.wallet_address, '1');
    expect(a).toMatchObject({ status: 'CREDITED', account_id: pay });
    const res = await t.api.get(`${PAY}/${pay}/transactions/${a.transaction_id}`);
    expect(res.raw).toContain('"payor_amount":"1.5"');
    const tx = await ok(res);
    expect(tx).toMatchObject({
      value: '1',
      transaction_status: 'POSTED',
      category_type: 'DEPOSIT',
      category_id: a.id,
      payor_id: payor.id,
      payor_reference_id: 'INV-1',
      payor_amount: '1.5',
      payor: { id: payor.id, first_name: 'Pat', last_name: 'Payer' },
    });
    expect((await eventsOf(app, t.clientId, a.transaction_id)).map((e) => e.type)).toEqual(['TRANSACTION_POSTED']);
    expect((await arrive(t, l1.wallet_address, '0.5')).status).toBe('CREDITED');
    const late = await arrive(t, l1.wallet_address, '0.1');
    expect(late).toMatchObject({ status: 'SUSPENSE', reason: `lease ${l1.id} has expired`, account_id: null });
    expect((await arrive(t, l2.wallet_address, '0.25')).status).toBe('CREDITED');
    expect(await agree(t, pay, ETH, 'payments')).toEqual({ current: '1.75', available: '1.75' });
    await verifyLedger(app);
  });

  it('a lease ends after a day and after 10 arrivals', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app);
    const c = await newCustomer(t);
    const pay = await openAccount(t, c, ETH, 'PAYMENT_BASIC', 'payments');
    const daily = await ok(lease(t, pay, { amount: '100' }));
    const counted = await ok(lease(t, pay, { amount: '100' }));
    for (let i = 0; i < 10; i++) expect((await arrive(t, counted.wallet_address, '0.01')).status).toBe('CREDITED');
    expect(await arrive(t, counted.wallet_address, '0.01')).toMatchObject({
      status: 'SUSPENSE',
      reason: `lease ${counted.id} has expired`,
    });
    expect((await arrive(t, daily.wallet_address, '0.5')).status).toBe('CREDITED');
    await advance(t, 86_401);
    expect(await arrive(t, daily.wallet_address, '0.5')).toMatchObject({ status: 'SUSPENSE', reason: `lease ${daily.id} has expired` });
    const statements = await ok(t.api.get(`${PAY}/${pay}/statements`));
    expect(statements.statements.length >= 1).toBe(true);
    expect(await agree(t, pay, ETH, 'payments')).toEqual({ current: '0.6', available: '0.6' });
    await verifyLedger(app);
  });
});
