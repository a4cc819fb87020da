/**
 * Every rule of docs/counterparties.md, one refusal each: the status, the code, the field, and the
 * promise that the value checked never comes back in the error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import {
  BTC_MAINNET,
  BTC_TESTNET,
  BUSINESS_PROFILE,
  bodyFor,
  CP,
  ETH_ADDRESS,
  errs,
  PROFILE,
  SOL_ADDRESS,
  tenantWithCustomer,
  withAccount,
} from './_fixtures.js';

type Body = Record<string, any>;
let t: Tenant;
let c: string;
beforeAll(async () => {
  t = await newTenant(await getApp());
  c = await tenantWithCustomer(t);
});

const V = (field: string) => ({ code: 'VALIDATION_ERROR', field });

/** Posts and expects 400 with exactly these fields; returns the descriptions. */
async function refused(body: Body, fields: string[], secret?: string): Promise<string[]> {
  const res = await t.api.post(CP, body);
  expect(res.status, res.raw).toBe(400);
  expect(errs(res)).toEqual(fields.map(V));
  if (secret) expect(res.raw).not.toContain(secret);
  return res.body.errors.map((e: { description: string }) => e.description);
}
async function accepted(body: Body): Promise<Body> {
  const res = await t.api.post(CP, body);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}
const info = (f: string) => `account_information.${f}`;
const wallet = (f: string) => `wallet_information.${f}`;

describe('supported_rails', () => {
  it('must be a non-empty subset of the type’s rails, without duplicates', async () => {
    await refused(bodyFor('FIAT_EU', c, { supported_rails: ['ACH'] }), ['supported_rails.0']);
    await refused(bodyFor('FIAT_EU', c, { supported_rails: [] }), ['supported_rails']);
    await refused(bodyFor('FIAT_US', c, { supported_rails: ['ACH', 'ACH'] }), ['supported_rails']);
    await refused(bodyFor('CRYPTO', c, { supported_rails: ['SWIFT'] }), ['supported_rails.0']);
    await refused(bodyFor('FIAT_CN', c, { supported_rails: ['SWIFT', 'ACH'] }), ['supported_rails.1']);
  });
});

describe('assets', () => {
  it('account_information.asset_type_id must be a FIAT asset of the catalogue', async () => {
    const d = await refused(withAccount('FIAT_US', c, { asset_type_id: 'ETHEREUM_SEPOLIA_ETH' }), [info('asset_type_id')]);
    expect(d[0]).toMatch(/FIAT asset/);
    await refused(withAccount('FIAT_US', c, { asset_type_id: 'FIAT_TESTNET_JPY' }), [info('asset_type_id')]);
  });
  it('wallet_information.asset_type_id must be a CRYPTO asset', async () => {
    await refused(withAccount('CRYPTO', c, { asset_type_id: 'FIAT_TESTNET_USD' }), [wallet('asset_type_id')]);
  });
});

describe('ABA routing numbers and US account numbers', () => {
  it('refuses a wrong checksum and a wrong length', async () => {
    const d = await refused(withAccount('FIAT_US', c, { routing_number: '021000022' }), [info('routing_number')]);
    expect(d[0]).toBe('account_information.routing_number is not a valid ABA routing number (9 digits with a valid 3-7-1 checksum).');
    await refused(withAccount('FIAT_US', c, { routing_number: '02100002' }), [info('routing_number')]);
  });
  it('refuses account numbers outside the type’s format, without echoing them', async () => {
    const d = await refused(withAccount('FIAT_US', c, { account_number: '12AB' }), [info('account_number')], '12AB');
    expect(d[0]).toBe('account_information.account_number is not a valid account number for FIAT_US (4 to 17 digits).');
    await refused(withAccount('FIAT_IN', c, { account_number: '12345' }), [info('account_number')]);
    await refused(withAccount('FIAT_CA', c, { account_number: '123' }), [info('account_number')]);
    await refused(withAccount('FIAT_ACCNO', c, { account_number: 'AB-1234' }), [info('account_number')]);
  });
});

