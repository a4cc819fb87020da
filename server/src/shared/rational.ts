/**
 * Exact rationals over bigint, for prices. A rate like "3000.00" or "0.000333" is a ratio of
 * integers; conversions multiply and divide integers and round once, at the end, in a stated
 * direction. No float is ever involved.
 */
export interface Rational {
  num: bigint;
  den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
};

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new Error('zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/** "3000.00" -> 3000/1; "0.5" -> 1/2. Only plain positive decimals. */
export function parseDecimal(text: string): Rational | undefined {
  const m = /^(\d{1,30})(?:\.(\d{1,30}))?$/.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return rational(BigInt((m[1] as string) + frac), 10n ** BigInt(frac.length));
}

export const mul = (a: Rational, b: Rational) => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational) => rational(a.num * b.den, a.den * b.num);
export const inverse = (a: Rational) => rational(a.den, a.num);
export const lt = (a: Rational, b: Rational) => a.num * b.den < b.num * a.den;
export const gt = (a: Rational, b: Rational) => a.num * b.den > b.num * a.den;

export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}
export function ceil(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num > 0n && q * a.den !== a.num ? q + 1n : q;
}

/** Decimal text with at most `digits` fractional digits (rounded down): for display of rates. */
export function toDecimalText(a: Rational, digits = 18): string {
  const scaled = floor(mul(a, rational(10n ** BigInt(digits))));
  const s = scaled.toString().padStart(digits + 1, '0');
  const int = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}
