import type { Db, Tx } from '../../db/client.js';
import { ledgerRepository } from './ledger.repository.js';

export {
  type ExpiredHold,
  type HoldRequest,
  insufficientFunds,
  LedgerService,
  type Line,
  type Posting,
  translateLedgerError,
} from './ledger.service.js';

/**
 * The ledger module is the only writer of ledger tables (DESIGN.md "Ledger"). This is its public
 * surface; postings, holds and verification are in LedgerService.
 */
export interface Balances {
  posted: bigint;
  pendingIn: bigint;
  pendingOut: bigint;
}

export const ZERO: Balances = { posted: 0n, pendingIn: 0n, pendingOut: 0n };

/** current = posted (holds included); available = posted - pending_out. */
export const current = (b: Balances) => b.posted;
export const available = (b: Balances) => b.posted - b.pendingOut;
export const isEmpty = (b: Balances) => b.posted === 0n && b.pendingIn === 0n && b.pendingOut === 0n;

/** A customer's ledger account: a liability of the platform, never below zero available. */
export const openCustomerLedgerAccount = (tx: Tx, clientId: string, assetTypeId: string, at: Date): Promise<bigint> =>
  ledgerRepository.openCustomerAccount(tx, clientId, assetTypeId, at);

export async function balancesOf(db: Db | Tx, ids: bigint[]): Promise<Map<bigint, Balances>> {
  if (!ids.length) return new Map();
  const rows = await ledgerRepository.balances(db, ids);
  return new Map(rows.map((r) => [r.id, { posted: r.posted, pendingIn: r.pendingIn, pendingOut: r.pendingOut }]));
}
export { ledgerVerifyRoutes } from './verify.routes.js';
export { verifyAssets, verifyCustomerAccountsPage } from './verify-pages.js';
