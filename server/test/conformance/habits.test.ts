/**
 * The habits of real Layer2 client code (issue 11): empty strings for optional fields, objects
 * sent back with their read-only fields, document errors read as `document_id` + `mandatory`,
 * documents uploaded as raw bytes, credentials by Basic auth or form body.
 */
import { describe, expect, it } from 'vitest';
import { basic, getApp, newTenant, uid } from '../helpers.js';
import { FILES, postRaw } from '../onboarding/_multipart.js';

type Json = Record<string, any>;
const USD = 'FIAT_TESTNET_USD';
const address = { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' };

describe('an empty string in an optional field is the field absent', () => {
  it('customers: accepted, and stored absent (nested too)', async () => {
    const t = await newTenant(await getApp());
    const id = uid('cust');
    const res = await t.api.post('/v1/customers', {
      id,
      customer_type: 'INDIVIDUAL',
      first_name: 'Ada',
      middle_name: '',
      last_name: 'Lovelace',
      passport_number: '',
      mailing_address: { ...address, address_line2: '', unit_number: '' },
    });
    expect(res.status, res.raw).toBe(200);
    const c = (await t.api.get(`/v1/customers/${id}`)).body.data;
    expect(c).not.toHaveProperty('middle_name');
    expect(c).not.toHaveProperty('passport_number');
    expect(c.mailing_address).toEqual(address);
  });

  it('applications: a Go/TS client that sends "" for every optional string onboards', async () => {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/applications', {
      application_type: 'INDIVIDUAL',
      customer_id: uid('cust'),
      account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
      terms_and_conditions_accepted: true,
      customer_details: {
        first_name: 'Ada',
        middle_name: '',
        last_name: 'Lovelace',
        email_address: 'ada@example.com',
        telephone_number: '',
        tax_reference_number: '',
        occupation: '',
        mailing_address: { ...address, address_line2: '', address_line3: '' },
      },
    });
    expect(res.status, res.raw).toBe(200);
    const details = (await t.api.get(`/v1/applications/${res.body.data.id}`)).body.data.customer_details;
    for (const k of ['middle_name', 'telephone_number', 'tax_reference_number', 'occupation']) expect(details).not.toHaveProperty(k);
    expect(details.mailing_address).toEqual(address);
  });

  it('customer updates: "" clears an optional string, in the Layer2 form and the plain form, nested too', async () => {
    const t = await newTenant(await getApp());
    const id = uid('cust');
    const created = await t.api.post('/v1/customers', {
      id,
      customer_type: 'INDIVIDUAL',
      first_name: 'Ada',
      middle_name: 'Byron',
      last_name: 'Lovelace',
      passport_number: 'P1234567',
      mailing_address: { ...address, address_line2: 'Suite 5' },
    });
    expect(created.status, created.raw).toBe(200);
    const layer2 = await t.api.patch(`/v1/customers/${id}`, {
      updates: [
        { field: 'middle_name', value: '' },
        { field: 'mailing_address.address_line2', value: '' },
      ],
      updated_by: 'ops',
      reason: 'client form',
    });
    expect(layer2.status, layer2.raw).toBe(200);
    let c = (await t.api.get(`/v1/customers/${id}`)).body.data;
    expect(c).not.toHaveProperty('middle_name');
    expect(c.mailing_address).toEqual(address);
    expect(c.passport_number).toBe('*****4567'); // untouched (shown masked)

    const plain = await t.api.patch(`/v1/customers/${id}`, { passport_number: '', mailing_address: { ...address, unit_number: '' } });
    expect(plain.status, plain.raw).toBe(200);
    c = (await t.api.get(`/v1/customers/${id}`)).body.data;
    expect(c).not.toHaveProperty('passport_number');
    expect(c.mailing_address).toEqual(address);
    expect([c.first_name, c.last_name]).toEqual(['Ada', 'Lovelace']);

    // A required field stays required: "" there is refused, in either form.
    const required = await t.api.patch(`/v1/customers/${id}`, { updates: [{ field: 'first_name', value: '' }] });
    expect(required.status).toBe(400);
    expect(required.body.errors.map((e: Json) => e.field)).toEqual(['first_name']);
    const requiredPlain = await t.api.patch(`/v1/customers/${id}`, { last_name: '' });
    expect(requiredPlain.status).toBe(400);
    expect(requiredPlain.body.errors.map((e: Json) => e.field)).toEqual(['last_name']);
  });

  it('a required field stays required: "" there is refused', async () => {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/customers', { id: uid('cust'), customer_type: 'INDIVIDUAL', first_name: '', last_name: 'L' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: Json) => e.field)).toEqual(['first_name']);
  });
});

