import type { transfers } from '../../db/schema.js';
import { defineMachine } from '../../shared/machine.js';

export type TransferRow = typeof transfers.$inferSelect;
export type TransferStatus = TransferRow['status'];

/** Every status a transfer can be in (ACCEPTED and REJECTED are Layer2's; Ledgerline executes at accept). */
export const TRANSFER_STATUSES = [
  'REQUESTED',
  'ACCEPTED',
  'EXPIRED',
  'CANCELLED',
  'EXECUTED',
  'REJECTED',
] as const satisfies readonly TransferStatus[];

/**
 * The transfer machine (LAYER2_API.md §2.10): REQUESTED -> EXECUTED (accept: one journal entry),
 * CANCELLED (cancel) or EXPIRED (valid_until passed, marked by accept, cancel or the sweeper, and
 * read as EXPIRED before that). Everything else is terminal.
 */
export const transferMachine = defineMachine<TransferStatus, TransferRow>({
  resource: 'transfer',
  moves: {
    REQUESTED: ['EXECUTED', 'CANCELLED', 'EXPIRED'],
    ACCEPTED: [],
    EXPIRED: [],
    CANCELLED: [],
    EXECUTED: [],
    REJECTED: [],
  },
  status: (t) => t.status,
  expiry: { from: ['REQUESTED'], to: 'EXPIRED', deadline: (t) => t.validUntil },
});
