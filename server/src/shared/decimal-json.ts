import { randomBytes } from 'node:crypto';
import { toDecimalString } from './money.js';

/**
 * Exact decimal numbers in JSON (CONTRACT §6): Layer2 amounts are JSON numbers, and an 18-decimal
 * amount cannot pass through a JS number. A `JsonDecimal` serialises as a placeholder string that
 * `stringify` then replaces by the bare decimal text. The placeholder carries a per-process random
 * nonce, so no user-supplied string can turn into a number.
 */
const NONCE = randomBytes(8).toString('hex');
const MARK = `\u0000${NONCE}:`;
const PLACEHOLDER = new RegExp(`"\\\\u0000${NONCE}:(-?\\d+(?:\\.\\d+)?)"`, 'g');

export class JsonDecimal {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal: ${text}`);
  }
  static fromMinor(minor: bigint, decimals: number): JsonDecimal {
    return new JsonDecimal(toDecimalString(minor, decimals));
  }
  toJSON(): string {
    return MARK + this.text;
  }
  toString(): string {
    return this.text;
  }
}

export function stringify(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes(NONCE) ? json.replace(PLACEHOLDER, '$1') : json;
}