describe('read-only fields in create bodies are accepted and ignored (CONTRACT §2)', () => {
  it('a withdrawal sent back with id, status and created_timestamp', async () => {
    const t = await newTenant(await getApp());
    const customer = uid('cust');
    expect(
      (
        await t.api.post('/v1/customers', {
          id: customer,
          customer_type: 'INDIVIDUAL',
          first_name: 'Ada',
          last_name: 'L',
          mailing_address: address,
        })
      ).status,
    ).toBe(200);
    const account = uid('acc');
    await t.api.post('/v1/accounts/deposits', {
      customer_id: customer,
      account_to_open: { account_id: account, product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
    });
    await t.operator.post('/v1/admin/adjustments', {
      account_id: account,
      amount: '50',
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'f',
    });
    const cp = await t.api.post('/v1/counterparties', {
      id: 'cpty_made_up',
      status: 'ACTIVE',
      customer_id: customer,
      counterparty_type: 'FIAT_US',
      supported_rails: ['ACH'],
      profile: { profile_type: 'INDIVIDUAL', name: 'Grace', address, relationship_to_customer: 'SELF' },
      account_information: { asset_type_id: USD, account_number: '123456789', routing_number: '021000021', account_name: 'ro' },
    });
    expect(cp.status, cp.raw).toBe(200);
    expect(cp.body.data.id).not.toBe('cpty_made_up');
    const w = await t.api.post('/v1/withdrawals', {
      id: 'wd_made_up',
      status: 'EXECUTED',
      created_timestamp: '2020-01-01T00:00:00.000Z',
      withdrawal_rail: 'ACH',
      source_account_id: account,
      destination_counterparty_id: cp.body.data.id,
      amount: 5,
      purpose: 'FAMILY',
    });
    expect(w.status, w.raw).toBe(200);
    expect(w.body.data.id).not.toBe('wd_made_up');
    const read = (await t.api.get(`/v1/withdrawals/${w.body.data.id}`)).body.data;
    expect(read.status).toBe('REQUESTED');
    expect(read.created_timestamp).not.toBe('2020-01-01T00:00:00.000Z');
  });

  it('an unknown field is still refused', async () => {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/withdrawals', { withdrawal_rail: 'ACH', colour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: Json) => e.field)).toContain('colour');
  });
});

describe('document errors and uploads as clients use them', () => {
  async function application() {
    const t = await newTenant(await getApp());
    const res = await t.api.post('/v1/applications', {
      application_type: 'INDIVIDUAL',
      customer_id: uid('cust'),
      account_to_open: { account_id: uid('acc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
    });
    expect(res.status, res.raw).toBe(200);
    const s = (await t.api.get(`/v1/applications/${res.body.data.id}/status`)).body.data;
    return { t, id: res.body.data.id as string, docs: s.application_document_errors as Json[] };
  }

  it('document errors carry document_id and mandatory next to id', async () => {
    const { docs } = await application();
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      expect(d.document_id).toBe(d.id);
      expect(d.mandatory).toBe(true);
      expect(d.status).toBe('MISSING');
    }
  });

  it.each([
    ['application/pdf', FILES.pdf, 'application/pdf'],
    ['image/png', FILES.png, 'image/png'],
    ['image/jpeg', FILES.jpeg, 'image/jpeg'],
    ['application/octet-stream', FILES.pdf, 'application/pdf'],
  ])('POST /v1/documents/{id} takes the file as a raw %s body', async (type, bytes, recognised) => {
    const { t, docs } = await application();
    const doc = docs[0] as Json;
    const res = await postRaw(t.api, `/v1/documents/${doc.id}?file=passport.bin`, bytes, type);
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.status).toBe('SUBMITTED');
    const meta = (await t.api.get(`/v1/documents/${doc.id}`)).body.data.file;
    expect(meta).toMatchObject({ content_type: recognised, size: bytes.length, filename: 'passport.bin' });
    const down = await t.api.app.inject({
      method: 'GET',
      url: `/v1/documents/${doc.id}/download`,
      headers: { authorization: `Bearer ${t.api.token}` },
    });
    expect(down.rawPayload.equals(bytes)).toBe(true);
  });

  it('a raw body of another type is refused (415), an empty one 400', async () => {
    const { t, docs } = await application();
    const doc = docs[0] as Json;
    expect((await postRaw(t.api, `/v1/documents/${doc.id}`, Buffer.from('hello'), 'text/plain')).status).toBe(415);
    expect((await postRaw(t.api, `/v1/documents/${doc.id}`, Buffer.alloc(0), 'application/pdf')).status).toBe(400);
  });
});

describe('the token endpoint takes credentials by Basic auth or in the form body', () => {
  it('Basic with grant_type in the query, or client_id/client_secret in a form body', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const viaBasic = await app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials&scope=customers:read',
      headers: { authorization: basic(t.clientId, t.secret) },
    });
    expect(viaBasic.statusCode, viaBasic.body).toBe(200);
    expect(viaBasic.json()).toMatchObject({ token_type: 'Bearer', scope: 'customers:read' });
    const viaForm = await app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.clientId,
        client_secret: t.secret,
        scope: 'customers:read accounts:read',
      }).toString(),
    });
    expect(viaForm.statusCode, viaForm.body).toBe(200);
    expect(viaForm.json()).toMatchObject({ token_type: 'Bearer', scope: 'customers:read accounts:read' });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${viaForm.json().access_token}` },
    });
    expect(res.statusCode).toBe(200);
  });
});