describe('IBAN', () => {
  it('refuses a wrong mod-97 or length, without echoing the IBAN', async () => {
    const bad = 'DE89370400440532013001';
    const d = await refused(withAccount('FIAT_EU', c, { iban: bad }), [info('iban')], bad);
    expect(d[0]).toBe('account_information.iban is not a valid IBAN (country length and mod-97 check digits, no spaces).');
    await refused(withAccount('FIAT_EU', c, { iban: 'DE8937040044053201300' }), [info('iban')], 'DE8937040044053201300');
    await refused(withAccount('FIAT_EU', c, { iban: 'DE89 3704 0044 0532 0130 00' }), [info('iban')]);
  });
  it('takes only the IBANs of the type’s countries (FIAT_EU: SEPA; FIAT_GB: GB; FIAT_AE: AE)', async () => {
    const d = await refused(withAccount('FIAT_EU', c, { iban: 'AE070331234567890123456' }), [info('iban')]);
    expect(d[0]).toMatch(/SEPA country/);
    await refused(withAccount('FIAT_GB', c, { iban: 'DE89370400440532013000' }), [info('iban')]);
    await refused(withAccount('FIAT_AE', c, { iban: 'GB82WEST12345698765432' }), [info('iban')]);
    expect((await accepted(withAccount('FIAT_IBAN', c, { iban: 'AE070331234567890123456' }))).status).toBe('ACTIVE');
  });
  it('a GB IBAN must agree with the sort code and account number given beside it', async () => {
    const d1 = await refused(withAccount('FIAT_GB', c, { sort_code: '65-43-21' }), [info('iban')]);
    expect(d1[0]).toMatch(/does not match sort_code/);
    const d2 = await refused(withAccount('FIAT_GB', c, { account_number: '12345678' }), [info('iban')], '12345678');
    expect(d2[0]).toMatch(/does not match account_number/);
  });
});

describe('BIC', () => {
  it.each(['DEUTDEF', 'COBAZZFF', 'cobadeff', 'COBADEFF1'])('refuses %j', async (bic) => {
    const d = await refused(withAccount('FIAT_EU', c, { swift_bic: bic }), [info('swift_bic')]);
    expect(d[0]).toMatch(/^account_information.swift_bic is not a valid BIC/);
  });
});

describe('UK: sort code, FPS and CHAPS', () => {
  it('refuses a malformed sort code', async () => {
    await refused(withAccount('FIAT_GB', c, { sort_code: '12-3456' }), [info('sort_code')]);
  });
  it('FPS and CHAPS need a sort code and an 8-digit account number', async () => {
    const noSort = { sort_code: undefined, iban: undefined };
    const d1 = await refused(withAccount('FIAT_GB', c, noSort, { supported_rails: ['FPS'] }), [info('sort_code')]);
    expect(d1[0]).toBe('account_information.sort_code is required for FPS.');
    const d2 = await refused(withAccount('FIAT_GB', c, noSort, { supported_rails: ['CHAPS'] }), [info('sort_code')]);
    expect(d2[0]).toBe('account_information.sort_code is required for CHAPS.');
    const d3 = await refused(withAccount('FIAT_GB', c, { iban: undefined, account_number: '1234567' }, { supported_rails: ['FPS'] }), [
      info('account_number'),
    ]);
    expect(d3[0]).toMatch(/8-digit account number, as FPS requires/);
  });
  it('SWIFT alone needs neither', async () => {
    const ok = await accepted(
      withAccount('FIAT_GB', c, { sort_code: undefined, iban: undefined, account_number: '1234567890' }, { supported_rails: ['SWIFT'] }),
    );
    expect(ok.account_information.account_number).toBe('******7890');
  });
});

describe('India: IFSC', () => {
  it('refuses a malformed IFSC', async () => {
    await refused(withAccount('FIAT_IN', c, { ifsc: 'HDFC1000001' }), [info('ifsc')]);
  });
  it('IMPS, NFT (NEFT) and UP (UPI) need an IFSC; SWIFT alone does not', async () => {
    for (const rail of ['IMPS', 'NFT', 'UP']) {
      const d = await refused(withAccount('FIAT_IN', c, { ifsc: undefined }, { supported_rails: [rail] }), [info('ifsc')]);
      expect(d[0]).toBe(`account_information.ifsc is required for ${rail}.`);
    }
    const d = await refused(withAccount('FIAT_IN', c, { ifsc: undefined }, { supported_rails: ['UPI'] }), [info('ifsc')]);
    expect(d[0]).toBe('account_information.ifsc is required for UP.');
    await accepted(withAccount('FIAT_IN', c, { ifsc: undefined }, { supported_rails: ['SWIFT'] }));
  });
});

describe('Mexico: CLABE', () => {
  it('refuses a wrong check digit without echoing the CLABE, and requires one', async () => {
    const d = await refused(withAccount('FIAT_MX', c, { clabe: '032180000118359718' }), [info('clabe')], '032180000118359718');
    expect(d[0]).toBe('account_information.clabe is not a valid CLABE (18 digits with a valid check digit).');
    await refused(withAccount('FIAT_MX', c, { clabe: undefined }), [info('clabe')]);
  });
});

