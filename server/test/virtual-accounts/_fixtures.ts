/** Helpers of the virtual-account tests, with check-digit rules written here independently of the server's. */
import type { Tenant } from '../helpers.js';
import { ok } from '../money/_fixtures.js';

type Json = Record<string, any>;

/** ABA routing number: 9 digits, 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 ≡ 0 (mod 10). */
export function abaValid(n: string): boolean {
  if (!/^\d{9}$/.test(n)) return false;
  const d = [...n].map(Number) as number[];
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

/** IBAN (ISO 13616): the first four characters moved to the end, letters as 10..35, the number mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  const numeric = moved.replace(/[A-Z]/g, (c) => (c.charCodeAt(0) - 'A'.charCodeAt(0) + 10).toString());
  return BigInt(numeric) % 97n === 1n;
}

export const createVa = (t: Tenant, accountId: string, body: Json): Promise<Json> =>
  ok(t.api.post(`/v1/accounts/deposits/${accountId}/virtual-accounts`, body));

export const arrive = (t: Tenant, body: Json): Promise<Json> => ok(t.api.post('/v1/simulations/deposits', body));

export const patchVa = (t: Tenant, id: string, body: Json): Promise<Json> => ok(t.api.patch(`/v1/virtual-accounts/${id}`, body));

export async function incomingOf(t: Tenant, id: string): Promise<Json[]> {
  return (await ok(t.api.get(`/v1/virtual-accounts/${id}/incoming-payments?page_size=100`))).incoming_payments;
}
