/**
 * Rail 1.1.2's statement fields (LAYER2_API.md §5.3), beside Ledgerline's own: `year` and `month`
 * on each summary; `statement_period`, `customer` and `transactions` on a statement. Additive, so
 * every version gets them (§5.5: extra fields are safe under both documents).
 */
import type { CustomerRow } from '../customers/index.js';

type Json = Record<string, any>;

export function summaryFields(id: string): { year: number; month: number } {
  const m = /^stmt_(\d{4})_(\d{2})$/.exec(id);
  return { year: Number(m?.[1] ?? 0), month: Number(m?.[2] ?? 0) };
}

/** The statement's holder as Rail names it: a name and a postal address. */
export function statementCustomer(customer: CustomerRow | undefined, fallbackName: string): { name: string } & Json {
  const d = (customer?.details ?? {}) as Json;
  const name =
    customer?.customerType === 'CORPORATION'
      ? (d.registered_name as string | undefined)
      : [d.first_name, d.middle_name, d.last_name].filter((p) => typeof p === 'string' && p).join(' ');
  const a = (customer?.customerType === 'CORPORATION' ? d.registered_address : d.mailing_address) as Json | undefined;
  return {
    name: name || fallbackName,
    ...(a?.address_line1 && { address1: a.address_line1 }),
    ...(a?.address_line2 && { address2: a.address_line2 }),
    ...(a?.address_line3 && { address3: a.address_line3 }),
    ...(a?.city && { city: a.city }),
    ...(a?.state && { state: a.state }),
    ...(a?.postal_code && { postal_code: a.postal_code }),
    ...(a?.country_code && { country: a.country_code }),
  };
}

/** Posted lines as Rail's StatementTransaction. */
export function statementTransactions(lines: Json[]): any[] {
  return lines
    .filter((l) => l.transaction_status === 'POSTED')
    .map((l) => ({
      transaction_id: l.id,
      transaction_type: l.transaction_type,
      description: l.description ?? l.transaction_type,
      transaction_date: l.transaction_date,
      transaction_posted_date: l.transaction_posted_date ?? l.transaction_date,
      amount: l.value,
      balance: l.balance_after,
    }));
}
