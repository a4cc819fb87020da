/**
 * How a stored counterparty is answered (account numbers masked, keys in schema order), what other
 * modules get (CounterpartyRecord), and the columns derived from the details on every write.
 */
import { openPersonal } from '../../platform/vault/personal-data.js';
import { orderBySchema } from '../../shared/schema-order.js';
import type { Status } from '../../shared/status.js';
import type { CounterpartyRow, NewCounterpartyRow } from './counterparties.repository.js';
import { maskAccountInformation } from './counterparties.rules.js';
import { ACCOUNT_INFORMATION, type CounterpartyType, Intermediary, Profile, WalletInformation } from './counterparties.schemas.js';

type Json = Record<string, any>;

/** What other modules (withdrawals, deposits) know of a counterparty. */
export interface CounterpartyRecord {
  id: string;
  customerId: string;
  counterpartyType: CounterpartyType;
  status: Status;
  supportedRails: string[];
  /** The destination asset: account_information.asset_type_id or wallet_information.asset_type_id. */
  assetTypeId: string;
  relationshipToCustomer: string | null;
  /** FIAT_US_LINKED with an account connected through the linking provider (ACH pull possible). */
  linked: boolean;
  walletAddress: string | null;
  /** The stored object (full account numbers; never answer it as is). */
  details: Record<string, unknown>;
}

export function toRecord(row: CounterpartyRow): CounterpartyRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    counterpartyType: row.counterpartyType as CounterpartyType,
    status: row.status as Status,
    supportedRails: [...row.supportedRails],
    assetTypeId: row.assetTypeId,
    relationshipToCustomer: row.relationshipToCustomer,
    linked: row.linked,
    walletAddress: row.walletAddress,
    // Personal identifiers are not for other modules: masked (still encrypted in the row).
    details: openPersonal(undefined, row.details, '', { reveal: false }),
  };
}

/** FIAT_US_LINKED: what linking stores in account_information but the client neither sees nor edits. */
export const LINKED_HIDDEN = ['account_number', 'routing_number', 'type'] as const;

/** The details as the client sees and edits them (PATCH works on this). */
export function visibleDetails(type: CounterpartyType, details: Json): Json {
  const out = structuredClone(details);
  if (type === 'FIAT_US_LINKED' && out.account_information) {
    for (const k of LINKED_HIDDEN) delete out.account_information[k];
  }
  return out;
}

/** Puts back what visibleDetails took out. */
export function withHidden(type: CounterpartyType, visible: Json, stored: Json): Json {
  if (type !== 'FIAT_US_LINKED' || !stored.account_information) return visible;
  const info = { ...visible.account_information };
  for (const k of LINKED_HIDDEN) if (stored.account_information[k] !== undefined) info[k] = stored.account_information[k];
  return { ...visible, account_information: info };
}

/** The columns other modules query, derived from the details. */
export function derivedColumns(
  type: CounterpartyType,
  details: Json,
): Pick<NewCounterpartyRow, 'supportedRails' | 'assetTypeId' | 'relationshipToCustomer' | 'walletAddress'> {
  const holder = type === 'CRYPTO' ? details.wallet_information : details.account_information;
  return {
    supportedRails: details.supported_rails as string[],
    assetTypeId: holder.asset_type_id as string,
    relationshipToCustomer: (details.profile?.relationship_to_customer as string | undefined) ?? null,
    walletAddress: type === 'CRYPTO' ? (details.wallet_information.blockchain_address as string) : null,
  };
}

/** `row` as opened by the sealed repository; the tax reference number is masked unless `reveal` (CONTRACT §17). */
export function view(row: CounterpartyRow, reveal = false) {
  const type = row.counterpartyType as CounterpartyType;
  const d = visibleDetails(type, reveal ? row.details : openPersonal(undefined, row.details, '', { reveal: false }));
  const out: Json = { id: row.id, customer_id: row.customerId, counterparty_type: type, status: row.status };
  if (d.description !== undefined) out.description = d.description;
  out.supported_rails = [...row.supportedRails];
  out.profile = orderBySchema(d.profile, Profile);
  if (type === 'CRYPTO') out.wallet_information = orderBySchema(d.wallet_information, WalletInformation);
  else out.account_information = orderBySchema(maskAccountInformation(d.account_information), ACCOUNT_INFORMATION[type]);
  if (d.intermediary_information) out.intermediary_information = orderBySchema(d.intermediary_information, Intermediary);
  out.created_at = row.createdAt.toISOString();
  out.updated_at = row.updatedAt.toISOString();
  return out;
}
export type CounterpartyView = ReturnType<typeof view>;
