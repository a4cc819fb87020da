import { beforeAll, describe, expect, it } from 'vitest';
import { Api, getApp, individualBody, newTenant, operatorApi, tokenFor } from '../helpers.js';
import { createCustomer, DEPOSITS, errs, expectError, openBody } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

/** CONTRACT §6 and LAYER2_API.md §2.16, written out here so the test checks the data. */
const FIAT_RAILS: Record<string, string[]> = {
  USD: ['ACH', 'FEDWIRE', 'SWIFT'],
  EUR: ['SEPA_CT', 'SWIFT'],
  GBP: ['FPS', 'CHAPS', 'SWIFT'],
  INR: ['IMPS', 'SWIFT'],
  MXN: ['SPEI', 'SWIFT'],
  AED: ['UAEFTS', 'SWIFT'],
};
const CRYPTO: [string, number][] = [
  ['BITCOIN_MAINNET_BTC', 8],
  ['BITCOIN_TESTNET_BTC', 8],
  ['ETHEREUM_MAINNET_ETH', 18],
  ['ETHEREUM_SEPOLIA_ETH', 18],
  ['ETHEREUM_MAINNET_USDC', 6],
  ['ETHEREUM_SEPOLIA_USDC', 6],
  ['ETHEREUM_MAINNET_DAI', 18],
  ['ETHEREUM_SEPOLIA_DAI', 18],
  ['SOLANA_MAINNET_SOL', 9],
  ['SOLANA_DEVNET_SOL', 9],
];
const FIAT = ['MAINNET', 'TESTNET'].flatMap((n) => Object.keys(FIAT_RAILS).map((c) => `FIAT_${n}_${c}`));
const TESTNET = [...FIAT.filter((a) => a.includes('_TESTNET_')), ...CRYPTO.map(([a]) => a).filter((a) => !a.includes('_MAINNET_'))];
const DEFAULT_ASSETS = [...TESTNET, 'FIAT_MAINNET_USD'].sort();

type AssetRow = { asset_type_id: string; decimals: number; rails: string[]; enabled: boolean; kind: string; testnet: boolean };
type ProductRow = { product_id: string; product_type: string; family: string; enabled: boolean };

async function catalogueOf(api: Api) {
  const [p, a] = [await api.get('/v1/products'), await api.get('/v1/assets')];
  expect([p.status, a.status], p.raw + a.raw).toEqual([200, 200]);
  return { products: p.body.data.products as ProductRow[], assets: a.body.data.assets as AssetRow[] };
}
const enabledIds = (rows: { enabled: boolean }[], key: 'product_id' | 'asset_type_id') =>
  rows
    .filter((r) => r.enabled)
    .map((r) => (r as unknown as Record<string, string>)[key])
    .sort();

describe('GET /v1/products and /v1/assets', () => {
  it('lists every asset with its decimals and rails', async () => {
    const t = await newTenant(await getApp());
    const { assets } = await catalogueOf(t.api);
    expect(assets.map((a) => a.asset_type_id).sort()).toEqual([...FIAT, ...CRYPTO.map(([a]) => a)].sort());
    for (const id of FIAT) {
      const a = assets.find((x) => x.asset_type_id === id);
      expect([a?.kind, a?.decimals, a?.rails, a?.testnet]).toEqual(['FIAT', 2, FIAT_RAILS[id.slice(-3)], id.includes('_TESTNET_')]);
    }
    for (const [id, decimals] of CRYPTO) {
      const a = assets.find((x) => x.asset_type_id === id);
      expect([a?.kind, a?.decimals, a?.rails]).toEqual(['CRYPTO', decimals, ['CRYPTO']]);
    }
    expect(assets.find((a) => a.asset_type_id === 'ETHEREUM_SEPOLIA_USDC')).toEqual({
      asset_type_id: 'ETHEREUM_SEPOLIA_USDC',
      blockchain: 'ETHEREUM',
      network: 'SEPOLIA',
      currency: 'USDC',
      decimals: 6,
      kind: 'CRYPTO',
      testnet: true,
      rails: ['CRYPTO'],
      token: true,
      enabled: true,
    });
  });

  it('a new client has DEPOSIT_BASIC, PAYMENT_BASIC and every testnet asset plus FIAT_MAINNET_USD enabled', async () => {
    const t = await newTenant(await getApp());
    const { products, assets } = await catalogueOf(t.api);
    expect(products.map((p) => [p.product_id, p.product_type, p.family, p.enabled])).toEqual([
      ['DEPOSIT_BASIC', 'DEPOSIT', 'deposits', true],
      ['PAYMENT_BASIC', 'DEPOSIT', 'payments', true],
      ['CLIENT_BASIC', 'CLIENT', 'deposits', false],
      ['VIRTUAL_BASIC', 'VIRTUAL', 'deposits', false],
    ]);
    expect(enabledIds(assets, 'asset_type_id')).toEqual(DEFAULT_ASSETS);
    expect(DEFAULT_ASSETS).toHaveLength(12);
    const admin = await (await operatorApi(t.api.app)).get(`/v1/admin/clients/${t.clientId}/catalogue`);
    expect(admin.status).toBe(200);
    expect([admin.body.data.products, [...admin.body.data.assets].sort()]).toEqual([['DEPOSIT_BASIC', 'PAYMENT_BASIC'], DEFAULT_ASSETS]);
  });

  it('needs accounts:read', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const other = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:read'));
    expectError(await other.get('/v1/products'), 403, 'INSUFFICIENT_SCOPE');
    expectError(await other.get('/v1/assets'), 403, 'INSUFFICIENT_SCOPE');
    const reader = new Api(app, await tokenFor(app, t.clientId, t.secret, 'accounts:read'));
    expect((await reader.get('/v1/assets')).status).toBe(200);
  });
});

