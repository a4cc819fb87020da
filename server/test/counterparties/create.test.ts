import { beforeAll, describe, expect, it } from 'vitest';
import { findCounterparty } from '../../src/modules/counterparties/index.js';
import { createCustomer } from '../customers/_fixtures.js';
import { getApp, individualBody, newTenant, uid } from '../helpers.js';
import {
  bodyFor,
  CP,
  createCounterparty,
  errs,
  eventsOf,
  expectError,
  getCounterparty,
  ISO,
  insertCustomer,
  PROFILE,
  TYPE_BODIES,
  tenantWithCustomer,
  withAccount,
} from './_fixtures.js';

beforeAll(async () => {
  await getApp(); // start-up (migrations, bootstrap) outside the first test's timeout
});

const mask = (v: string) => '*'.repeat(v.length - 4) + v.slice(-4);
const maskedInfo = (info: Record<string, any>) => {
  const out = { ...info };
  for (const f of ['account_number', 'iban', 'clabe']) if (out[f]) out[f] = mask(out[f]);
  return out;
};

describe('POST /v1/counterparties: every type', () => {
  it.each(Object.keys(TYPE_BODIES))('creates a %s counterparty, ACTIVE after sandbox screening, numbers masked', async (type) => {
    const app = await getApp();
    const t = await newTenant(app);
    const customerId = await tenantWithCustomer(t);
    const body = bodyFor(type, customerId, { description: `my ${type}` });
    const res = await t.api.post(CP, body);
    expect(res.status, res.raw).toBe(200);
    const { id, created_at, updated_at, ...rest } = res.body.data;
    const key = type === 'CRYPTO' ? 'wallet_information' : 'account_information';
    expect(rest).toEqual({
      customer_id: customerId,
      counterparty_type: type,
      status: 'ACTIVE',
      description: `my ${type}`,
      supported_rails: body.supported_rails,
      profile: body.profile,
      [key]: type === 'CRYPTO' ? body[key] : maskedInfo(body[key]),
    });
    expect(id).toMatch(/^cpty_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created_at).toMatch(ISO);
    expect(updated_at).toBe(created_at);
    expect(await getCounterparty(t.api, id)).toEqual(res.body.data);
    expect(await eventsOf(app, t.clientId, id)).toEqual([
      ['COUNTERPARTY_PENDING', { counterparty: { id, status: 'PENDING' } }],
      ['COUNTERPARTY_ACTIVE', { counterparty: { id, status: 'ACTIVE' } }],
    ]);
  });

  it('masks all but the last 4 characters in responses and stores the full numbers', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const us = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const eu = await createCounterparty(t.api, bodyFor('FIAT_EU', c));
    const mx = await createCounterparty(t.api, bodyFor('FIAT_MX', c));
    expect(us.account_information.account_number).toBe('*****6789');
    expect(us.account_information.routing_number).toBe('021000021');
    expect(eu.account_information.iban).toBe('******************3000');
    expect(mx.account_information.clabe).toBe('**************9719');
    const listed = await t.api.get(CP);
    expect(listed.raw).not.toContain('123456789"');
    expect(listed.raw).not.toContain('DE89370400440532013000');
    expect(listed.raw).not.toContain('032180000118359719');
    const stored = await findCounterparty(app.ledgerline.database.db, t.clientId, us.id);
    expect(stored?.details.account_information).toMatchObject({ account_number: '123456789' });
  });

  it('keeps the account_information keys in schema order whatever order they were sent in', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const info = TYPE_BODIES.FIAT_US!.account_information;
    const reversed = Object.fromEntries(Object.entries(info).reverse());
    const created = await createCounterparty(t.api, bodyFor('FIAT_US', c, { account_information: reversed }));
    expect(Object.keys(created.account_information)).toEqual([
      'asset_type_id',
      'account_number',
      'type',
      'routing_number',
      'swift_bic',
      'institution_name',
      'institution_address',
    ]);
    expect(Object.keys(created)).toEqual([
      'id',
      'customer_id',
      'counterparty_type',
      'status',
      'supported_rails',
      'profile',
      'account_information',
      'created_at',
      'updated_at',
    ]);
  });

  it('FIAT_IN accepts NEFT and UPI, stored and answered as Layer2’s NFT and UP (duplicates merged)', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const a = await createCounterparty(t.api, bodyFor('FIAT_IN', c, { supported_rails: ['IMPS', 'NEFT', 'UPI', 'SWIFT'] }));
    expect(a.supported_rails).toEqual(['IMPS', 'NFT', 'UP', 'SWIFT']);
    const b = await createCounterparty(t.api, bodyFor('FIAT_IN', c, { supported_rails: ['NFT', 'NEFT'] }));
    expect(b.supported_rails).toEqual(['NFT']);
    const listed = await t.api.get(`${CP}?counterparty_type=FIAT_IN`);
    expect(listed.body.data.counterparties.map((x: { supported_rails: string[] }) => x.supported_rails)).toEqual([
      ['NFT'],
      ['IMPS', 'NFT', 'UP', 'SWIFT'],
    ]);
  });

  it('FIAT_US_LINKED and CRYPTO default supported_rails to ACH and CRYPTO', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const { supported_rails: _l, ...linked } = bodyFor('FIAT_US_LINKED', c);
    const { supported_rails: _c, ...crypto } = bodyFor('CRYPTO', c);
    expect((await createCounterparty(t.api, linked)).supported_rails).toEqual(['ACH']);
    expect((await createCounterparty(t.api, crypto)).supported_rails).toEqual(['CRYPTO']);
    const { supported_rails: _u, ...us } = bodyFor('FIAT_US', c);
    expectError(await t.api.post(CP, us), 400, 'VALIDATION_ERROR', 'supported_rails');
  });

  it('accepts and ignores read-only fields: id, status, timestamps, linking results, the intermediary asset', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const created = await createCounterparty(
      t.api,
      bodyFor('FIAT_US_LINKED', c, {
        id: 'cpty_mine',
        status: 'FROZEN',
        created_at: '2000-01-01T00:00:00Z',
        updated_at: '2000-01-01T00:00:00Z',
        account_information: { asset_type_id: 'FIAT_TESTNET_USD', account_name: 'Fake', abbreviated_account_number: 'x0000' },
      }),
    );
    expect(created.id).not.toBe('cpty_mine');
    expect(created.status).toBe('ACTIVE');
    expect(created.created_at).not.toBe('2000-01-01T00:00:00Z');
    expect(created.account_information).toEqual({ asset_type_id: 'FIAT_TESTNET_USD' });
    const inter = await createCounterparty(
      t.api,
      bodyFor('FIAT_US', c, {
        intermediary_information: {
          intermediary_type: 'FIAT_CA',
          asset_type_id: 'BITCOIN_TESTNET_BTC',
          institution_name: 'RBC',
          swift_bic: 'ROYCCAT2',
        },
      }),
    );
    expect(inter.intermediary_information).toEqual({
      intermediary_type: 'FIAT_CA',
      asset_type_id: 'FIAT_TESTNET_CAD',
      institution_name: 'RBC',
      swift_bic: 'ROYCCAT2',
    });
  });

  it('a FIAT_US intermediary takes a routing number instead of a BIC; its asset follows the account’s network', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const body = withAccount('FIAT_US', c, { asset_type_id: 'FIAT_MAINNET_USD' });
    body.intermediary_information = { intermediary_type: 'FIAT_US', institution_name: 'Citibank', routing_number: '021000089' };
    const created = await createCounterparty(t.api, body);
    expect(created.intermediary_information).toEqual({
      intermediary_type: 'FIAT_US',
      asset_type_id: 'FIAT_MAINNET_USD',
      institution_name: 'Citibank',
      routing_number: '021000089',
    });
  });
});

