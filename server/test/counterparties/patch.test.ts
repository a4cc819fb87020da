import { beforeAll, describe, expect, it } from 'vitest';
import { findCounterparty } from '../../src/modules/counterparties/index.js';
import { getApp, newTenant } from '../helpers.js';
import {
  bodyFor,
  CP,
  createCounterparty,
  errs,
  eventsOf,
  expectError,
  getCounterparty,
  historyFacts,
  historyOf,
  PROFILE,
  tenantWithCustomer,
} from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});

const NEW_ADDRESS = { address_line1: '5 Main St', city: 'Richmond', state: 'VA', postal_code: '23219', country_code: 'US' };
const withoutTimes = ({ created_at: _c, updated_at: _u, id: _i, ...rest }: Record<string, unknown>) => rest;
const pending = (type: string, c: string) => bodyFor(type, c, { profile: { ...PROFILE, name: 'Review Pending' } });

describe('PATCH /v1/counterparties/{id} once screened (ACTIVE): contact data only', () => {
  it('the Layer2 form changes description and profile contact fields, with history', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const res = await t.api.patch(`${CP}/${cp.id}`, {
      updates: [
        { field: 'description', value: 'rent' },
        { field: 'profile.email', value: 'new@example.com' },
        { field: 'profile.telephone_number', value: '+14155550199' },
        { field: 'profile.address.city', value: 'Richmond' },
      ],
      updated_by: 'ops@fintech',
      reason: 'moved',
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.description).toBe('rent');
    expect(res.body.data.profile).toEqual({
      ...PROFILE,
      email: 'new@example.com',
      telephone_number: '+14155550199',
      address: { ...PROFILE.address, city: 'Richmond' },
    });
    expect(res.body.data.status).toBe('ACTIVE');
    expect(res.body.data.updated_at > cp.updated_at).toBe(true);
    expect(await getCounterparty(t.api, cp.id)).toEqual(res.body.data);
    const meta = { actor: { type: 'client', client_id: t.clientId }, updated_by: 'ops@fintech', reason: 'moved' };
    expect(historyFacts(await historyOf(t.api, `${CP}/${cp.id}`))).toEqual([
      { field: 'description', before: null, after: 'rent', ...meta },
      { field: 'profile.address.city', before: 'Arlington', after: 'Richmond', ...meta },
      { field: 'profile.email', before: 'grace@example.com', after: 'new@example.com', ...meta },
      { field: 'profile.telephone_number', before: null, after: '+14155550199', ...meta },
      {
        field: 'status',
        before: 'PENDING',
        after: 'ACTIVE',
        actor: meta.actor,
        updated_by: 'screening',
        reason: 'sandbox screening at creation: ACTIVE',
      },
    ]);
    expect(await eventsOf(app, t.clientId, cp.id)).toHaveLength(2); // no event for field changes
  });

  it('the seed form {email, phone, address} makes the same change as the Layer2 form', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const a = await createCounterparty(t.api, bodyFor('CRYPTO', c));
    const b = await createCounterparty(t.api, bodyFor('CRYPTO', c));
    const seed = await t.api.patch(`${CP}/${a.id}`, { email: 'x@example.com', phone: '+33123456789', address: NEW_ADDRESS });
    const layer2 = await t.api.patch(`${CP}/${b.id}`, {
      updates: [
        { field: 'profile.email', value: 'x@example.com' },
        { field: 'profile.telephone_number', value: '+33123456789' },
        { field: 'profile.address', value: JSON.stringify(NEW_ADDRESS) },
      ],
    });
    expect([seed.status, layer2.status]).toEqual([200, 200]);
    expect(seed.body.data.profile.address).toEqual(NEW_ADDRESS);
    expect(withoutTimes(seed.body.data)).toEqual(withoutTimes(layer2.body.data));
    expectError(
      await t.api.patch(`${CP}/${a.id}`, { email: 'y@example.com', profile: { email: 'z@example.com' } }),
      400,
      'VALIDATION_ERROR',
      'email',
    );
  });

  it('refuses every other field with NOT_UPDATABLE, one entry each, and changes nothing', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const res = await t.api.patch(`${CP}/${cp.id}`, {
      updates: [
        { field: 'account_information.account_number', value: '555555555' },
        { field: 'profile.name', value: 'Someone Else' },
        { field: 'supported_rails', value: '["ACH"]' },
        { field: 'profile.address.country_code', value: 'CA' },
        { field: 'description', value: 'ok on its own' },
      ],
    });
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'NOT_UPDATABLE', field: 'account_information.account_number' },
      { code: 'NOT_UPDATABLE', field: 'profile.address.country_code' },
      { code: 'NOT_UPDATABLE', field: 'profile.name' },
      { code: 'NOT_UPDATABLE', field: 'supported_rails' },
    ]);
    expect(res.raw).not.toContain('555555555');
    expect(res.body.errors[0].description).toMatch(/register a new counterparty/);
    expect(await getCounterparty(t.api, cp.id)).toEqual(cp);
    expect(await historyOf(t.api, `${CP}/${cp.id}`)).toHaveLength(1); // the screening only
  });

  it('holds for EDD, FROZEN and DORMANT counterparties too', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_GB', c));
    for (const status of ['EDD', 'FROZEN']) {
      expect((await t.api.patch(`${CP}/${cp.id}`, { status })).status).toBe(200);
      expectError(
        await t.api.patch(`${CP}/${cp.id}`, { account_information: { sort_code: '40-47-84' } }),
        400,
        'NOT_UPDATABLE',
        'account_information.sort_code',
      );
      expect((await t.api.patch(`${CP}/${cp.id}`, { description: status })).body.data.description).toBe(status);
    }
  });

  it('accepts the representation sent back unchanged (masked numbers, read-only fields): nothing changes', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_GB', c));
    const { created_at: _c, updated_at: _u, ...sendBack } = cp;
    const res = await t.api.patch(`${CP}/${cp.id}`, sendBack);
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data).toEqual(cp);
    const layer2 = await t.api.patch(`${CP}/${cp.id}`, {
      updates: [
        { field: 'account_information.account_number', value: cp.account_information.account_number },
        { field: 'account_information', value: JSON.stringify(cp.account_information) },
      ],
    });
    expect([layer2.status, layer2.body.data.updated_at]).toEqual([200, cp.updated_at]);
    expect(await historyOf(t.api, `${CP}/${cp.id}`)).toHaveLength(1);
  });

  it('id, customer_id and counterparty_type are accepted only unchanged', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    const url = `${CP}/${cp.id}`;
    expect((await t.api.patch(url, { id: cp.id, customer_id: c, counterparty_type: 'FIAT_US', description: 'd' })).status).toBe(200);
    const res = await t.api.patch(url, { id: 'cpty_x', customer_id: 'other', counterparty_type: 'CRYPTO' });
    expect(res.status).toBe(400);
    expect(errs(res)).toEqual([
      { code: 'NOT_UPDATABLE', field: 'id' },
      { code: 'NOT_UPDATABLE', field: 'customer_id' },
      { code: 'NOT_UPDATABLE', field: 'counterparty_type' },
    ]);
    expectError(await t.api.patch(url, { nickname: 'x' }), 400, 'VALIDATION_ERROR', 'nickname');
    expectError(
      await t.api.patch(url, { updates: [{ field: 'profile.nickname', value: 'x' }] }),
      400,
      'VALIDATION_ERROR',
      'updates.0.field',
    );
    expectError(await t.api.patch(url, { updates: [{ field: 'profile.email', value: 'nope' }] }), 400, 'VALIDATION_ERROR', 'profile.email');
  });
});

