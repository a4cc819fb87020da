import { AppError } from './errors.js';

/**
 * Money at the edge (CONTRACT §6). Amounts arrive as JSON numbers (or strings) in major units and
 * become integer minor units (`bigint`) here, once; they leave as exact decimal text. Nothing in
 * the core ever holds money in a JS number.
 *
 * A JSON number is taken by its shortest round-trip decimal form (what JSON.parse kept); the raw
 * text is used where the body parser preserved it. Exponent forms (1e-7) are expanded exactly.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** Beyond this exponent any amount is zero, too large or too precise: refused before expanding. */
const MAX_EXPONENT = 1000;

/** Linear (a /0+$/ regex backtracks quadratically on long runs of zeros). */
function trimTrailingZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return s.slice(0, end);
}

function expandExponent(text: string, field: string): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, int = '', frac = '', expText = '0'] = m;
  const exp = Number(expText);
  if (!(Math.abs(exp) <= MAX_EXPONENT)) throw new AppError('AMOUNT_PRECISION', 'The amount is out of range.', field);
  const digits = int + frac;
  const point = int.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + out.replace(/^0+(?=\d)/, '');
}

export function toMinor(amount: number | string, decimals: number, field = 'amount'): bigint {
  if (typeof amount === 'number' && !Number.isFinite(amount)) {
    throw new AppError('AMOUNT_PRECISION', 'The amount must be a finite number.', field);
  }
  let text = typeof amount === 'number' ? String(amount) : amount.trim();
  text = expandExponent(text, field);
  if (text.startsWith('-')) throw new AppError('AMOUNT_PRECISION', 'The amount must be greater than zero.', field);
  if (text.startsWith('+')) text = text.slice(1);
  const m = DECIMAL.exec(text);
  if (!m) throw new AppError('VALIDATION_ERROR', 'The amount must be a decimal number.', field);
  const int = m[1] ?? '0';
  const frac = trimTrailingZeros(m[2] ?? '');
  if (frac.length > decimals) {
    throw new AppError('AMOUNT_PRECISION', `The amount has more than ${decimals} decimals, the most this asset allows.`, field);
  }
  const digits = (int + frac.padEnd(decimals, '0')).replace(/^0+/, '');
  if (digits.length > 38) throw new AppError('AMOUNT_PRECISION', 'The amount is too large.', field);
  const minor = BigInt(digits || '0');
  if (minor === 0n) throw new AppError('AMOUNT_PRECISION', 'The amount must be greater than zero.', field);
  if (minor >= 10n ** 38n) throw new AppError('AMOUNT_PRECISION', 'The amount is too large.', field);
  return minor;
}

/** Exact decimal text of a minor-unit amount: 12345n, 2 -> "123.45"; trailing zeros trimmed. */
export function toDecimalString(minor: bigint, decimals: number): string {
  const neg = minor < 0n;
  const abs = neg ? -minor : minor;
  const s = abs.toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  const frac = decimals > 0 ? trimTrailingZeros(s.slice(s.length - decimals)) : '';
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Fixed decimals for people (statements, receipts): 12345n, 2 -> "123.45", 5000n, 2 -> "50.00". */
export function toFixedString(minor: bigint, decimals: number): string {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  return `${neg ? '-' : ''}${int}${decimals > 0 ? `.${s.slice(s.length - decimals)}` : ''}`;
}
