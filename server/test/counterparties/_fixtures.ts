/** Helpers shared by the counterparties tests (test/helpers.ts stays untouched). */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { events } from '../../src/db/schema.js';
import { createCustomer } from '../customers/_fixtures.js';
import { type Api, individualBody, type Tenant } from '../helpers.js';

export { errs, expectError, historyFacts, historyOf, ISO, insertCustomer } from '../customers/_fixtures.js';

export const CP = '/v1/counterparties';

const BANK_ADDRESS = { address_line1: '383 Madison Ave', city: 'New York', state: 'NY', postal_code: '10179', country_code: 'US' };
const inst = (name: string, country_code: string) => ({
  institution_name: name,
  institution_address: { address_line1: '1 Bank Street', city: 'Capital', country_code },
});

export const PROFILE = {
  profile_type: 'INDIVIDUAL',
  name: 'Grace Hopper',
  email: 'grace@example.com',
  address: { address_line1: '1 Main St', city: 'Arlington', state: 'VA', postal_code: '22201', country_code: 'US' },
};
export const BUSINESS_PROFILE = { ...PROFILE, line_of_business: 'MANUFACTURING', relationship_to_customer: 'SUPPLIER' };

/** Valid test data for every type (real check digits; fictitious accounts). */
export const ETH_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
export const BTC_TESTNET = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx';
export const BTC_MAINNET = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
export const SOL_ADDRESS = 'So11111111111111111111111111111111111111112';

type Body = Record<string, any>;
const swiftOnly = (bic: string, country: string, account = '6222020200012345678'): Body => ({
  supported_rails: ['SWIFT'],
  profile: PROFILE,
  account_information: { asset_type_id: 'FIAT_TESTNET_USD', account_number: account, swift_bic: bic, ...inst('Bank', country) },
});

export const TYPE_BODIES: Record<string, Body> = {
  FIAT_US: {
    supported_rails: ['ACH', 'FEDWIRE', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_USD',
      account_number: '123456789',
      routing_number: '021000021',
      type: 'CHECKING',
      swift_bic: 'CHASUS33',
      institution_name: 'JPMorgan Chase Bank',
      institution_address: BANK_ADDRESS,
    },
  },
  FIAT_US_LINKED: { supported_rails: ['ACH'], profile: PROFILE, account_information: { asset_type_id: 'FIAT_TESTNET_USD' } },
  FIAT_CA: {
    supported_rails: ['EFT', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_USD',
      institution_number: '003',
      transit_number: '00012',
      account_number: '1234567',
      swift_bic: 'ROYCCAT2',
      ...inst('Royal Bank of Canada', 'CA'),
    },
  },
  FIAT_EU: {
    supported_rails: ['SEPA_CT', 'SWIFT'],
    profile: BUSINESS_PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_EUR',
      iban: 'DE89370400440532013000',
      swift_bic: 'COBADEFFXXX',
      ...inst('Commerzbank', 'DE'),
    },
  },
  FIAT_GB: {
    supported_rails: ['FPS', 'CHAPS', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_GBP',
      account_number: '98765432',
      sort_code: '12-34-56',
      iban: 'GB82WEST12345698765432',
      swift_bic: 'NWBKGB2L',
      ...inst('Westminster Bank', 'GB'),
    },
  },
  FIAT_IN: {
    supported_rails: ['IMPS', 'NFT', 'SWIFT'],
    profile: BUSINESS_PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_INR',
      account_number: '123456789012',
      ifsc: 'HDFC0000001',
      swift_bic: 'HDFCINBB',
      ...inst('HDFC Bank', 'IN'),
    },
  },
  FIAT_MX: {
    supported_rails: ['SPEI', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_MXN',
      clabe: '032180000118359719',
      swift_bic: 'BNMXMXMM',
      ...inst('Banamex', 'MX'),
    },
  },
  FIAT_AE: {
    supported_rails: ['UAEFTS', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_AED',
      iban: 'AE070331234567890123456',
      swift_bic: 'EBILAEAD',
      ...inst('Emirates NBD', 'AE'),
    },
  },
  FIAT_BS: {
    supported_rails: ['ACH', 'SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_USD',
      account_number: '0012345678',
      type: 'SAVING',
      swift_bic: 'ROYCBSNS',
      ...inst('RBC Bahamas', 'BS'),
    },
  },
  FIAT_CN: swiftOnly('BKCHCNBJ', 'CN'),
  FIAT_HK: swiftOnly('HSBCHKHH', 'HK'),
  FIAT_SG: swiftOnly('DBSSSGSG', 'SG'),
  FIAT_JP: swiftOnly('BOTKJPJT', 'JP'),
  FIAT_MY: swiftOnly('MBBEMYKL', 'MY'),
  FIAT_PA: swiftOnly('BAGEPAPA', 'PA'),
  FIAT_IBAN: {
    supported_rails: ['SWIFT'],
    profile: PROFILE,
    account_information: {
      asset_type_id: 'FIAT_TESTNET_EUR',
      iban: 'FR1420041010050500013M02606',
      swift_bic: 'PSSTFRPP',
      ...inst('La Banque Postale', 'FR'),
    },
  },
  FIAT_ACCNO: swiftOnly('CITIUS33', 'US', 'AB123456789'),
  CRYPTO: {
    supported_rails: ['CRYPTO'],
    profile: PROFILE,
    wallet_information: { asset_type_id: 'ETHEREUM_SEPOLIA_ETH', blockchain_address: ETH_ADDRESS, wallet_type: 'OTHER' },
  },
};

/** A create body of `type` for `customerId`, with top-level overrides. */
export function bodyFor(type: string, customerId: string, overrides: Body = {}): Body {
  return { customer_id: customerId, counterparty_type: type, ...structuredClone(TYPE_BODIES[type]), ...overrides };
}

/** The same with account_information (or wallet_information) fields replaced or removed (undefined). */
export function withAccount(type: string, customerId: string, fields: Body, overrides: Body = {}): Body {
  const body = bodyFor(type, customerId, overrides);
  const key = type === 'CRYPTO' ? 'wallet_information' : 'account_information';
  body[key] = { ...body[key], ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete body[key][k];
  return body;
}

/** A tenant with one ACTIVE customer. */
export async function tenantWithCustomer(t: Tenant): Promise<string> {
  const c = await createCustomer(t.api, individualBody());
  return c.id as string;
}

export async function createCounterparty(api: Api, body: Body): Promise<Record<string, any>> {
  const res = await api.post(CP, body);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

export async function getCounterparty(api: Api, id: string): Promise<Record<string, any>> {
  const res = await api.get(`${CP}/${id}`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** The events written for one resource of one client, oldest first, as [event_type, event_data]. */
export async function eventsOf(app: FastifyInstance, clientId: string, resourceId: string) {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, resourceId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => [r.eventType, r.eventData] as [string, unknown]);
}

export const ids = (list: { id: string }[]) => list.map((x) => x.id);