describe('POST /v1/counterparties: the customer', () => {
  it('refuses an unknown customer, or another client’s, with 404 (field customer_id)', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    const theirs = await tenantWithCustomer(b);
    expectError(await a.api.post(CP, bodyFor('FIAT_US', 'no-such-customer')), 404, 'NOT_FOUND', 'customer_id');
    expectError(await a.api.post(CP, bodyFor('FIAT_US', theirs)), 404, 'NOT_FOUND', 'customer_id');
    expect((await b.api.get(CP)).body.data.counterparties).toEqual([]);
  });

  it('refuses a CLOSED customer (400 NOT_UPDATABLE) and, for the client, an _L2F one (403); the operator may add to an _L2F one', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const closed = uid();
    const held = uid();
    await insertCustomer(app, t, closed, 'CLOSED');
    await insertCustomer(app, t, held, 'FROZEN_L2F');
    expectError(await t.api.post(CP, bodyFor('FIAT_US', closed)), 400, 'NOT_UPDATABLE', 'customer_id');
    expectError(await t.api.post(CP, bodyFor('FIAT_US', held)), 403, 'L2F_STATUS_RESERVED', 'customer_id');
    const byOperator = await t.operator.post(CP, bodyFor('FIAT_US', held));
    expect([byOperator.status, byOperator.body.data?.customer_id]).toEqual([200, held]);
  });

  it('accepts customers that are PENDING, FROZEN, EDD or DORMANT (registering is not transacting)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    for (const status of ['PENDING', 'FROZEN', 'EDD', 'DORMANT'] as const) {
      const id = uid();
      await insertCustomer(app, t, id, status);
      const res = await t.api.post(CP, bodyFor('CRYPTO', id));
      expect([status, res.status]).toEqual([status, 200]);
    }
  });
});

