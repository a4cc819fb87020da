import { randomInt } from 'node:crypto';

/**
 * Sandbox bank details for virtual accounts: fictitious but well-formed, so that a client's own
 * validation (an ABA check digit, an IBAN's mod-97) accepts them as it would real ones.
 *  - ACH / FEDWIRE: an account number of ACCOUNT_NUMBER_DIGITS random digits (no leading zero) at
 *    the sandbox bank's routing number, whose ninth digit is the ABA check digit;
 *  - SEPA_CT: a German IBAN (DE, 22 characters): check digits by ISO 13616 mod-97, the sandbox
 *    bank's Bankleitzahl, and a 10-digit account number; the bank's BIC.
 * Uniqueness is the database's (unique indexes on account_number and iban): a collision draws
 * again. Pure functions: no I/O.
 */
export const ACCOUNT_NUMBER_DIGITS = 12;
/** The sandbox bank's first 8 routing digits: Federal Reserve district 10 (a valid ABA prefix). */
const ROUTING_PREFIX = '10100004';
/** The sandbox bank's Bankleitzahl (8 digits) and BIC (LDGR = Ledgerline, DE, FF = Frankfurt). */
const SANDBOX_BLZ = '10099999';
export const SANDBOX_BIC = 'LDGRDEFFXXX';

/** The ABA check digit of 8 routing digits: weights 3-7-1, the weighted sum a multiple of 10. */
export function abaCheckDigit(first8: string): string {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(first8[i]) * (weights[i] as number);
  return String((10 - (sum % 10)) % 10);
}

export const SANDBOX_ROUTING_NUMBER = ROUTING_PREFIX + abaCheckDigit(ROUTING_PREFIX);

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** A new account number (the leading digit is never 0: some systems drop leading zeros). */
export function newAccountNumber(): string {
  return String(1 + randomInt(9)) + digits(ACCOUNT_NUMBER_DIGITS - 1);
}

/** ISO 13616: 98 minus the remainder of BBAN + country (A=10 … Z=35) + "00" modulo 97. */
export function ibanCheckDigits(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of numeric) rest = (rest * 10 + Number(d)) % 97;
  return String(98 - rest).padStart(2, '0');
}

/** A new sandbox German IBAN. */
export function newIban(): string {
  const bban = SANDBOX_BLZ + String(1 + randomInt(9)) + digits(9);
  return `DE${ibanCheckDigits('DE', bban)}${bban}`;
}
