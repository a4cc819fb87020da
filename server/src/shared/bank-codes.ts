import { COUNTRY_CODES } from './countries.js';

/**
 * Bank identifiers checked when counterparties are registered (docs/counterparties.md). Pure
 * functions, no I/O. They answer true/false only: callers name the field in their error and never
 * echo the value (an account number or IBAN must not appear in an error or a log line).
 */

/**
 * ABA routing transit number: 9 digits, weights 3-7-1 repeated, weighted sum divisible by 10.
 * The first two digits must be a Federal Reserve prefix (00-12 banks, 21-32 thrifts, 61-72
 * electronic, 80 traveller's cheques); 000000000 is refused.
 */
export function isAbaRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  const prefix = Number(value.slice(0, 2));
  const prefixOk = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  if (!prefixOk) return false;
  const weights = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (weights[i % 3] as number);
  return sum % 10 === 0;
}

/** IBAN lengths by country (SWIFT IBAN registry). */
// biome-ignore format: a table reads better than one entry per line
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 mod-97 over the rearranged IBAN (letters A=10 … Z=35); a valid IBAN leaves 1. */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

/**
 * IBAN in electronic format (no spaces, upper case): a registry country, that country's length,
 * check digits 02-98, alphanumeric BBAN, and mod-97 = 1.
 */
export function isIban(value: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(value)) return false;
  const length = IBAN_LENGTHS[value.slice(0, 2)];
  if (length === undefined || value.length !== length) return false;
  const check = Number(value.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return mod97(value) === 1;
}

/** The country of an IBAN (its first two letters). */
export const ibanCountry = (iban: string): string => iban.slice(0, 2);

/**
 * BIC (ISO 9362): 4 letters (institution), 2 letters (an ISO 3166 country; XK, which SWIFT uses
 * for Kosovo, too), 2 alphanumerics (location), optionally 3 alphanumerics (branch). Upper case.
 */
export function isBic(value: string): boolean {
  const m = /^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}([A-Z0-9]{3})?$/.exec(value);
  if (!m) return false;
  const country = m[1] as string;
  return COUNTRY_CODES.has(country) || country === 'XK';
}

/** The country of a BIC (letters 5-6). */
export const bicCountry = (bic: string): string => bic.slice(4, 6);

/** UK sort code: 6 digits, written 123456 or 12-34-56. */
export function isSortCode(value: string): boolean {
  return /^\d{6}$/.test(value) || /^\d{2}-\d{2}-\d{2}$/.test(value);
}

/** A sort code without its dashes. */
export const sortCodeDigits = (value: string): string => value.replace(/-/g, '');

/** Indian Financial System Code: 4 letters (bank), a zero, 6 alphanumerics (branch). */
export function isIfsc(value: string): boolean {
  return /^[A-Z]{4}0[A-Z0-9]{6}$/.test(value);
}

/**
 * CLABE (Mexico): 18 digits — bank (3), branch city (3), account (11), check digit. The check
 * digit is (10 - (Σ (digit × weight) mod 10 over the first 17, weights 3,7,1 repeated) mod 10) mod 10.
 */
export function isClabe(value: string): boolean {
  if (!/^\d{18}$/.test(value)) return false;
  const weights = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (Number(value[i]) * (weights[i % 3] as number)) % 10;
  return (10 - (sum % 10)) % 10 === Number(value[17]);
}

/**
 * An account number, IBAN or CLABE as it may be shown: every character but the last 4 replaced
 * by `*` (length kept). Values of 4 characters or fewer are hidden entirely.
 */
export function maskAccountNumber(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return '*'.repeat(value.length - 4) + value.slice(-4);
}
