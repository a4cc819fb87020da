/**
 * Exact amounts through JSON (CONTRACT §6). The API writes amounts as JSON numbers with up to 18
 * decimals (`0.123456789012345678`, `12345678901234567.89`): `JSON.parse` would round them through
 * a float. The SDK reads every amount field (generated from the server's document: a `number` of a
 * response is an amount) as the exact text the server wrote, so callers get strings (`Amount`).
 * On the way out, a string amount is sent as it is; a JS number is refused when it cannot be the
 * value its author meant (more than 15 significant digits, or an integer past 2^53).
 */
import { AMOUNT_INPUT_KEYS, AMOUNT_KEYS } from './generated/amount-keys.js';

/**
 * `"<amount key>": <number>` outside any string. A quote inside a string is escaped (`\"`), so an
 * unescaped `"key"` followed by `:` is always a key (the lookbehind skips `\"key"` inside a key).
 */
function keyPattern(keys: Iterable<string>): RegExp {
  const names = [...keys].map((k) => k.replace(/[^a-z0-9_]/gi, (c) => `\\${c}`)).join('|');
  return new RegExp(`(?<!\\\\)"(${names})"(\\s*:\\s*)(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`, 'g');
}
const AMOUNT_NUMBER = keyPattern(AMOUNT_KEYS);

/** The JSON text with every amount number turned into a string holding its exact text. */
export function quoteAmounts(text: string): string {
  return text.replace(AMOUNT_NUMBER, '"$1"$2"$3"');
}

/** `JSON.parse` that keeps amounts exact: each amount field is the string the server wrote. */
export function parseJson<T = unknown>(text: string): T {
  return JSON.parse(quoteAmounts(text)) as T;
}

/** Whether a JS number is surely the decimal its author wrote: at most 15 significant digits, or a safe integer. */
export function isExactNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (Number.isInteger(n)) return Number.isSafeInteger(n);
  const [mantissa = ''] = Math.abs(n).toExponential().split('e');
  return mantissa.replace('.', '').length <= 15;
}

/**
 * The body of a request as JSON. Amount fields may be strings (exact, recommended) or numbers;
 * a number that a float already rounded (`0.1 + 0.2`, `12345678901234567.89`) is refused with a
 * TypeError before anything is sent, rather than moving a different sum.
 */
export function stringifyBody(body: unknown): string {
  return JSON.stringify(body, function (this: Record<string, unknown>, key, value) {
    if (typeof value === 'number' && AMOUNT_INPUT_KEYS.has(key) && !isExactNumber(value)) {
      throw new TypeError(
        `Ledgerline: ${key} ${value} is not exact as a JS number (more than 15 significant digits): pass the amount as a string, e.g. "${key}": "12345678901234567.89".`,
      );
    }
    if (typeof value === 'bigint') {
      throw new TypeError(`Ledgerline: ${key} is a bigint: pass amounts as decimal strings in the asset's unit.`);
    }
    return value;
  });
}
