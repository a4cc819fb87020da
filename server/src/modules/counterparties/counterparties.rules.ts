/**
 * The rules a counterparty must satisfy beyond its JSON structure (docs/counterparties.md):
 * assets by kind, bank codes (ABA, IBAN, BIC, sort code, IFSC, CLABE), account number formats per
 * type, fields each rail needs, profile fields per type, intermediary rules, wallet addresses per
 * chain. Every problem is one entry naming its field; no entry ever contains the value checked.
 */
import { isBitcoinAddress, isEthereumAddress, isSolanaAddress } from '../../shared/addresses.js';
import {
  ibanCountry,
  isAbaRoutingNumber,
  isBic,
  isClabe,
  isIban,
  isIfsc,
  isSortCode,
  maskAccountNumber,
  sortCodeDigits,
} from '../../shared/bank-codes.js';
import type { ErrorEntry } from '../../shared/errors.js';
import { assetOf } from '../catalogue/index.js';
import { type CounterpartyType, RAIL_ALIASES, RAILS } from './counterparties.schemas.js';

type Json = Record<string, any>;

/** Countries whose IBANs SEPA credit transfers reach (EU/EEA, CH, GB, and the SEPA microstates). */
const SEPA_IBAN_COUNTRIES = new Set(
  'AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA'.split(' '),
);

/** Which IBANs each type takes (where it takes one). */
const IBAN_COUNTRY_RULE: Partial<Record<CounterpartyType, { accepts: (country: string) => boolean; what: string }>> = {
  FIAT_EU: { accepts: (c) => SEPA_IBAN_COUNTRIES.has(c), what: 'an IBAN of a SEPA country' },
  FIAT_GB: { accepts: (c) => c === 'GB', what: 'a GB IBAN' },
  FIAT_AE: { accepts: (c) => c === 'AE', what: 'an AE IBAN' },
  FIAT_IBAN: { accepts: () => true, what: 'an IBAN' },
};

/** Account number formats per type (other types: 1-34 letters or digits). */
const ACCOUNT_NUMBER: Partial<Record<CounterpartyType, { pattern: RegExp; what: string }>> = {
  FIAT_US: { pattern: /^\d{4,17}$/, what: '4 to 17 digits' },
  FIAT_CA: { pattern: /^\d{7,12}$/, what: '7 to 12 digits' },
  FIAT_GB: { pattern: /^\d{6,10}$/, what: '6 to 10 digits' },
  FIAT_IN: { pattern: /^\d{9,18}$/, what: '9 to 18 digits' },
};
const GENERIC_ACCOUNT_NUMBER = { pattern: /^[A-Za-z0-9]{1,34}$/, what: '1 to 34 letters or digits' };

/** Fields a rail needs in account_information, beyond those the type always requires. */
const RAIL_NEEDS: Readonly<Record<string, readonly string[]>> = {
  FEDWIRE: ['institution_address'],
  SWIFT: ['swift_bic'],
  SEPA_CT: ['iban', 'swift_bic'],
  FPS: ['sort_code', 'account_number'],
  CHAPS: ['sort_code', 'account_number'],
  EFT: ['transit_number', 'account_number'],
  IMPS: ['ifsc'],
  NFT: ['ifsc'],
  UP: ['ifsc'],
  SPEI: ['clabe'],
  UAEFTS: ['iban'],
};

/** SWIFT also needs something that identifies the account at the beneficiary bank. */
const SWIFT_ACCOUNT_IDENTIFIERS = ['account_number', 'iban', 'clabe'];

/** Types whose profile must carry line_of_business and relationship_to_customer (LAYER2_API.md §2.7). */
const PROFILE_NEEDS_BUSINESS = new Set<CounterpartyType>(['FIAT_EU', 'FIAT_IN']);

/** Stored and answered in Layer2's spelling; duplicates after aliasing are dropped. */
export function normalizeRails(rails: readonly string[]): string[] {
  return [...new Set(rails.map((r) => RAIL_ALIASES[r] ?? r))];
}

export const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** A field counts as given when it is a non-empty string or an object (an address). */
const given = (v: unknown): boolean => isString(v) || (typeof v === 'object' && v !== null);

function entry(field: string, description: string): ErrorEntry {
  return { code: 'VALIDATION_ERROR', description, field };
}

