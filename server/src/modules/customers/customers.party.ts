import type { CustomerRow } from './customers.repository.js';

/** The address fields a customer's details hold (customers.schemas Address). */
export interface CustomerAddress {
  unit_number?: string;
  address_line1?: string;
  address_line2?: string;
  address_line3?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country_code?: string;
}

/**
 * Who a document is addressed to: an individual by first, middle and last name at their mailing
 * address; a corporation by its registered name at its registered address.
 */
export function customerNameAndAddress(row: CustomerRow): { name: string; address: CustomerAddress | undefined } {
  const d = row.details as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const address = (v: unknown) => (v && typeof v === 'object' ? (v as CustomerAddress) : undefined);
  if (row.customerType === 'CORPORATION') {
    return { name: text(d.registered_name) ?? row.id, address: address(d.registered_address) };
  }
  const name = [d.first_name, d.middle_name, d.last_name].map(text).filter(Boolean).join(' ');
  return { name: name || row.id, address: address(d.mailing_address) };
}
