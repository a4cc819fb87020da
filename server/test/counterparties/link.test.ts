import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCounterparty } from '../../src/modules/counterparties/index.js';
import { getApp, makeApp, newTenant, type Tenant } from '../helpers.js';
import { bodyFor, CP, createCounterparty, expectError, getCounterparty, historyOf, PROFILE, tenantWithCustomer } from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});

const MX = { linking_provider: 'MX' };
const MEMBER = 'MBR-7c6f361b-b5c7-4d4c-a1a7-1d5d0c3d3c1e';

async function linkedCounterparty(t: Tenant, name = 'Grace Hopper') {
  const c = await tenantWithCustomer(t);
  return createCounterparty(t.api, bodyFor('FIAT_US_LINKED', c, { profile: { ...PROFILE, name } }));
}

describe('linking a FIAT_US_LINKED counterparty (MX, simulated in sandbox)', () => {
  it('link/details answers the counterparty and a fresh single-use widget URL on every call', async () => {
    const t = await newTenant(await getApp());
    const cp = await linkedCounterparty(t);
    const url = `${CP}/${cp.id}/link/details`;
    const first = await t.api.post(url, MX);
    expect(first.status, first.raw).toBe(200);
    // The linking object: what was sent, the counterparty, and the widget URL (also at the top level).
    const { mx_widget_url, linking_provider, ...rest } = first.body.data;
    expect(rest).toEqual(cp);
    expect(linking_provider).toBe('MX');
    expect(first.body.mx_widget_url).toBe(mx_widget_url);
    expect(mx_widget_url).toMatch(
      /^https:\/\/mx-widget\.sandbox\.ledgerline\.invalid\/connect\/[A-Za-z0-9_-]{32}\?mode=verification&member_guid=MBR-[0-9a-f]{32}$/,
    );
    const mobile = await t.api.post(url, { ...MX, is_mobile_webview: true, ui_message_webview_url_scheme: 'myapp' });
    expect(mobile.body.data.mx_widget_url).toMatch(/&is_mobile_webview=true&ui_message_webview_url_scheme=myapp$/);
    expect(mobile.body.data.mx_widget_url.split('?')[0]).not.toBe(mx_widget_url.split('?')[0]);
    expectError(await t.api.post(url, { linking_provider: 'PLAID' }), 400, 'VALIDATION_ERROR', 'linking_provider');
    expectError(
      await t.api.post(url, { ...MX, ui_message_webview_url_scheme: 'my app://' }),
      400,
      'VALIDATION_ERROR',
      'ui_message_webview_url_scheme',
    );
  });

  it('link/accounts lists 2-3 accounts of the member, numbers masked, the same on every call', async () => {
    const t = await newTenant(await getApp());
    const cp = await linkedCounterparty(t);
    const res = await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER });
    expect(res.status, res.raw).toBe(200);
    const { available_accounts, linking_provider, member_guid, ...rest } = res.body.data;
    expect(rest).toEqual(cp);
    expect({ linking_provider, member_guid }).toEqual({ linking_provider: 'MX', member_guid: MEMBER });
    expect(res.body.available_accounts).toEqual(available_accounts);
    expect(available_accounts.length).toBeGreaterThanOrEqual(2);
    expect(available_accounts.length).toBeLessThanOrEqual(3);
    for (const a of available_accounts) {
      expect(Object.keys(a)).toEqual(['account_link_id', 'account_name', 'account_number']);
      expect(a.account_link_id).toMatch(/^ACT-[0-9a-f]{16}-[123]$/);
      expect(a.account_number).toMatch(/^\*{6}\d{4}$/);
    }
    expect(available_accounts.slice(0, 2).map((a: { account_name: string }) => a.account_name)).toEqual([
      'Sandbox Checking',
      'Sandbox Savings',
    ]);
    const again = await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER });
    expect(again.body.data.available_accounts).toEqual(available_accounts);
    expectError(
      await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: 'member-1' }),
      400,
      'VALIDATION_ERROR',
      'member_guid',
    );
  });

  it('link/connect fills account_information and makes the counterparty linked (ACH pull), with history', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const cp = await linkedCounterparty(t);
    const listed = await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER });
    const chosen = listed.body.data.available_accounts[0];
    const res = await t.api.post(`${CP}/${cp.id}/link/connect`, { ...MX, account_link_id: chosen.account_link_id });
    expect(res.status, res.raw).toBe(200);
    const last4 = chosen.account_number.slice(-4);
    expect(res.body.data.account_information).toEqual({
      asset_type_id: 'FIAT_TESTNET_USD',
      account_name: 'Sandbox Checking',
      abbreviated_account_number: `x${last4}`,
    });
    expect(res.body.data.status).toBe('ACTIVE');
    expect(await getCounterparty(t.api, cp.id)).toEqual(res.body.data);
    const record = await findCounterparty(app.ledgerline.database.db, t.clientId, cp.id);
    expect(record?.linked).toBe(true);
    expect(record?.supportedRails).toEqual(['ACH']);
    const stored = record?.details.account_information as Record<string, string>;
    expect(stored).toMatchObject({ routing_number: '021000021', type: 'CHECKING' });
    expect(stored.account_number).toMatch(new RegExp(`^\\d{6}${last4}$`));
    const history = await historyOf(t.api, `${CP}/${cp.id}`);
    const linking = history.filter((h) => h.updated_by === 'linking').map((h) => [h.field, h.before, h.after]);
    expect(linking.sort()).toEqual([
      ['account_information.abbreviated_account_number', null, `x${last4}`],
      ['account_information.account_name', null, 'Sandbox Checking'],
    ]);
    expect(JSON.stringify(history)).not.toContain(stored.account_number);
  });

  it('link/connect needs an account_link_id offered by link/accounts', async () => {
    const t = await newTenant(await getApp());
    const cp = await linkedCounterparty(t);
    const connect = `${CP}/${cp.id}/link/connect`;
    expectError(
      await t.api.post(connect, { ...MX, account_link_id: 'ACT-0000000000000000-1' }),
      400,
      'VALIDATION_ERROR',
      'account_link_id',
    );
    await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER });
    expectError(
      await t.api.post(connect, { ...MX, account_link_id: 'ACT-0000000000000000-1' }),
      400,
      'VALIDATION_ERROR',
      'account_link_id',
    );
    expectError(await t.api.post(connect, { ...MX, account_link_id: 'nope' }), 400, 'VALIDATION_ERROR', 'account_link_id');
  });

  it('a linked, ACTIVE counterparty sent back unchanged stays linked; its linked account cannot be edited', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const cp = await linkedCounterparty(t);
    const accounts = (await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER })).body.data.available_accounts;
    const linked = (await t.api.post(`${CP}/${cp.id}/link/connect`, { ...MX, account_link_id: accounts[1].account_link_id })).body.data;
    const { created_at: _c, updated_at: _u, ...sendBack } = linked;
    const res = await t.api.patch(`${CP}/${cp.id}`, sendBack);
    expect([res.status, res.body.data]).toEqual([200, linked]);
    const renamed = await t.api.patch(`${CP}/${cp.id}`, { account_information: { account_name: 'Mine' } });
    expect([renamed.status, renamed.body.data.account_information.account_name]).toEqual([200, 'Sandbox Savings']);
    expect((await findCounterparty(app.ledgerline.database.db, t.clientId, cp.id))?.linked).toBe(true);
  });
});