describe('PATCH while PENDING: every field, validated whole', () => {
  it('changes bank details (both forms); history and responses mask the numbers, storage keeps them', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, pending('FIAT_US', c));
    expect(cp.status).toBe('PENDING');
    const res = await t.api.patch(`${CP}/${cp.id}`, {
      updates: [
        { field: 'account_information.account_number', value: '987654321012' },
        { field: 'account_information.routing_number', value: '011000015' },
        { field: 'supported_rails', value: '["ACH"]' },
      ],
      reason: 'typo',
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.account_information.account_number).toBe('********1012');
    expect(res.body.data.account_information.routing_number).toBe('011000015');
    expect(res.body.data.supported_rails).toEqual(['ACH']);
    const plain = await t.api.patch(`${CP}/${cp.id}`, {
      account_information: { account_number: '11112222' },
      profile: { name: 'Grace M. Hopper REVIEW' },
    });
    expect(plain.status, plain.raw).toBe(200);
    expect(plain.body.data.account_information.account_number).toBe('****2222');
    expect(plain.body.data.profile.name).toBe('Grace M. Hopper REVIEW');
    expect(plain.body.data.status).toBe('PENDING'); // no re-screening on PATCH
    const history = await historyOf(t.api, `${CP}/${cp.id}`);
    const numbers = history.filter((h) => h.field === 'account_information.account_number').map((h) => [h.before, h.after]);
    expect(numbers).toEqual([
      ['********1012', '****2222'],
      ['*****6789', '********1012'],
    ]);
    const raw = JSON.stringify(history);
    for (const full of ['123456789"', '987654321012', '11112222']) expect(raw).not.toContain(full);
    const stored = await findCounterparty(app.ledgerline.database.db, t.clientId, cp.id);
    expect(stored?.details.account_information).toMatchObject({ account_number: '11112222', routing_number: '011000015' });
  });

  it('applies the bank-code and rail rules to the result, without echoing values', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, pending('FIAT_GB', c));
    const url = `${CP}/${cp.id}`;
    const bad = await t.api.patch(url, { updates: [{ field: 'account_information.iban', value: 'GB82WEST12345698765433' }] });
    expectError(bad, 400, 'VALIDATION_ERROR', 'account_information.iban');
    expect(bad.raw).not.toContain('GB82WEST12345698765433');
    expectError(
      await t.api.patch(url, { account_information: { sort_code: null, iban: null } }),
      400,
      'VALIDATION_ERROR',
      'account_information.sort_code',
    );
    expectError(
      await t.api.patch(url, { account_information: { routing_number: '021000021' } }),
      400,
      'VALIDATION_ERROR',
      'account_information.routing_number',
    );
    const ok = await t.api.patch(url, { supported_rails: ['SWIFT'], account_information: { sort_code: null, iban: null } });
    expect([ok.status, ok.body.data.account_information.sort_code, ok.body.data.supported_rails]).toEqual([200, undefined, ['SWIFT']]);
  });

  it('adds and removes the intermediary, deriving its asset; it stays when SWIFT is dropped', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, pending('FIAT_MX', c));
    const url = `${CP}/${cp.id}`;
    const inter = { intermediary_type: 'FIAT_US', institution_name: 'Citibank', swift_bic: 'CITIUS33' };
    const added = await t.api.patch(url, { intermediary_information: inter });
    expect(added.body.data.intermediary_information).toEqual({ ...inter, asset_type_id: 'FIAT_TESTNET_USD' });
    const spei = await t.api.patch(url, { supported_rails: ['SPEI'] });
    expect([spei.status, spei.body.data.supported_rails, spei.body.data.intermediary_information]).toEqual([
      200,
      ['SPEI'],
      { ...inter, asset_type_id: 'FIAT_TESTNET_USD' },
    ]);
    const removed = await t.api.patch(url, { supported_rails: ['SPEI'], intermediary_information: null });
    expect([removed.status, removed.body.data.intermediary_information]).toEqual([200, undefined]);
  });
});