describe('POST /v1/counterparties: body', () => {
  it('refuses an unknown counterparty_type (BASIC, FIAT_CA_LINKED are not offered)', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    for (const type of ['BASIC', 'FIAT_CA_LINKED', 'FIAT_XX']) {
      const res = await t.api.post(CP, { customer_id: c, counterparty_type: type, profile: PROFILE });
      expectError(res, 400, 'VALIDATION_ERROR', 'counterparty_type');
    }
  });

  it('gives one entry per unknown field, and per missing required field', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const res = await t.api.post(CP, bodyFor('FIAT_US', c, { foo: 1, bar: 'x' }));
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'foo' },
      { code: 'VALIDATION_ERROR', field: 'bar' },
    ]);
    const { profile: _p, ...noProfile } = bodyFor('FIAT_EU', c);
    const missing = await t.api.post(CP, { ...noProfile, account_information: { asset_type_id: 'FIAT_TESTNET_EUR' } });
    expect(missing.status).toBe(400);
    expect(errs(missing)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'profile' },
      { code: 'VALIDATION_ERROR', field: 'account_information.iban' },
      { code: 'VALIDATION_ERROR', field: 'account_information.swift_bic' },
      { code: 'VALIDATION_ERROR', field: 'account_information.institution_name' },
      { code: 'VALIDATION_ERROR', field: 'account_information.institution_address' },
    ]);
  });

  it('is idempotent with x-l2f-idempotency-id: the replay is the same counterparty, nothing is created twice', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const key = { 'x-l2f-idempotency-id': uid('idem') };
    const first = await t.api.post(CP, bodyFor('FIAT_US', c), key);
    const again = await t.api.post(CP, bodyFor('FIAT_US', c), key);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.raw).toBe(first.raw);
    expect(again.headers['x-l2f-idempotent-replay']).toBe('true');
    expect((await t.api.get(CP)).body.data.counterparties).toHaveLength(1);
    expect(await eventsOf(app, t.clientId, first.body.data.id)).toHaveLength(2);
    const other = await t.api.post(CP, bodyFor('FIAT_EU', c), key);
    expectError(other, 422, 'IDEMPOTENCY_KEY_REUSED', 'x-l2f-idempotency-id');
  });

  it('belongs to one customer: listing by customer_id shows it only under its own', async () => {
    const t = await newTenant(await getApp());
    const a = await createCustomer(t.api, individualBody());
    const b = await createCustomer(t.api, individualBody());
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', a.id));
    expect((await t.api.get(`${CP}?customer_id=${a.id}`)).body.data.counterparties.map((x: { id: string }) => x.id)).toEqual([cp.id]);
    expect((await t.api.get(`${CP}?customer_id=${b.id}`)).body.data.counterparties).toEqual([]);
  });
});
