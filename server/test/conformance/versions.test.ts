/**
 * API versions (issue 11): each client has one (1.1.2 by default, set by the operator), a request
 * may ask for another with x-l2f-api-version, and a client pinned to 1.0.5 never sees a value that
 * only Rail 1.1.2 has.
 */
import { describe, expect, it } from 'vitest';
import { Api, corporationBody, getApp, individualBody, newTenant, operatorApi, type Tenant, tokenFor, uid } from '../helpers.js';
import { customerWithAccount, usCounterparty } from '../money/_fixtures.js';
import { FILES, postRaw } from '../onboarding/_multipart.js';

type Json = Record<string, any>;
const USD = 'FIAT_TESTNET_USD';
const address = { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' };

async function pin(t: Tenant, version: string): Promise<Json> {
  const op = await operatorApi(t.api.app);
  const res = await op.patch(`/v1/admin/clients/${t.clientId}`, { api_version: version });
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** Every key and string value of a JSON body. */
function words(body: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(body)) for (const v of body) words(v, out);
  else if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      out.add(k);
      words(v, out);
    }
  } else if (typeof body === 'string') out.add(body);
  return out;
}

describe('API versions', () => {
  it('a client answers in 1.1.2 by default; the operator pins another; a request may ask for either', async () => {
    const t = await newTenant(await getApp());
    const app = await t.api.post('/v1/applications', {
      application_type: 'INDIVIDUAL',
      customer_id: uid('cust'),
      account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
    });
    expect(app.status, app.raw).toBe(200);
    expect(app.headers['x-l2f-api-version']).toBe('1.1.2');
    const status = (api: Api, headers: Record<string, string> = {}) => api.get(`/v1/applications/${app.body.data.id}/status`, headers);
    const latest = await status(t.api);
    expect(latest.body.data).toHaveProperty('validation_errors');
    expect(latest.body.data).toHaveProperty('created_date');

    expect((await pin(t, '1.0.5')).api_version).toBe('1.0.5');
    const pinned = await status(t.api);
    expect(pinned.headers['x-l2f-api-version']).toBe('1.0.5');
    expect(Object.keys(pinned.body.data)).not.toContain('validation_errors');
    expect(pinned.body.data).toHaveProperty('application_validation_errors');
    const asked = await status(t.api, { 'x-l2f-api-version': '1.1.2' });
    expect(asked.headers['x-l2f-api-version']).toBe('1.1.2');
    expect(asked.body.data).toHaveProperty('validation_errors');

    const bad = await status(t.api, { 'x-l2f-api-version': '2.0' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { code: 'VALIDATION_ERROR', description: 'x-l2f-api-version must be one of: 1.0.5, 1.1.2.', field: 'x-l2f-api-version' },
    ]);
    const refused = await (await operatorApi(t.api.app)).patch(`/v1/admin/clients/${t.clientId}`, { api_version: '1.0.4' });
    expect(refused.status).toBe(400);
  });

  it('the operator may set api_version when creating a client (validated), not only by PATCH afterwards', async () => {
    const app = await getApp();
    const op = await operatorApi(app);
    const created = await op.post('/v1/admin/clients', { name: 'Legacy Co', api_version: '1.0.5' });
    expect(created.status, created.raw).toBe(200);
    expect(created.body.data.api_version).toBe('1.0.5');
    expect((await op.get(`/v1/admin/clients/${created.body.data.client_id}`)).body.data.api_version).toBe('1.0.5');
    const api = new Api(app, await tokenFor(app, created.body.data.client_id, created.body.data.client_secret));
    const res = await api.get('/v1/customers');
    expect([res.status, res.headers['x-l2f-api-version']]).toEqual([200, '1.0.5']);

    const plain = await op.post('/v1/admin/clients', { name: 'New Co' });
    expect(plain.body.data.api_version).toBe('1.1.2');
    const refused = await op.post('/v1/admin/clients', { name: 'Odd Co', api_version: '1.0.4' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: Json) => [e.code, e.field])).toEqual([['VALIDATION_ERROR', 'api_version']]);
  });

  it('a client pinned to 1.0.5 never sees a value only 1.1.2 has', async () => {
    const a = await getApp();
    const t = await newTenant(a);
    await pin(t, '1.0.5');
    const seen: Json[] = [];
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await t.api.request(method, url, body);
      expect(res.status, `${method} ${url}: ${res.raw}`).toBe(200);
      expect(res.headers['x-l2f-api-version']).toBe('1.0.5');
      seen.push(res.body);
      return res.body.data as Json;
    };

    // Onboarding: a corporation with no individual yet, terms not accepted, attestation unknown to 1.0.5.
    const corp = await call('POST', '/v1/applications', {
      application_type: 'CORPORATION',
      customer_id: uid('corp'),
      account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
      // A 1.1.2-only field sent by the client is kept, but a 1.0.5 answer does not show it.
      customer_details: { registered_name: 'Acme', registered_number_country: 'US', registered_address: address },
    });
    expect(corp).not.toHaveProperty('information_attested');
    expect(corp.customer_details).not.toHaveProperty('registered_number_country');
    const s = await call('GET', `/v1/applications/${corp.id}/status`);
    expect(s.application_errors).toContain('MISSING_PERSON');
    // Document errors in 1.0.5's keys only: no document_id, no mandatory (1.1.2's).
    expect(s.application_document_errors.length).toBeGreaterThan(0);
    for (const d of s.application_document_errors) expect(Object.keys(d).sort()).toEqual(['description', 'document', 'id', 'status']);
    expect(s.other_validation_errors.map((e: Json) => e.field_name)).toContain('terms_and_conditions_accepted');
    await call('GET', `/v1/applications/${corp.id}`);

    // Customers written with every field only 1.1.2 has (accepted and stored in either version),
    // read back as a list, one by one, and their individuals.
    const customer = individualBody(uid('cust'), { citizenship: ['GB'], tax_reference_number_country: 'GB', ip_address: '203.0.113.7' });
    const created = await call('POST', '/v1/customers', customer);
    const company = corporationBody(uid('corp'), {
      registered_number_country: 'US',
      corporate_tax_reference_number: '123456789',
      corporate_tax_reference_number_country: 'US',
      ip_address: '203.0.113.8',
      kyc_profile: { has_complex_ownership: true, business_jurisdictions: ['US'] },
    });
    await call('POST', '/v1/customers', company);
    const officer = await call('POST', `/v1/customers/${company.id}/individuals`, {
      individual_type: ['OFFICER'],
      first_name: 'Grace',
      last_name: 'Hopper',
      citizenship: ['US'],
      tax_reference_number_country: 'US',
    });
    const list = await call('GET', '/v1/customers?page_size=50');
    expect(list.customers.map((c: Json) => c.id).sort()).toEqual([customer.id, company.id].sort());
    const person = await call('GET', `/v1/customers/${customer.id}`);
    expect([person.first_name, person.nationality]).toEqual(['Ada', 'GB']);
    const corpRead = await call('GET', `/v1/customers/${company.id}`);
    expect(corpRead.kyc_profile).toEqual({});
    await call('GET', `/v1/customers/${company.id}/individuals/${officer.id}`);
    await call('PATCH', `/v1/customers/${customer.id}`, { updates: [{ field: 'middle_name', value: 'Byron' }] });
    await call('PATCH', `/v1/customers/${company.id}/individuals/${officer.id}`, { updates: [{ field: 'title', value: 'CTO' }] });
    for (const c of [created, person, ...list.customers]) {
      for (const k of ['citizenship', 'tax_reference_number_country', 'ip_address', 'registered_number_country'])
        expect(c).not.toHaveProperty(k);
    }
    // Stored all the same: a 1.1.2 request reads them.
    const latest = (await t.api.get(`/v1/customers/${company.id}`, { 'x-l2f-api-version': '1.1.2' })).body.data;
    expect([latest.registered_number_country, latest.kyc_profile.has_complex_ownership, latest.individuals[0].citizenship]).toEqual([
      'US',
      true,
      ['US'],
    ]);

    // Money: a withdrawal accepted, another cancelled; a pull deposit accepted.
    const account = uid('acc');
    await call('POST', '/v1/accounts/deposits', {
      customer_id: customer.id,
      account_to_open: { account_id: account, product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
    });
    const funded = await t.operator.post('/v1/admin/adjustments', {
      account_id: account,
      amount: '100',
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'funding',
    });
    expect(funded.status, funded.raw).toBe(200);
    const cp = await call('POST', '/v1/counterparties', {
      customer_id: customer.id,
      counterparty_type: 'FIAT_US',
      supported_rails: ['ACH'],
      profile: { profile_type: 'INDIVIDUAL', name: 'Grace Hopper', address, relationship_to_customer: 'SELF' },
      account_information: { asset_type_id: USD, account_number: '123456789', routing_number: '021000021', type: 'CHECKING' },
    });
    const body = { withdrawal_rail: 'ACH', source_account_id: account, destination_counterparty_id: cp.id, amount: 10, purpose: 'FAMILY' };
    const w = await call('POST', '/v1/withdrawals', body);
    expect((await call('POST', `/v1/withdrawals/${w.id}/accept`)).status).toBe('ACCEPTED');
    const c = await call('POST', '/v1/withdrawals', body);
    expect((await call('POST', `/v1/withdrawals/${c.id}/cancel`)).status).toBe('CANCELLED');
    await call('GET', `/v1/withdrawals/${w.id}/status`);
    const push = await call('POST', '/v1/deposits', { deposit_type: 'PUSH', deposit_destination: { destination_account_id: account } });
    expect(push).not.toHaveProperty('customer_name');

    const only112 = [
      'CANCELLING',
      'MISSING_INDIVIDUAL',
      'TERMS_AND_CONDITIONS_NOT_ACCEPTED',
      'MISSING_AUTHORIZED_PERSON',
      'MISSING_CONTROL_PERSON',
      'information_attested',
      'validation_errors',
      'application_individual_errors',
      'created_date',
      'status_update_date',
      'customer_name',
      'registered_number_country',
      'citizenship',
      'tax_reference_number_country',
      'ip_address',
      'corporate_tax_reference_number',
      'corporate_tax_reference_number_country',
      'has_complex_ownership',
      'document_id',
      'mandatory',
    ];
    const all = new Set<string>();
    for (const b of seen) words(b, all);
    expect(only112.filter((v) => all.has(v))).toEqual([]);
  });

  it('a payment waiting for its invoice: GET …/status says what GET /v1/payments/{id} says', async () => {
    const t = await newTenant(await getApp());
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const friend = await usCounterparty(t, customerId, { relationship: 'FRIEND', name: 'Alan Turing' });
    const created = await t.api.post('/v1/payments', {
      payment_source: { source_counterparty_id: friend, asset_type: [USD] },
      payment_destination: { destination_account_id: accountId },
      payment_info: { description: 'Invoice 42' },
    });
    expect(created.status, created.raw).toBe(200);
    const id = created.body.data.id as string;
    const payment = (await t.api.get(`/v1/payments/${id}`)).body.data;
    const status = (await t.api.get(`/v1/payments/${id}/status`)).body.data;
    // Rail's payment statuses are REQUESTED, ACCEPTED, INPROGRESS, EXECUTED, FAILURE: the wait for
    // the invoice is REQUESTED, Ledgerline's phase in status_detail, the invoice in document_errors.
    expect([payment.status, payment.status_detail]).toEqual(['REQUESTED', 'CHANGES_REQUESTED']);
    expect([status.status, status.status_detail]).toEqual(['REQUESTED', 'CHANGES_REQUESTED']);
    expect(status.document_errors.map((d: Json) => [d.document, d.status, d.mandatory])).toEqual([['INVOICE', 'MISSING', true]]);
    const doc = status.document_errors[0].document_id as string;
    expect((await postRaw(t.api, `/v1/documents/${doc}`, FILES.pdf, 'application/pdf')).status).toBe(200);
    const ready = (await t.api.get(`/v1/payments/${id}/status`)).body.data;
    expect([ready.status, ready.status_detail, ready.document_errors]).toEqual(['REQUESTED', undefined, []]);
    expect((await t.api.get(`/v1/payments/${id}`)).body.data.status).toBe('REQUESTED');
  });

  it('a 1.1.2 client gets 1.1.2 names for the same conditions', async () => {
    const t = await newTenant(await getApp());
    const corp = await t.api.post('/v1/applications', {
      application_type: 'CORPORATION',
      customer_id: uid('corp'),
      account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
      customer_details: { registered_name: 'Acme', registered_number_country: 'US' },
    });
    expect(corp.body.data.information_attested).toBe(false);
    expect(corp.body.data.customer_details.registered_number_country).toBe('US');
    const s = (await t.api.get(`/v1/applications/${corp.body.data.id}/status`)).body.data;
    expect(s.application_errors).toEqual(
      expect.arrayContaining(['MISSING_INDIVIDUAL', 'TERMS_AND_CONDITIONS_NOT_ACCEPTED', 'MISSING_CONTROL_PERSON']),
    );
    expect(s.validation_errors.map((e: Json) => [e.field_name, e.status])).toContainEqual(['information_attested', 'INCOMPLETE']);
    for (const d of s.application_document_errors) expect([d.document_id, d.mandatory]).toEqual([d.id, true]);
  });
});

