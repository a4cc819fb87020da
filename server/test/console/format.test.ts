/**
 * The console's amounts (CONTRACT §15: the asset's decimals exactly, thousands separators, the
 * currency code), and the API reached through @ledgerline/sdk only, whose parsing keeps amounts
 * exact: no amount passes through a JS float.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJson } from '@ledgerline/sdk';
import { describe, expect, it } from 'vitest';
import { assetInfo, formatAmount, formatDecimal, minorToDecimal } from '../../../console/src/money.js';
import { CONSOLE_DIST } from '../../src/platform/console.plugin.js';

const CONSOLE_SRC = fileURLToPath(new URL('../../../console/src', import.meta.url));

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

  it("turns minor units (the ledger check's sums) into decimal text by string arithmetic", () => {
    expect(minorToDecimal('0', 2)).toBe('0.00');
    expect(minorToDecimal('123456', 2)).toBe('1234.56');
    expect(minorToDecimal('-5', 2)).toBe('-0.05');
    expect(minorToDecimal('1', 18)).toBe('0.000000000000000001');
    expect(minorToDecimal('123456789012345678901234567890', 18)).toBe('123456789012.345678901234567890');
    expect(minorToDecimal('42', 0)).toBe('42');
    const usd = assetInfo('FIAT_TESTNET_USD');
    expect(formatAmount(minorToDecimal('-123456789', usd.decimals), usd)).toBe('-1,234,567.89 USD');
    expect(formatAmount(minorToDecimal('0', 18), assetInfo('ETHEREUM_SEPOLIA_ETH'))).toBe('0.000000000000000000 ETH');
  });

  it('talks to the API only through @ledgerline/sdk: no fetch, JSON parsing or storage of its own', () => {
    const src = CONSOLE_SRC;
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    expect(files).toContain('api.ts');
    for (const f of files) {
      const code = readFileSync(join(src, f), 'utf8');
      expect(code, f).not.toMatch(/\bfetch\(|XMLHttpRequest|JSON\.parse\(|localStorage|sessionStorage|document\.cookie/);
    }
    expect(readFileSync(join(src, 'api.ts'), 'utf8')).toMatch(/from '@ledgerline\/sdk'/);
    // The SDK's parser is the console's: an 18-decimal amount stays its exact text.
    expect(parseJson<any>('{"data":{"amount":1234567890.123456789012345678,"decimals":18}}')).toEqual({
      data: { amount: '1234567890.123456789012345678', decimals: 18 },
    });
  });

  it('the built console carries the SDK and no Node builtin', () => {
    const assets = join(CONSOLE_DIST, 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const code = js.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    expect(code).toContain('x-l2f-idempotency-id'); // the SDK's transport
    expect(code).toContain('x-l2f-client-id'); // its actingFor
    expect(code).not.toMatch(/["'`]node:[a-z]/);
    expect(code).not.toMatch(/\bBuffer\.from\(/);
  });
});
