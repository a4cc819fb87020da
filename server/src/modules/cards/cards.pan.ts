import { randomInt } from 'node:crypto';

/** The sandbox BIN every Ledgerline card number starts with (a Visa test range). */
export const SANDBOX_BIN = '400000';

/** The Luhn check digit for a number without it. */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // From the right, the digit next to the check digit is doubled, then every other one.
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(pan: string): boolean {
  return /^\d{2,19}$/.test(pan) && luhnDigit(pan.slice(0, -1)) === pan.slice(-1);
}

const digits = (n: number) => Array.from({ length: n }, () => String(randomInt(10))).join('');

/** A new 16-digit PAN: the sandbox BIN, 9 random digits, the Luhn digit. */
export function newPan(): string {
  const body = SANDBOX_BIN + digits(9);
  return body + luhnDigit(body);
}

export const newCvv = (): string => digits(3);