describe('linking: refusals', () => {
  it('applies to FIAT_US_LINKED only (400, field counterparty_type)', async () => {
    const t = await newTenant(await getApp());
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_US', c));
    expectError(await t.api.post(`${CP}/${cp.id}/link/details`, MX), 400, 'VALIDATION_ERROR', 'counterparty_type');
    expectError(
      await t.api.post(`${CP}/${cp.id}/link/accounts`, { ...MX, member_guid: MEMBER }),
      400,
      'VALIDATION_ERROR',
      'counterparty_type',
    );
    expectError(
      await t.api.post(`${CP}/${cp.id}/link/connect`, { ...MX, account_link_id: 'ACT-0000000000000000-1' }),
      400,
      'VALIDATION_ERROR',
      'counterparty_type',
    );
  });

  it('is refused on a CLOSED counterparty (NOT_UPDATABLE) and, for the client, on an _L2F one', async () => {
    const t = await newTenant(await getApp());
    const closed = await linkedCounterparty(t, 'REJECT me');
    expect(closed.status).toBe('CLOSED');
    expectError(await t.api.post(`${CP}/${closed.id}/link/details`, MX), 400, 'NOT_UPDATABLE', 'status');
    const held = await linkedCounterparty(t);
    await t.operator.patch(`${CP}/${held.id}`, { status: 'FROZEN_L2F' });
    expectError(await t.api.post(`${CP}/${held.id}/link/accounts`, { ...MX, member_guid: MEMBER }), 403, 'L2F_STATUS_RESERVED', 'status');
  });

  describe('in production mode', () => {
    let prod: FastifyInstance;
    beforeAll(async () => {
      prod = await makeApp({ LEDGERLINE_MODE: 'production' });
    });
    afterAll(async () => {
      await prod.close();
    });
    it('no provider is configured: 400 on linking_provider', async () => {
      const t = await newTenant(prod);
      const cp = await linkedCounterparty(t);
      expectError(await t.api.post(`${CP}/${cp.id}/link/details`, MX), 400, 'VALIDATION_ERROR', 'linking_provider');
    });
  });
});
