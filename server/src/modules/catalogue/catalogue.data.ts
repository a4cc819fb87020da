/**
 * Products and assets (LAYER2_API.md §2.16, CONTRACT §6). Asset ids are
 * `{BLOCKCHAIN}_{NETWORK}_{CURRENCY}`; decimals fix the minor unit of every amount in that asset.
 */
export type Rail = 'ACH' | 'FEDWIRE' | 'SWIFT' | 'SEPA_CT' | 'FPS' | 'CHAPS' | 'IMPS' | 'SPEI' | 'UAEFTS' | 'EFT' | 'CRYPTO';

export type Chain = 'FIAT' | 'BITCOIN' | 'ETHEREUM' | 'SOLANA';

export interface Asset {
  asset_type_id: string;
  blockchain: Chain;
  network: string;
  currency: string;
  decimals: number;
  kind: 'FIAT' | 'CRYPTO';
  testnet: boolean;
  rails: Rail[];
  /** ERC-20 tokens ride on their chain's native asset. */
  token: boolean;
}

const fiat = (network: 'MAINNET' | 'TESTNET', currency: string, rails: Rail[]): Asset => ({
  asset_type_id: `FIAT_${network}_${currency}`,
  blockchain: 'FIAT',
  network,
  currency,
  decimals: 2,
  kind: 'FIAT',
  testnet: network === 'TESTNET',
  rails,
  token: false,
});

const crypto = (blockchain: Chain, network: string, currency: string, decimals: number, token = false): Asset => ({
  asset_type_id: `${blockchain}_${network}_${currency}`,
  blockchain,
  network,
  currency,
  decimals,
  kind: 'CRYPTO',
  testnet: network !== 'MAINNET',
  rails: ['CRYPTO'],
  token,
});

const FIAT_RAILS: Record<string, Rail[]> = {
  USD: ['ACH', 'FEDWIRE', 'SWIFT'],
  EUR: ['SEPA_CT', 'SWIFT'],
  GBP: ['FPS', 'CHAPS', 'SWIFT'],
  INR: ['IMPS', 'SWIFT'],
  MXN: ['SPEI', 'SWIFT'],
  AED: ['UAEFTS', 'SWIFT'],
};

export const ASSETS: readonly Asset[] = [
  ...(['MAINNET', 'TESTNET'] as const).flatMap((n) => Object.entries(FIAT_RAILS).map(([c, r]) => fiat(n, c, r))),
  crypto('BITCOIN', 'MAINNET', 'BTC', 8),
  crypto('BITCOIN', 'TESTNET', 'BTC', 8),
  crypto('ETHEREUM', 'MAINNET', 'ETH', 18),
  crypto('ETHEREUM', 'SEPOLIA', 'ETH', 18),
  crypto('ETHEREUM', 'MAINNET', 'USDC', 6, true),
  crypto('ETHEREUM', 'SEPOLIA', 'USDC', 6, true),
  crypto('ETHEREUM', 'MAINNET', 'DAI', 18, true),
  crypto('ETHEREUM', 'SEPOLIA', 'DAI', 18, true),
  crypto('SOLANA', 'MAINNET', 'SOL', 9),
  crypto('SOLANA', 'DEVNET', 'SOL', 9),
];

export const ASSETS_BY_ID: ReadonlyMap<string, Asset> = new Map(ASSETS.map((a) => [a.asset_type_id, a]));

export type ProductType = 'CLIENT' | 'DEPOSIT' | 'VIRTUAL';

export interface Product {
  product_id: string;
  product_type: ProductType;
  description: string;
  /** Path family: /v1/accounts/deposits or /v1/accounts/payments. */
  family: 'deposits' | 'payments';
  exchanges: boolean;
  /** Crypto deposit addresses rotate (leases) instead of staying bound to the account. */
  rotating_addresses: boolean;
}

export const PRODUCTS: readonly Product[] = [
  {
    product_id: 'DEPOSIT_BASIC',
    product_type: 'DEPOSIT',
    description: 'Hold, buy, sell, deposit and withdraw fiat and crypto; exchanges supported.',
    family: 'deposits',
    exchanges: true,
    rotating_addresses: false,
  },
  {
    product_id: 'PAYMENT_BASIC',
    product_type: 'DEPOSIT',
    description: 'Receive payments from payors at leased addresses, with attribution.',
    family: 'payments',
    exchanges: false,
    rotating_addresses: true,
  },
  {
    product_id: 'CLIENT_BASIC',
    product_type: 'CLIENT',
    description: "The client's own treasury account.",
    family: 'deposits',
    exchanges: true,
    rotating_addresses: false,
  },
  {
    product_id: 'VIRTUAL_BASIC',
    product_type: 'VIRTUAL',
    description: 'Tracks customer funds held outside the platform.',
    family: 'deposits',
    exchanges: false,
    rotating_addresses: false,
  },
];

export const PRODUCTS_BY_ID: ReadonlyMap<string, Product> = new Map(PRODUCTS.map((p) => [p.product_id, p]));

/** A new client's catalogue (CONTRACT §12): DEPOSIT_BASIC and PAYMENT_BASIC with every testnet asset. */
export const DEFAULT_PRODUCTS = ['DEPOSIT_BASIC', 'PAYMENT_BASIC'];
export const DEFAULT_ASSETS = [...ASSETS.filter((a) => a.testnet).map((a) => a.asset_type_id), 'FIAT_MAINNET_USD'];

export function assetOf(id: string): Asset | undefined {
  return ASSETS_BY_ID.get(id);
}
