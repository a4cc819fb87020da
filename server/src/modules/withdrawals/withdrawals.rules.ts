import { AppError, type ErrorEntry } from '../../shared/errors.js';
import type { Asset } from '../catalogue/index.js';
import { MEMO_LIMITS } from '../deposits/index.js';

/**
 * The rules a withdrawal must satisfy before it is even requested (LAYER2_API.md §2.9):
 * the rail is one of the counterparty's and fits the asset, the memo fits the rail, the purpose is
 * known and PERSONAL_ACCOUNT goes only to the customer's own account (relationship SELF).
 */
export const RAILS = ['ACH', 'FEDWIRE', 'SEPA_CT', 'SWIFT', 'CRYPTO', 'EFT', 'CHAPS', 'FPS', 'IMPS', 'SPEI', 'UAEFTS'] as const;
export const PURPOSES = [
  'PERSONAL_ACCOUNT',
  'FAMILY',
  'INSURANCE',
  'INVESTMENT',
  'REAL_ESTATE',
  'TUITION',
  'MEDICAL',
  'TRAVEL',
  'TRADE_TRANSACTIONS',
  'UTILITY',
  'TAX',
  'LOAN',
  'BILLS',
  'PAYROLL',
  'TELECOM',
  'INTELLECTUAL_PROPERTY',
  'CHARITABLE_DONATIONS',
  'MORTGAGE',
  'EXPENSES_REIMBURSEMENT',
  'PROFESSIONAL_SERVICES',
  'MARKETING',
  'RENTAL_PROPERTY',
  'OTHER_BUSINESS_SERVICES',
  'OTHER',
] as const;

/** How long a rail takes once funds are sent (sandbox): minutes, so a demo sees them settle. */
export const RAIL_SETTLE_SECONDS: Record<string, number> = {
  ACH: 600,
  FEDWIRE: 120,
  SWIFT: 1800,
  SEPA_CT: 300,
  FPS: 60,
  CHAPS: 120,
  IMPS: 60,
  SPEI: 60,
  UAEFTS: 300,
  EFT: 600,
  CRYPTO: 60,
};
/** Between accept and sending to the rail: the window in which an authorized withdrawal can be cancelled. */
export const SEND_DELAY_SECONDS = 60;
/** An unaccepted withdrawal expires after this. */
export const VALIDITY_SECONDS = 900;

export interface CounterpartyFacts {
  supportedRails: string[];
  assetTypeId: string;
  relationshipToCustomer: string | null;
}

export function checkWithdrawal(
  input: { withdrawal_rail: string; purpose: string; memo?: string | undefined },
  asset: Asset,
  counterparty: CounterpartyFacts,
  counterpartyAsset: Asset | undefined,
): void {
  const errors: ErrorEntry[] = [];
  const rail = input.withdrawal_rail;
  if (!counterparty.supportedRails.includes(rail)) {
    errors.push({
      code: 'VALIDATION_ERROR',
      field: 'withdrawal_rail',
      description: `The counterparty does not take ${rail} (it takes ${counterparty.supportedRails.join(', ')}).`,
    });
  }
  // Local counterparty types can also receive SWIFT from a USD account (LAYER2_API.md §2.7).
  const railFits = (asset.rails as string[]).includes(rail) || (rail === 'SWIFT' && asset.kind === 'FIAT');
  if (!railFits)
    errors.push({ code: 'VALIDATION_ERROR', field: 'withdrawal_rail', description: `${asset.asset_type_id} does not travel on ${rail}.` });
  const sameMoney =
    counterpartyAsset !== undefined &&
    (asset.kind === 'CRYPTO'
      ? counterpartyAsset.asset_type_id === asset.asset_type_id
      : counterpartyAsset.currency === asset.currency && counterpartyAsset.kind === 'FIAT');
  if (!sameMoney) {
    errors.push({
      code: 'ASSET_MISMATCH',
      field: 'destination_counterparty_id',
      description: `The counterparty receives ${counterparty.assetTypeId}; the account holds ${asset.asset_type_id}.`,
    });
  }
  const limit = MEMO_LIMITS[rail as keyof typeof MEMO_LIMITS];
  if (input.memo !== undefined && limit !== undefined && input.memo.length > limit) {
    errors.push({ code: 'VALIDATION_ERROR', field: 'memo', description: `A ${rail} memo holds at most ${limit} characters.` });
  }
  if (input.purpose === 'PERSONAL_ACCOUNT' && counterparty.relationshipToCustomer !== 'SELF') {
    errors.push({
      code: 'VALIDATION_ERROR',
      field: 'purpose',
      description: 'PERSONAL_ACCOUNT is for a counterparty whose relationship_to_customer is SELF.',
    });
  }
  if (errors.length) throw AppError.many(errors);
}