/**
 * Following the status endpoint reaches READY_FOR_SUBMISSION, in either version: every field,
 * document and condition that blocks submission (terms included) is named, and fixing what is
 * named is enough.
 */
describe('the application status endpoint leads to READY_FOR_SUBMISSION', () => {
  const fixes: Record<string, unknown> = {
    terms_and_conditions_accepted: true,
    information_attested: true,
    first_name: 'Ada',
    last_name: 'Lovelace',
    date_of_birth: '1990-12-10',
    email_address: 'ada@example.com',
    nationality: 'GB',
    'mailing_address.address_line1': '1 Main St',
    'mailing_address.city': 'New York',
    'mailing_address.postal_code': '10001',
    'mailing_address.country_code': 'US',
    'mailing_address.state': 'NY',
  };
  for (const version of ['1.0.5', '1.1.2']) {
    it(`${version}: a bare individual application with terms not accepted`, async () => {
      const t = await newTenant(await getApp());
      const h = { 'x-l2f-api-version': version };
      const created = await t.api.post(
        '/v1/applications',
        {
          application_type: 'INDIVIDUAL',
          customer_id: uid('cust'),
          account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
          terms_and_conditions_accepted: false,
        },
        h,
      );
      expect(created.status, created.raw).toBe(200);
      const id = created.body.data.id as string;
      for (let round = 0; round < 5; round++) {
        const s = (await t.api.get(`/v1/applications/${id}/status`, h)).body.data;
        if (s.status === 'READY_FOR_SUBMISSION') break;
        const named: string[] = [
          ...(s.validation_errors ?? s.application_validation_errors ?? []),
          ...(s.other_validation_errors ?? []),
        ].map((e: Json) => e.field_name as string);
        // 1.1.2 names terms by its application error; 1.0.5, which has no such code, as a field.
        if ((s.application_errors as string[]).includes('TERMS_AND_CONDITIONS_NOT_ACCEPTED')) named.push('terms_and_conditions_accepted');
        const docs = (s.application_document_errors as Json[]).filter((d) => d.status === 'MISSING').map((d) => d.id as string);
        expect(named.length + docs.length, `round ${round}: ${s.status} with nothing named`).toBeGreaterThan(0);
        if (round === 0) expect(named).toContain('terms_and_conditions_accepted');
        const updates = [...new Set(named)].map((field) => {
          expect(fixes, `no fix for ${field}`).toHaveProperty([field]);
          const top = field === 'terms_and_conditions_accepted' || field === 'information_attested';
          return { field: top ? field : `customer_details.${field}`, value: String(fixes[field]) };
        });
        if (updates.length) expect((await t.api.patch(`/v1/applications/${id}`, { updates }, h)).status).toBe(200);
        for (const doc of docs) {
          expect((await postRaw(t.api, `/v1/documents/${doc}`, FILES.pdf, 'application/pdf', h)).status).toBe(200);
        }
      }
      const final = (await t.api.get(`/v1/applications/${id}/status`, h)).body.data;
      expect(final.status).toBe('READY_FOR_SUBMISSION');
      expect((await t.api.post(`/v1/applications/${id}/submit`, undefined, h)).status).toBe(200);
    });
  }
});