function checkFiatAccount(type: CounterpartyType, info: Json, rails: readonly string[], out: ErrorEntry[]): void {
  const at = (f: string) => `account_information.${f}`;
  const asset = isString(info.asset_type_id) ? assetOf(info.asset_type_id) : undefined;
  if (asset?.kind !== 'FIAT') {
    out.push(entry(at('asset_type_id'), `${at('asset_type_id')} must be a FIAT asset of the catalogue (e.g. FIAT_MAINNET_USD).`));
  }
  if (type === 'FIAT_US_LINKED') return;

  const bad = (f: string, what: string) => out.push(entry(at(f), `${at(f)} is not ${what}.`));
  if (isString(info.account_number)) {
    const rule = ACCOUNT_NUMBER[type] ?? GENERIC_ACCOUNT_NUMBER;
    if (!rule.pattern.test(info.account_number)) bad('account_number', `a valid account number for ${type} (${rule.what})`);
  }
  if (isString(info.routing_number) && !isAbaRoutingNumber(info.routing_number)) {
    bad('routing_number', 'a valid ABA routing number (9 digits with a valid 3-7-1 checksum)');
  }
  if (isString(info.swift_bic) && !isBic(info.swift_bic)) {
    bad('swift_bic', 'a valid BIC (ISO 9362: 4 letters, a country, 2 letters or digits, optionally a 3-character branch)');
  }
  if (isString(info.iban)) {
    const rule = IBAN_COUNTRY_RULE[type] ?? { accepts: () => true, what: 'an IBAN' };
    if (!isIban(info.iban)) bad('iban', 'a valid IBAN (country length and mod-97 check digits, no spaces)');
    else if (!rule.accepts(ibanCountry(info.iban))) bad('iban', `${rule.what}, as ${type} requires`);
  }
  if (isString(info.sort_code) && !isSortCode(info.sort_code)) bad('sort_code', 'a valid sort code (6 digits, e.g. 12-34-56)');
  if (isString(info.ifsc) && !isIfsc(info.ifsc)) bad('ifsc', 'a valid IFSC (4 letters, 0, 6 letters or digits)');
  if (isString(info.clabe) && !isClabe(info.clabe)) bad('clabe', 'a valid CLABE (18 digits with a valid check digit)');
  if (isString(info.institution_number) && !/^\d{3}$/.test(info.institution_number)) {
    bad('institution_number', 'a valid institution number (3 digits)');
  }
  if (isString(info.transit_number) && !/^\d{5}$/.test(info.transit_number)) bad('transit_number', 'a valid transit number (5 digits)');

  // What each rail needs (one entry per missing field, naming the first rail that needs it).
  const missing = new Map<string, string>();
  for (const rail of rails) {
    for (const f of RAIL_NEEDS[rail] ?? []) if (!given(info[f]) && !missing.has(f)) missing.set(f, rail);
  }
  if (rails.includes('SWIFT') && !SWIFT_ACCOUNT_IDENTIFIERS.some((f) => isString(info[f])) && !missing.has('account_number')) {
    missing.set('account_number', 'SWIFT');
  }
  for (const [f, rail] of missing) out.push(entry(at(f), `${at(f)} is required for ${rail}.`));

  // FPS and CHAPS route on sort code + an 8-digit account number.
  const domesticGb = rails.find((r) => r === 'FPS' || r === 'CHAPS');
  if (
    domesticGb &&
    isString(info.account_number) &&
    !/^\d{8}$/.test(info.account_number) &&
    !out.some((e) => e.field === at('account_number'))
  ) {
    bad('account_number', `an 8-digit account number, as ${domesticGb} requires`);
  }
  // A GB IBAN embeds the sort code and account number: they must agree.
  if (type === 'FIAT_GB' && isString(info.iban) && isIban(info.iban) && ibanCountry(info.iban) === 'GB') {
    const sortOk = !isString(info.sort_code) || !isSortCode(info.sort_code) || sortCodeDigits(info.sort_code) === info.iban.slice(8, 14);
    const accountOk = !isString(info.account_number) || info.account_number === info.iban.slice(14);
    if (!sortOk || !accountOk) {
      out.push(entry(at('iban'), `${at('iban')} does not match ${!sortOk ? 'sort_code' : 'account_number'} (a GB IBAN contains both).`));
    }
  }
}

