import { type Asset, assetOf } from './catalogue.data.js';

/**
 * Names people read on statements and receipts. A fixed table, not Intl: a document must not
 * change wording with the runtime's ICU data.
 */
const CURRENCY_NAMES: Record<string, string> = {
  USD: 'US Dollar',
  EUR: 'Euro',
  GBP: 'Pound Sterling',
  INR: 'Indian Rupee',
  MXN: 'Mexican Peso',
  AED: 'UAE Dirham',
  BTC: 'Bitcoin',
  ETH: 'Ether',
  USDC: 'USD Coin',
  DAI: 'Dai',
  SOL: 'Solana',
};

const CHAIN_NAMES: Record<string, string> = { BITCOIN: 'Bitcoin', ETHEREUM: 'Ethereum', SOLANA: 'Solana' };

const capitalised = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();

/**
 * "USD — US Dollar"; crypto names its network: "USDC — USD Coin (Ethereum Sepolia)".
 * An asset missing from the catalogue prints as its id.
 */
export function assetLabel(assetTypeId: string): string {
  const asset: Asset | undefined = assetOf(assetTypeId);
  if (!asset) return assetTypeId;
  const name = CURRENCY_NAMES[asset.currency] ?? asset.currency;
  if (asset.kind === 'FIAT') return `${asset.currency} — ${name}`;
  const chain = CHAIN_NAMES[asset.blockchain] ?? capitalised(asset.blockchain);
  const network = asset.network === 'MAINNET' ? chain : `${chain} ${capitalised(asset.network)}`;
  return `${asset.currency} — ${name} (${network})`;
}
