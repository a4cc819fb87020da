/**
 * Amounts as the API writes them (exact decimal text, see json.ts), shown with the asset's
 * decimals, thousands separators and currency code: "1,234,567.50 USD", "0.000000000000000001 ETH".
 * Pure string arithmetic: an amount never passes through a JS float.
 */
export interface AssetInfo {
  asset_type_id: string;
  currency: string;
  decimals: number;
}

/** CONTRACT §6's decimals, for an asset the catalogue did not list (e.g. one disabled since). */
const DEFAULT_DECIMALS: Record<string, number> = { BTC: 8, ETH: 18, DAI: 18, USDC: 6, SOL: 9 };

export function assetInfo(assetTypeId: string, catalogue?: ReadonlyMap<string, AssetInfo>): AssetInfo {
  const known = catalogue?.get(assetTypeId);
  if (known) return known;
  const currency = assetTypeId.split('_').pop() ?? assetTypeId;
  return { asset_type_id: assetTypeId, currency, decimals: assetTypeId.startsWith('FIAT_') ? 2 : (DEFAULT_DECIMALS[currency] ?? 2) };
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1234.5" with 2 decimals -> "1,234.50"; more digits than the asset has are kept, never rounded. */
export function formatDecimal(value: string | number, decimals: number): string {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) return text; // not a plain decimal (should not happen): shown as the API wrote it
  const [, sign, int = '0', frac = ''] = m;
  const digits = int.replace(/^0+(?=\d)/, '');
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = frac.length >= decimals ? frac : frac.padEnd(decimals, '0');
  const zero = /^0*$/.test(digits + fraction);
  return `${sign && !zero ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

export function formatAmount(value: string | number | null | undefined, asset: AssetInfo): string {
  if (value === null || value === undefined || value === '') return '—';
  return `${formatDecimal(value, asset.decimals)} ${asset.currency}`;
}

/** Minor units as decimal text: ("-123456", 2) -> "-1234.56", ("5", 18) -> "0.000000000000000005". Strings only. */
export function minorToDecimal(minor: string, decimals: number): string {
  const m = /^(-)?(\d+)$/.exec(minor.trim());
  if (!m) return minor; // not an integer (should not happen): shown as the API wrote it
  const [, sign = '', digits = '0'] = m;
  if (decimals <= 0) return `${sign}${digits}`;
  const padded = digits.padStart(decimals + 1, '0');
  return `${sign}${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}