function checkIntermediary(inter: Json | undefined, out: ErrorEntry[]): void {
  if (inter === undefined) return;
  const f = 'intermediary_information';
  // A correspondent bank relays SWIFT payments only, but both Layer2 documents allow the object on
  // any fiat counterparty: without SWIFT in supported_rails it is stored, checked as below, and
  // simply unused (harmless) until SWIFT is added.
  if (isString(inter.swift_bic) && !isBic(inter.swift_bic)) out.push(entry(`${f}.swift_bic`, `${f}.swift_bic is not a valid BIC.`));
  if (inter.intermediary_type === 'FIAT_US') {
    if (isString(inter.routing_number) && !isAbaRoutingNumber(inter.routing_number)) {
      out.push(entry(`${f}.routing_number`, `${f}.routing_number is not a valid ABA routing number.`));
    }
    if (!isString(inter.swift_bic) && !isString(inter.routing_number)) {
      out.push(entry(`${f}.swift_bic`, `A FIAT_US intermediary needs swift_bic or routing_number.`));
    }
  } else {
    if (!isString(inter.swift_bic))
      out.push(entry(`${f}.swift_bic`, `${f}.swift_bic is required for a ${inter.intermediary_type} intermediary.`));
    if (inter.routing_number !== undefined) {
      out.push(entry(`${f}.routing_number`, `${f}.routing_number applies to FIAT_US intermediaries only.`));
    }
  }
}

function checkWallet(wallet: Json, out: ErrorEntry[]): void {
  const at = (f: string) => `wallet_information.${f}`;
  const asset = isString(wallet.asset_type_id) ? assetOf(wallet.asset_type_id) : undefined;
  if (asset?.kind !== 'CRYPTO') {
    out.push(entry(at('asset_type_id'), `${at('asset_type_id')} must be a CRYPTO asset of the catalogue (e.g. ETHEREUM_SEPOLIA_ETH).`));
  } else if (isString(wallet.blockchain_address)) {
    const address = wallet.blockchain_address;
    const ok =
      asset.blockchain === 'ETHEREUM'
        ? isEthereumAddress(address)
        : asset.blockchain === 'BITCOIN'
          ? isBitcoinAddress(address, asset.network === 'MAINNET' ? 'MAINNET' : 'TESTNET')
          : isSolanaAddress(address);
    if (!ok) {
      const what =
        asset.blockchain === 'ETHEREUM'
          ? 'an Ethereum address (0x + 40 hex digits; mixed case must match its EIP-55 checksum)'
          : asset.blockchain === 'BITCOIN'
            ? `a Bitcoin ${asset.network === 'MAINNET' ? 'mainnet (bc1…, 1…, 3…)' : 'testnet (tb1…, m…, n…, 2…)'} address`
            : 'a Solana address (base58 of 32 bytes)';
      out.push(entry(at('blockchain_address'), `${at('blockchain_address')} is not ${what}, as ${asset.asset_type_id} requires.`));
    }
  }
  if (wallet.wallet_type === 'INSTITUTION' && !isString(wallet.institution_name)) {
    out.push(entry(at('institution_name'), `${at('institution_name')} is required when wallet_type is INSTITUTION.`));
  }
}

/**
 * Every rule a counterparty of this type breaks, in field order. `details` has passed the JSON
 * schema of its type and its rails are normalised.
 */
export function checkCounterparty(type: CounterpartyType, details: Json): ErrorEntry[] {
  const out: ErrorEntry[] = [];
  const rails = (details.supported_rails ?? []) as string[];
  const allowed = RAILS[type];
  for (const r of rails) {
    if (!allowed.includes(r)) out.push(entry('supported_rails', `${type} supports ${allowed.join(', ')}; not ${r}.`));
  }
  const profile = (details.profile ?? {}) as Json;
  if (PROFILE_NEEDS_BUSINESS.has(type)) {
    for (const f of ['line_of_business', 'relationship_to_customer']) {
      if (!isString(profile[f])) out.push(entry(`profile.${f}`, `profile.${f} is required for ${type} counterparties.`));
    }
  }
  if (type === 'CRYPTO') checkWallet((details.wallet_information ?? {}) as Json, out);
  else {
    checkFiatAccount(type, (details.account_information ?? {}) as Json, rails, out);
    checkIntermediary(details.intermediary_information as Json | undefined, out);
  }
  return out;
}

// ---- masking -----------------------------------------------------------------------------------

/** account_information fields that identify an account: stored in full, never shown in full. */
export const MASKED_FIELDS = ['account_number', 'iban', 'clabe'] as const;
const MASKED_PATHS = new Set(MASKED_FIELDS.map((f) => `account_information.${f}`));

/** A change of one of those fields, as history records and answers it. */
export function maskChange<T extends { field: string; before: unknown; after: unknown }>(c: T): T {
  if (!MASKED_PATHS.has(c.field)) return c;
  const m = (v: unknown) => (typeof v === 'string' ? maskAccountNumber(v) : v);
  return { ...c, before: m(c.before), after: m(c.after) };
}

/** account_information as answered: identifying numbers masked. */
export function maskAccountInformation(info: Json): Json {
  const out: Json = { ...info };
  for (const f of MASKED_FIELDS) if (typeof out[f] === 'string') out[f] = maskAccountNumber(out[f]);
  return out;
}