describe('Canada: institution and transit numbers', () => {
  it('refuses malformed numbers', async () => {
    await refused(withAccount('FIAT_CA', c, { institution_number: '03' }), [info('institution_number')]);
    await refused(withAccount('FIAT_CA', c, { transit_number: '1234' }), [info('transit_number')]);
  });
  it('EFT needs a transit and an account number; SWIFT an account number', async () => {
    const d = await refused(withAccount('FIAT_CA', c, { transit_number: undefined }, { supported_rails: ['EFT'] }), [
      info('transit_number'),
    ]);
    expect(d[0]).toBe('account_information.transit_number is required for EFT.');
    const d2 = await refused(
      withAccount('FIAT_CA', c, { account_number: undefined, transit_number: undefined }, { supported_rails: ['SWIFT'] }),
      [info('account_number')],
    );
    expect(d2[0]).toBe('account_information.account_number is required for SWIFT.');
  });
});

describe('rails: FEDWIRE and SWIFT', () => {
  it('FEDWIRE needs institution_address; ACH alone does not', async () => {
    const d = await refused(withAccount('FIAT_US', c, { institution_address: undefined }, { supported_rails: ['ACH', 'FEDWIRE'] }), [
      info('institution_address'),
    ]);
    expect(d[0]).toBe('account_information.institution_address is required for FEDWIRE.');
    await accepted(
      withAccount(
        'FIAT_US',
        c,
        { institution_address: undefined, institution_name: undefined, swift_bic: undefined },
        { supported_rails: ['ACH'] },
      ),
    );
  });
  it('SWIFT needs swift_bic, whatever the type', async () => {
    for (const type of ['FIAT_US', 'FIAT_HK', 'FIAT_IBAN', 'FIAT_ACCNO', 'FIAT_MX', 'FIAT_AE', 'FIAT_BS']) {
      const d = await refused(withAccount(type, c, { swift_bic: undefined }, { supported_rails: ['SWIFT'] }), [info('swift_bic')]);
      expect(d[0]).toBe('account_information.swift_bic is required for SWIFT.');
    }
  });
  it('SEPA_CT needs an IBAN and a BIC (FIAT_EU requires both anyway)', async () => {
    await refused(withAccount('FIAT_EU', c, { iban: undefined, swift_bic: undefined }), [info('iban'), info('swift_bic')]);
  });
});

describe('profile', () => {
  it.each(['FIAT_EU', 'FIAT_IN'])('%s needs line_of_business and relationship_to_customer', async (type) => {
    const d = await refused(bodyFor(type, c, { profile: PROFILE }), ['profile.line_of_business', 'profile.relationship_to_customer']);
    expect(d).toEqual([
      `profile.line_of_business is required for ${type} counterparties.`,
      `profile.relationship_to_customer is required for ${type} counterparties.`,
    ]);
  });
  it('address.country_code is required and must be ISO 3166; enums are checked', async () => {
    const { country_code: _cc, ...noCountry } = PROFILE.address;
    await refused(bodyFor('FIAT_US', c, { profile: { ...PROFILE, address: noCountry } }), ['profile.address.country_code']);
    await refused(bodyFor('FIAT_US', c, { profile: { ...PROFILE, address: { ...PROFILE.address, country_code: 'XX' } } }), [
      'profile.address.country_code',
    ]);
    await refused(bodyFor('FIAT_EU', c, { profile: { ...BUSINESS_PROFILE, relationship_to_customer: 'COUSIN' } }), [
      'profile.relationship_to_customer',
    ]);
    await refused(bodyFor('FIAT_US', c, { profile: { ...PROFILE, profile_type: 'TRUST' } }), ['profile.profile_type']);
  });
});

describe('intermediary_information', () => {
  const us = (inter: Body, rails = ['ACH', 'FEDWIRE', 'SWIFT']) =>
    bodyFor('FIAT_US', c, { supported_rails: rails, intermediary_information: inter });
  it('is accepted and stored without SWIFT in supported_rails (both documents allow it; unused until SWIFT); refused on CRYPTO', async () => {
    const inter = { intermediary_type: 'FIAT_US', institution_name: 'Citi', swift_bic: 'CITIUS33' };
    const created = await accepted(us(inter, ['ACH']));
    expect(created.supported_rails).toEqual(['ACH']);
    expect(created.intermediary_information).toEqual({ ...inter, asset_type_id: 'FIAT_TESTNET_USD' });
    // Its fields are still checked.
    await refused(us({ intermediary_type: 'FIAT_US', institution_name: 'Citi' }, ['ACH']), ['intermediary_information.swift_bic']);
    await refused(bodyFor('CRYPTO', c, { intermediary_information: { intermediary_type: 'FIAT_US', institution_name: 'X' } }), [
      'intermediary_information',
    ]);
  });
  it('FIAT_US needs swift_bic or routing_number; FIAT_CA needs swift_bic and takes no routing number', async () => {
    await refused(us({ intermediary_type: 'FIAT_US', institution_name: 'Citi' }), ['intermediary_information.swift_bic']);
    await refused(us({ intermediary_type: 'FIAT_CA', institution_name: 'RBC' }), ['intermediary_information.swift_bic']);
    await refused(us({ intermediary_type: 'FIAT_CA', institution_name: 'RBC', swift_bic: 'ROYCCAT2', routing_number: '021000021' }), [
      'intermediary_information.routing_number',
    ]);
    await accepted(us({ intermediary_type: 'FIAT_US', institution_name: 'Citi', swift_bic: 'CITIUS33' }));
  });
  it('checks its BIC and routing number, and requires institution_name and a known intermediary_type', async () => {
    await refused(us({ intermediary_type: 'FIAT_US', institution_name: 'Citi', swift_bic: 'CITI' }), [
      'intermediary_information.swift_bic',
    ]);
    await refused(us({ intermediary_type: 'FIAT_US', institution_name: 'Citi', routing_number: '123456789' }), [
      'intermediary_information.routing_number',
    ]);
    await refused(us({ intermediary_type: 'FIAT_US', swift_bic: 'CITIUS33' }), ['intermediary_information.institution_name']);
    await refused(us({ intermediary_type: 'FIAT_EU', institution_name: 'X', swift_bic: 'CITIUS33' }), [
      'intermediary_information.intermediary_type',
    ]);
  });
});

