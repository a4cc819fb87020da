import { describe, expect, it } from 'vitest';
import { codeInWords, formatAmount, maskLast4, postalLines } from './pdf-document.js';

describe('formatAmount: exact text from minor units, with thousands separators', () => {
  it.each([
    [0n, 2, '0.00'],
    [5n, 2, '0.05'],
    [-5n, 2, '-0.05'],
    [123456789n, 2, '1,234,567.89'],
    [-100000n, 2, '-1,000.00'],
    [99999999999999999999999999999999999999n, 2, '999,999,999,999,999,999,999,999,999,999,999,999.99'],
    [123456n, 0, '123,456'],
    [150000000n, 8, '1.50000000'],
    [1500000000000000000n, 18, '1.50'],
    [1000000000000000000001n, 18, '1,000.000000000000000001'],
    [1n, 18, '0.000000000000000001'],
  ])('(%s, %i) -> %s', (minor, decimals, text) => {
    expect(formatAmount(minor, decimals)).toBe(text);
  });
});

describe('document words', () => {
  it('masks to the last 4 characters, hiding the length; 4 or fewer are masked whole', () => {
    expect([maskLast4('acc-7f3a9c21'), maskLast4('1234'), maskLast4('12')]).toEqual(['****9c21', '****', '****']);
  });

  it('puts codes in words', () => {
    expect([codeInWords('INTERNAL_TRANSFER'), codeInWords('FEE'), codeInWords('PERSONAL_ACCOUNT')]).toEqual([
      'Internal transfer',
      'Fee',
      'Personal account',
    ]);
  });

  it('prints an address as lines: street, place, country name', () => {
    expect(
      postalLines({
        unit_number: '4B',
        address_line1: '1 Main St',
        city: 'New York',
        state: 'NY',
        postal_code: '10001',
        country_code: 'US',
      }),
    ).toEqual(['4B, 1 Main St', 'New York, NY 10001', 'United States']);
    expect(postalLines({ city: 'Łódź', country_code: 'PL' })).toEqual(['Łódź', 'Poland']);
    expect(postalLines(undefined)).toEqual([]);
  });
});
