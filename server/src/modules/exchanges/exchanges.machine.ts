import type { EXCHANGE_STATUSES, exchanges } from '../../db/schema-exchanges.js';
import { defineMachine } from '../../shared/machine.js';

export type ExchangeRow = typeof exchanges.$inferSelect;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];

/**
 * The exchange machine (LAYER2_API.md §2.11): a quote or market indication is REQUESTED until it
 * is accepted — EXECUTED within its slippage, REJECTED beyond it — or its valid_until passes
 * (EXPIRED: read so at once, marked by accept or the sweeper). ACCEPTED and CANCELLED are Layer2's
 * enum values Ledgerline does not reach (accept executes at once; quotes are not cancelled).
 */
export const exchangeMachine = defineMachine<ExchangeStatus, ExchangeRow>({
  resource: 'exchange',
  moves: {
    REQUESTED: ['EXECUTED', 'REJECTED', 'EXPIRED'],
    ACCEPTED: [],
    EXPIRED: [],
    CANCELLED: [],
    EXECUTED: [],
    REJECTED: [],
  },
  status: (e) => e.status,
  expiry: { from: ['REQUESTED'], to: 'EXPIRED', deadline: (e) => e.validUntil },
});
