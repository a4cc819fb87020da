/**
 * The console's amounts (CONTRACT §15: the asset's decimals exactly, thousands separators, the
 * currency code) and its lossless JSON parsing: no amount passes through a JS float.
 */
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../console/src/json.js';
import { assetInfo, formatAmount, formatDecimal } from '../../../console/src/money.js';

describe('console amounts', () => {
  it('formats decimal text with the asset decimals, separators and code, never rounding', () => {
    const usd = assetInfo('FIAT_TESTNET_USD');
    expect(usd).toEqual({ asset_type_id: 'FIAT_TESTNET_USD', currency: 'USD', decimals: 2 });
    expect(formatAmount('1234567.89', usd)).toBe('1,234,567.89 USD');
    expect(formatAmount('1234.5', usd)).toBe('1,234.50 USD');
    expect(formatAmount(100, usd)).toBe('100.00 USD');
    expect(formatAmount('-0.01', usd)).toBe('-0.01 USD');
    expect(formatAmount('0', usd)).toBe('0.00 USD');
    expect(formatAmount('-0', usd)).toBe('0.00 USD');
    expect(formatAmount(null, usd)).toBe('—');
    const eth = assetInfo('ETHEREUM_SEPOLIA_ETH');
    expect(eth.decimals).toBe(18);
    expect(formatAmount('12345678901234567890.123456789012345678', eth)).toBe('12,345,678,901,234,567,890.123456789012345678 ETH');
    expect(formatAmount('0.000000000000000001', eth)).toBe('0.000000000000000001 ETH');
    expect(formatDecimal('1.5', 8)).toBe('1.50000000');
    // The catalogue's answer wins over the built-in table.
    const catalogue = new Map([['X_Y_ABC', { asset_type_id: 'X_Y_ABC', currency: 'ABC', decimals: 3 }]]);
    expect(formatAmount('7', assetInfo('X_Y_ABC', catalogue))).toBe('7.000 ABC');
  });

  it('parses JSON keeping fractional and huge numbers as their exact text', () => {
    const raw =
      '{"data":{"amount":1234567890.123456789012345678,"count":3,"big":123456789012345678901,"neg":-0.5,"e":1e3,"s":"\\u00e9\\"x","a":[true,false,null,{}]}}';
    expect(parseJson(raw)).toEqual({
      data: {
        amount: '1234567890.123456789012345678',
        count: 3,
        big: '123456789012345678901',
        neg: '-0.5',
        e: '1e3',
        s: 'é"x',
        a: [true, false, null, {}],
      },
    });
    expect(() => parseJson('{"a":1,}')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":1} x')).toThrow(SyntaxError);
  });
});