describe('crypto wallets', () => {
  const cw = (asset: string, address: string, extra: Body = {}) =>
    withAccount('CRYPTO', c, { asset_type_id: asset, blockchain_address: address, ...extra });
  it('Ethereum: EIP-55 mixed case must match its checksum; all-lower and all-upper carry none and pass', async () => {
    const broken = `0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed`;
    const d = await refused(cw('ETHEREUM_SEPOLIA_ETH', broken), [wallet('blockchain_address')]);
    expect(d[0]).toMatch(/EIP-55/);
    await refused(cw('ETHEREUM_SEPOLIA_USDC', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe'), [wallet('blockchain_address')]);
    await accepted(cw('ETHEREUM_SEPOLIA_ETH', ETH_ADDRESS.toLowerCase()));
    await accepted(cw('ETHEREUM_SEPOLIA_USDC', `0x${ETH_ADDRESS.slice(2).toUpperCase()}`));
  });
  it('Bitcoin: the network decides (bc1 on mainnet, tb1 on testnet); base58check accepted; bad checksums refused', async () => {
    const d = await refused(cw('BITCOIN_TESTNET_BTC', BTC_MAINNET), [wallet('blockchain_address')]);
    expect(d[0]).toMatch(/Bitcoin testnet/);
    await refused(cw('BITCOIN_MAINNET_BTC', BTC_TESTNET), [wallet('blockchain_address')]);
    await refused(cw('BITCOIN_TESTNET_BTC', `${BTC_TESTNET.slice(0, -1)}y`), [wallet('blockchain_address')]);
    await accepted(cw('BITCOIN_TESTNET_BTC', BTC_TESTNET));
    await accepted(cw('BITCOIN_TESTNET_BTC', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn'));
    await accepted(cw('BITCOIN_MAINNET_BTC', BTC_MAINNET));
    await accepted(cw('BITCOIN_MAINNET_BTC', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'));
    await refused(cw('BITCOIN_TESTNET_BTC', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'), [wallet('blockchain_address')]);
  });
  it('Solana: base58 of exactly 32 bytes', async () => {
    await accepted(cw('SOLANA_DEVNET_SOL', SOL_ADDRESS));
    await refused(cw('SOLANA_DEVNET_SOL', '1111111111111111111111111111111'), [wallet('blockchain_address')]);
    await refused(cw('SOLANA_DEVNET_SOL', ETH_ADDRESS), [wallet('blockchain_address')]);
  });
  it('an INSTITUTION wallet needs institution_name; wallet_type is an enum', async () => {
    await refused(cw('ETHEREUM_SEPOLIA_ETH', ETH_ADDRESS, { wallet_type: 'INSTITUTION' }), [wallet('institution_name')]);
    await accepted(cw('ETHEREUM_SEPOLIA_ETH', ETH_ADDRESS, { wallet_type: 'INSTITUTION', institution_name: 'Anchorage Digital' }));
    await refused(cw('ETHEREUM_SEPOLIA_ETH', ETH_ADDRESS, { wallet_type: 'HOT' }), [wallet('wallet_type')]);
  });
});

describe('several problems', () => {
  it('are all reported, one entry each, in field order', async () => {
    const body = withAccount('FIAT_US', c, { routing_number: '021000022', swift_bic: 'NOPE', institution_address: undefined });
    body.intermediary_information = { intermediary_type: 'FIAT_CA', institution_name: 'RBC' };
    await refused(body, [info('routing_number'), info('swift_bic'), info('institution_address'), 'intermediary_information.swift_bic']);
  });
});
