import { randomInt } from 'node:crypto';
import type { Asset, Rail } from '../catalogue/index.js';

/**
 * Push-deposit instructions (LAYER2_API.md §2.8): where a sender sends funds for an account, per
 * rail of the account's asset. Fiat goes to the platform's omnibus account on that rail and is
 * matched by the deposit's memo; crypto goes to the account's own address.
 * The sandbox omnibus details are fictitious but well-formed (valid ABA, IBAN, CLABE check digits).
 */
const HOLDER = 'Ledgerline Sandbox Omnibus';
const BANK = 'Ledgerline Sandbox Bank';
const BANK_ADDRESS = { address_line1: '1 Ledger Way', city: 'New York', state: 'NY', postal_code: '10004', country_code: 'US' };
const HOLDER_ADDRESS = { address_line1: '100 Omnibus Plaza', city: 'New York', state: 'NY', postal_code: '10004', country_code: 'US' };

/** Memo limits per rail (ACH 10, FEDWIRE 50; the others carry a reference of at least 18). */
export const MEMO_LIMITS: Partial<Record<Rail, number>> = { ACH: 10, FEDWIRE: 50, SWIFT: 35, SEPA_CT: 35, FPS: 18, CHAPS: 18 };

/** A 10-character memo (fits every rail): 'LL' + 8 of an alphabet without look-alikes. */
export function newMemo(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = 'LL';
  for (let i = 0; i < 8; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function fiatInstructions(asset: Asset, memo: string): Record<string, unknown>[] {
  const base = { asset_type_id: asset.asset_type_id, account_holder_name: HOLDER, description: `Quote ${memo} with every payment.` };
  const out: Record<string, unknown>[] = [];
  for (const rail of asset.rails) {
    switch (rail) {
      case 'ACH':
        out.push({ instruction_type: 'ACH', ...base, account_number: '9876543210', account_routing_number: '021000021', memo });
        break;
      case 'FEDWIRE':
        out.push({
          instruction_type: 'FEDWIRE',
          ...base,
          account_number: '9876543210',
          account_routing_number: '021000021',
          memo,
          account_holder_address: HOLDER_ADDRESS,
          institution_name: BANK,
          institution_address: BANK_ADDRESS,
        });
        break;
      case 'SWIFT':
        out.push({
          instruction_type: 'SWIFT',
          ...base,
          account_number: asset.currency === 'USD' ? '9876543210' : 'GB33BUKB20201555555555',
          account_routing_number: asset.currency === 'USD' ? '021000021' : null,
          swift_bic: 'LDGRUS33XXX',
          memo,
          account_holder_address: HOLDER_ADDRESS,
          institution_name: BANK,
          institution_address: BANK_ADDRESS,
        });
        break;
      case 'SEPA_CT':
        out.push({
          instruction_type: 'SEPA_CT',
          ...base,
          iban: 'DE89370400440532013000',
          bic: 'COBADEFFXXX',
          reference: memo,
          institution_name: BANK,
        });
        break;
      case 'FPS':
      case 'CHAPS':
        out.push({
          instruction_type: rail,
          ...base,
          sort_code: '200000',
          account_number: '55779911',
          iban: 'GB82WEST12345698765432',
          reference: memo,
        });
        break;
      case 'IMPS':
        out.push({ instruction_type: 'IMPS', ...base, account_number: '50100012345678', ifsc: 'HDFC0000001', reference: memo });
        break;
      case 'SPEI':
        out.push({ instruction_type: 'SPEI', ...base, clabe: '032180000118359719', reference: memo });
        break;
      case 'UAEFTS':
        out.push({ instruction_type: 'UAEFTS', ...base, iban: 'AE070331234567890123456', reference: memo });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The instructions a virtual account's details are (a deposit credited through them names them). */
export function virtualAccountInstructions(
  rail: string,
  asset: Asset,
  details: { account_number?: string | null; routing_number?: string | null; iban?: string | null; bic?: string | null },
): Record<string, unknown>[] {
  const base = { instruction_type: rail, asset_type_id: asset.asset_type_id, institution_name: BANK };
  return [
    details.iban
      ? { ...base, iban: details.iban, bic: details.bic }
      : { ...base, account_number: details.account_number, account_routing_number: details.routing_number },
  ];
}

export function cryptoInstructions(asset: Asset, address: string): Record<string, unknown>[] {
  return [
    { instruction_type: 'CRYPTO', address, blockchain: asset.blockchain, network: asset.network, asset_type_id: asset.asset_type_id },
  ];
}

/** A rail reference for simulated arrivals: an ACH trace number, a Fedwire IMAD, a tx hash… */
export function railReference(rail: string): string {
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  switch (rail) {
    case 'ACH':
      return digits(15);
    case 'FEDWIRE':
      return `20261121LDGR${digits(6)}`;
    case 'CRYPTO':
      return `0x${Array.from({ length: 64 }, () => '0123456789abcdef'[randomInt(16)]).join('')}`;
    default:
      return `${rail}${digits(12)}`;
  }
}