describe('PUT /v1/admin/clients/{id}/catalogue', () => {
  it('replaces the catalogue; GET and the client lists show it', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const op = await operatorApi(app);
    const url = `/v1/admin/clients/${t.clientId}/catalogue`;
    const next = { products: ['DEPOSIT_BASIC', 'CLIENT_BASIC'], assets: ['FIAT_MAINNET_EUR', 'BITCOIN_MAINNET_BTC'] };
    const put = await op.request('PUT', url, next);
    expect([put.status, put.body], put.raw).toEqual([200, { data: next }]);
    expect((await op.get(url)).body).toEqual({ data: next });
    const { products, assets } = await catalogueOf(t.api);
    expect(enabledIds(products, 'product_id')).toEqual(['CLIENT_BASIC', 'DEPOSIT_BASIC']);
    expect(enabledIds(assets, 'asset_type_id')).toEqual(['BITCOIN_MAINNET_BTC', 'FIAT_MAINNET_EUR']);

    const again = await op.request('PUT', url, { products: ['PAYMENT_BASIC'], assets: [] });
    expect(again.body).toEqual({ data: { products: ['PAYMENT_BASIC'], assets: [] } });
    const after = await catalogueOf(t.api);
    expect([enabledIds(after.products, 'product_id'), enabledIds(after.assets, 'asset_type_id')]).toEqual([['PAYMENT_BASIC'], []]);
  });

  it('refuses unknown products and assets per entry, unknown clients and tenant tokens', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const op = await operatorApi(app);
    const url = `/v1/admin/clients/${t.clientId}/catalogue`;
    const bad = await op.request('PUT', url, {
      products: ['DEPOSIT_BASIC', 'GOLD_BASIC'],
      assets: ['FIAT_TESTNET_USD', 'FIAT_TESTNET_XYZ', 'DOGE'],
    });
    expect(bad.status, bad.raw).toBe(400);
    expect(errs(bad)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'products.1' },
      { code: 'VALIDATION_ERROR', field: 'assets.1' },
      { code: 'VALIDATION_ERROR', field: 'assets.2' },
    ]);
    expect((await op.get(url)).body.data.products).toEqual(['DEPOSIT_BASIC', 'PAYMENT_BASIC']);
    expectError(
      await op.request('PUT', '/v1/admin/clients/no-such-client/catalogue', { products: [], assets: [] }),
      404,
      'NOT_FOUND',
      'client_id',
    );
    expectError(await op.get('/v1/admin/clients/no-such-client/catalogue'), 404, 'NOT_FOUND', 'client_id');
    expectError(await t.api.request('PUT', url, { products: [], assets: [] }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await t.api.get(url), 403, 'INSUFFICIENT_SCOPE');
    expect((await op.get(url)).body.data.products).toEqual(['DEPOSIT_BASIC', 'PAYMENT_BASIC']);
  });

  it('opening an account needs its product and asset enabled (403 FORBIDDEN per field); unknown ids are 400', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await createCustomer(t.api, individualBody());
    const op = await operatorApi(app);
    const put = await op.request('PUT', `/v1/admin/clients/${t.clientId}/catalogue`, {
      products: ['CLIENT_BASIC'],
      assets: ['FIAT_TESTNET_EUR'],
    });
    expect(put.status).toBe(200);
    expectError(await t.api.post(DEPOSITS, openBody(c.id, 'x1', 'FIAT_TESTNET_EUR')), 403, 'FORBIDDEN', 'account_to_open.product_id');
    expectError(
      await t.api.post(DEPOSITS, openBody(c.id, 'x2', 'FIAT_TESTNET_USD', 'CLIENT_BASIC')),
      403,
      'FORBIDDEN',
      'account_to_open.asset_type_id',
    );
    const both = await t.api.post(DEPOSITS, openBody(c.id, 'x3', 'FIAT_TESTNET_USD'));
    expect([both.status, errs(both)]).toEqual([
      403,
      [
        { code: 'FORBIDDEN', field: 'account_to_open.product_id' },
        { code: 'FORBIDDEN', field: 'account_to_open.asset_type_id' },
      ],
    ]);
    expectError(
      await t.api.post(DEPOSITS, openBody(c.id, 'x4', 'FIAT_TESTNET_EUR', 'NO_SUCH_PRODUCT')),
      400,
      'VALIDATION_ERROR',
      'account_to_open.product_id',
    );
    expectError(
      await t.api.post(DEPOSITS, openBody(c.id, 'x5', 'FIAT_TESTNET_JPY', 'CLIENT_BASIC')),
      400,
      'VALIDATION_ERROR',
      'account_to_open.asset_type_id',
    );
    const ok = await t.api.post(DEPOSITS, openBody(c.id, 'x6', 'FIAT_TESTNET_EUR', 'CLIENT_BASIC'));
    expect([ok.status, ok.body.data.product_type, ok.body.data.product_id], ok.raw).toEqual([200, 'CLIENT', 'CLIENT_BASIC']);
    expect((await t.api.get(DEPOSITS)).body.data.accounts.map((a: { id: string }) => a.id)).toEqual(['x6']);
  });
});
