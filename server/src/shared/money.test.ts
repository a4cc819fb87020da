import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { toDecimalString, toMinor } from './money.js';

/** The error code (and field) toMinor throws, or the value. */
function result(amount: number | string, decimals: number, field?: string): bigint | string {
  try {
    return toMinor(amount, decimals, field);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return `${err.code}@${err.entries[0]?.field}`;
  }
}

const MAX = 10n ** 38n - 1n;

describe('toMinor', () => {
  it('decimal strings and JSON numbers become integer minor units', () => {
    expect(toMinor('1.23', 2)).toBe(123n);
    expect(toMinor(1.23, 2)).toBe(123n);
    expect(toMinor('100', 2)).toBe(10000n);
    expect(toMinor(100, 0)).toBe(100n);
    expect(toMinor('0.01', 2)).toBe(1n);
    expect(toMinor('1.5', 8)).toBe(150000000n);
    expect(toMinor(' +2.50 ', 2)).toBe(250n);
    expect(toMinor('1.2300', 2)).toBe(123n); // trailing zeros are not extra precision
    expect(toMinor('007.10', 2)).toBe(710n);
  });

  it('float artefacts: 0.1 + 0.2 is refused at 2 decimals, exact at 18', () => {
    const sum = 0.1 + 0.2; // 0.30000000000000004
    expect(result(sum, 2)).toBe('AMOUNT_PRECISION@amount');
    expect(toMinor(sum, 18)).toBe(300000000000000040n);
    expect(toMinor(0.3, 2)).toBe(30n);
    expect(toMinor(1.1 * 3, 18)).toBe(3300000000000000300n); // 3.3000000000000003
    expect(toMinor(19.99, 2)).toBe(1999n);
    expect(toMinor(1.005, 3)).toBe(1005n);
  });

  it('18-decimal strings are exact, far beyond float precision', () => {
    expect(toMinor('0.000000000000000001', 18)).toBe(1n);
    expect(toMinor('123456789.123456789012345678', 18)).toBe(123456789123456789012345678n);
    expect(toMinor('99999999999999999999.999999999999999999', 18)).toBe(99999999999999999999999999999999999999n);
  });

  it('exponent forms are expanded exactly', () => {
    expect(toMinor(1e-7, 8)).toBe(10n);
    expect(toMinor('1e-7', 8)).toBe(10n);
    expect(toMinor('1E-7', 7)).toBe(1n);
    expect(toMinor('1.5e3', 2)).toBe(150000n);
    expect(toMinor('2.5E+2', 0)).toBe(250n);
    expect(toMinor(1e21, 2)).toBe(10n ** 23n);
    expect(toMinor('1000e-21', 18)).toBe(1n);
    expect(result(1e-7, 6)).toBe('AMOUNT_PRECISION@amount');
  });

  it('more decimals than the asset has: AMOUNT_PRECISION', () => {
    expect(result('1.234', 2)).toBe('AMOUNT_PRECISION@amount');
    expect(result('0.1', 0)).toBe('AMOUNT_PRECISION@amount');
    expect(result('0.0000000000000000001', 18)).toBe('AMOUNT_PRECISION@amount');
    expect(() => toMinor('1.234', 2)).toThrow('The amount has more than 2 decimals, the most this asset allows.');
  });

  it('zero, negative and non-finite: AMOUNT_PRECISION', () => {
    for (const v of ['0', '0.00', 0, -0, '-1', -1, '-0.01', -1e-7, '0e5', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(result(v, 2)).toBe('AMOUNT_PRECISION@amount');
    }
  });

  it('too large (10^38 minor units or more): AMOUNT_PRECISION', () => {
    expect(toMinor(MAX.toString(), 0)).toBe(MAX);
    expect(result((MAX + 1n).toString(), 0)).toBe('AMOUNT_PRECISION@amount');
    expect(result('1e20', 18)).toBe('AMOUNT_PRECISION@amount');
    expect(result(1e308, 2)).toBe('AMOUNT_PRECISION@amount');
    expect(result(`000${'9'.repeat(60)}`, 2)).toBe('AMOUNT_PRECISION@amount');
  });

  it('not a number: VALIDATION_ERROR on the given field', () => {
    for (const v of ['abc', '', '   ', '1,50', '1.2.3', '0x10', '1 000', 'Infinity', 'NaN', '1e', '€5', '١٢']) {
      expect(result(v, 2, 'value')).toBe('VALIDATION_ERROR@value');
    }
  });

  it('absurd exponents and very long strings are refused without blowing up', () => {
    expect(result('1e999999999', 2)).toBe('AMOUNT_PRECISION@amount');
    expect(result('1e-999999999', 2)).toBe('AMOUNT_PRECISION@amount');
    expect(result('0e999999999', 2)).toBe('AMOUNT_PRECISION@amount');
    expect(result(`0.${'0'.repeat(1_000_000)}1`, 18)).toBe('AMOUNT_PRECISION@amount');
    expect(result('9'.repeat(1_000_000), 2)).toBe('AMOUNT_PRECISION@amount');
    expect(toMinor(`1.${'0'.repeat(100_000)}`, 2)).toBe(100n);
  });
});

describe('toDecimalString', () => {
  it('exact text, trailing zeros trimmed', () => {
    expect(toDecimalString(12345n, 2)).toBe('123.45');
    expect(toDecimalString(12300n, 2)).toBe('123');
    expect(toDecimalString(12310n, 2)).toBe('123.1');
    expect(toDecimalString(1n, 2)).toBe('0.01');
    expect(toDecimalString(1n, 18)).toBe('0.000000000000000001');
    expect(toDecimalString(0n, 2)).toBe('0');
    expect(toDecimalString(42n, 0)).toBe('42');
    expect(toDecimalString(-150n, 2)).toBe('-1.5');
    expect(toDecimalString(MAX, 18)).toBe('99999999999999999999.999999999999999999');
  });

  it('round trip with toMinor', () => {
    for (const [s, d] of [
      ['123.45', 2],
      ['0.00000001', 8],
      ['123456789.123456789012345678', 18],
    ] as const) {
      expect(toDecimalString(toMinor(s, d), d)).toBe(s);
    }
  });
});

describe('properties (fast-check)', () => {
  const minor = fc.bigInt({ min: 1n, max: MAX });
  const decimals = fc.integer({ min: 0, max: 18 });

  it('toMinor(toDecimalString(x, d), d) === x for every x > 0 and d in 0..18', () => {
    fc.assert(
      fc.property(minor, decimals, (x, d) => {
        expect(toMinor(toDecimalString(x, d), d)).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('small amounts survive a trip through a JSON number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }), decimals, (x, d) => {
        const json = JSON.parse(JSON.stringify({ amount: Number(toDecimalString(x, d)) })) as { amount: number };
        expect(toMinor(json.amount, d)).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('the exponent form <x>e-<d> reads as x minor units', () => {
    fc.assert(
      fc.property(minor, decimals, (x, d) => {
        expect(toMinor(`${x}e-${d}`, d)).toBe(x);
      }),
    );
  });

  it('one decimal too many is always refused', () => {
    fc.assert(
      fc.property(minor, decimals, (x, d) => {
        fc.pre(x % 10n !== 0n);
        expect(result(toDecimalString(x, d + 1), d)).toBe('AMOUNT_PRECISION@amount');
      }),
    );
  });

  it('toDecimalString never ends in a zero after the point', () => {
    fc.assert(
      fc.property(minor, decimals, (x, d) => {
        expect(toDecimalString(x, d)).toMatch(/^\d+(\.\d*[1-9])?$/);
      }),
    );
  });
});
