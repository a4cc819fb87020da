import { beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, getApp, individualBody, newTenant, uid } from '../helpers.js';
import {
  accountToOpen,
  corporationApplication,
  createApplication,
  errs,
  expectError,
  individualApplication,
  individualDetails,
  ok,
  statusOf,
  uploadAll,
} from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

describe('POST /v1/applications', () => {
  it('accepts a bare application: missing KYC data shows in /status, not as a 400', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const body = { application_type: 'INDIVIDUAL', customer_id: uid('cust'), account_to_open: accountToOpen() };
    const created = await createApplication(t.api, body);
    expect(created).toMatchObject({
      status: 'INCOMPLETE',
      terms_and_conditions_accepted: false,
      information_attested: false,
      customer_details: {},
    });
    const s = await statusOf(t.api, created.id);
    expect(s.application_errors).toEqual(['TERMS_AND_CONDITIONS_NOT_ACCEPTED']);
    expect(s.application_validation_errors.map((e: any) => [e.field_name, e.field_status])).toEqual([
      ['first_name', 'INCOMPLETE'],
      ['last_name', 'INCOMPLETE'],
      ['date_of_birth', 'INCOMPLETE'],
      ['email_address', 'INCOMPLETE'],
      ['nationality', 'INCOMPLETE'],
      ['mailing_address.address_line1', 'INCOMPLETE'],
      ['mailing_address.city', 'INCOMPLETE'],
      ['mailing_address.postal_code', 'INCOMPLETE'],
      ['mailing_address.country_code', 'INCOMPLETE'],
      ['information_attested', 'INCOMPLETE'],
    ]);
    expect(s.application_validation_errors).toEqual(s.application_validation_errors);
  });

  it('ignores read-only fields sent back (id, status, timestamps, individuals)', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const body = corporationApplication(undefined, { id: 'mine', status: 'APPROVED', created_at: 'x', updated_at: 'y' });
    (body.customer_details as Record<string, unknown>).individuals = [{ first_name: 'Ignored' }];
    const created = await createApplication(t.api, body);
    expect(created.id).toMatch(/^app_/);
    expect(created.status).toBe('INCOMPLETE');
    expect(created.customer_details.individuals).toEqual([]);
  });

  it('refuses invalid values, unknown fields and a missing discriminator, one entry per problem', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const bad = individualApplication(individualDetails({ email_address: 'not-an-email', nationality: 'XX', nickname: 'Ada' }), {
      colour: 'blue',
    });
    const res = await t.api.post('/v1/applications', bad);
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'colour' },
      { code: 'VALIDATION_ERROR', field: 'customer_details.nickname' },
      { code: 'VALIDATION_ERROR', field: 'customer_details.email_address' },
      { code: 'VALIDATION_ERROR', field: 'customer_details.nationality' },
    ]);
    const missing = await t.api.post('/v1/applications', { application_type: 'INDIVIDUAL' });
    expect(errs(missing)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'customer_id' },
      { code: 'VALIDATION_ERROR', field: 'account_to_open' },
    ]);
    expectError(
      await t.api.post('/v1/applications', { ...individualApplication(), application_type: 'PARTNERSHIP' }),
      400,
      'VALIDATION_ERROR',
      'application_type',
    );
    const acct = await t.api.post(
      '/v1/applications',
      individualApplication(undefined, { account_to_open: { account_id: 'a b', product_id: 'DEPOSIT_BASIC' } }),
    );
    expect(errs(acct)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'account_to_open.asset_type_id' },
      { code: 'VALIDATION_ERROR', field: 'account_to_open.account_id' },
    ]);
    expect((await ok(t.api.get('/v1/applications'))).applications).toEqual([]);
  });

  it('refuses a customer_id used by a customer or by a live application (409); a rejected one frees it', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const existing = await ok(t.api.post('/v1/customers', individualBody()));
    expectError(
      await t.api.post('/v1/applications', individualApplication(undefined, { customer_id: existing.id })),
      409,
      'DUPLICATE_ID',
      'customer_id',
    );

    const first = await createApplication(t.api, individualApplication(individualDetails({ last_name: 'Rejectman' })));
    const again = individualApplication(undefined, { customer_id: first.customer_id });
    expectError(await t.api.post('/v1/applications', again), 409, 'DUPLICATE_ID', 'customer_id');
    // Reject the first one (sandbox magic value), then the id is free again.
    await uploadAll(t.api, first.id);
    expect((await ok(t.api.post(`/v1/applications/${first.id}/submit`))).status).toBe('REJECTED');
    expect((await createApplication(t.api, again)).customer_id).toBe(first.customer_id);
  });

  it('refuses an account_to_open that could not be opened: taken id (409), unknown (400) or disabled (403) product/asset', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const customer = await ok(t.api.post('/v1/customers', corporationBody()));
    const account = await ok(t.api.post('/v1/accounts/deposits', { customer_id: customer.id, account_to_open: accountToOpen() }));
    const taken = individualApplication(undefined, { account_to_open: accountToOpen({ account_id: account.id }) });
    expectError(await t.api.post('/v1/applications', taken), 409, 'DUPLICATE_ID', 'account_to_open.account_id');

    const live = await createApplication(t.api, individualApplication());
    const twin = individualApplication(undefined, { account_to_open: accountToOpen({ account_id: live.account_to_open.account_id }) });
    expectError(await t.api.post('/v1/applications', twin), 409, 'DUPLICATE_ID', 'account_to_open.account_id');

    const unknown = individualApplication(undefined, {
      account_to_open: accountToOpen({ product_id: 'NOPE', asset_type_id: 'FIAT_TESTNET_XXX' }),
    });
    const res = await t.api.post('/v1/applications', unknown);
    expect([res.status, errs(res)]).toEqual([
      400,
      [
        { code: 'VALIDATION_ERROR', field: 'account_to_open.product_id' },
        { code: 'VALIDATION_ERROR', field: 'account_to_open.asset_type_id' },
      ],
    ]);
    const put = await t.operator.request('PUT', `/v1/admin/clients/${t.clientId}/catalogue`, {
      products: ['DEPOSIT_BASIC'],
      assets: ['FIAT_TESTNET_USD'],
    });
    expect(put.status, put.raw).toBe(200);
    const disabled = individualApplication(undefined, {
      account_to_open: accountToOpen({ product_id: 'PAYMENT_BASIC', asset_type_id: 'ETHEREUM_SEPOLIA_ETH' }),
    });
    const refused = await t.api.post('/v1/applications', disabled);
    expect([refused.status, errs(refused)]).toEqual([
      403,
      [
        { code: 'FORBIDDEN', field: 'account_to_open.product_id' },
        { code: 'FORBIDDEN', field: 'account_to_open.asset_type_id' },
      ],
    ]);
  });

  it('is idempotent: same key and body replay the same response; nothing is created twice', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const body = individualApplication();
    const headers = { 'x-l2f-idempotency-id': uid('idem') };
    const first = await t.api.post('/v1/applications', body, headers);
    const second = await t.api.post('/v1/applications', body, headers);
    expect(first.status).toBe(200);
    expect([second.status, second.raw, second.headers['x-l2f-idempotent-replay']]).toEqual([200, first.raw, 'true']);
    expect((await ok(t.api.get('/v1/applications'))).applications.map((a: any) => a.id)).toEqual([first.body.data.id]);
    expectError(
      await t.api.post('/v1/applications', { ...body, terms_and_conditions_accepted: false }, headers),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'x-l2f-idempotency-id',
    );
  });
});
