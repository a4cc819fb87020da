import type { WITHDRAWAL_STATUSES, withdrawals } from '../../db/schema-money.js';
import { defineMachine } from '../../shared/machine.js';

export type WithdrawalRow = typeof withdrawals.$inferSelect;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/**
 * The withdrawal machine (LAYER2_API.md §2.9), one table for views, lists, actions and the sweeper:
 *
 *   REQUESTED ─accept→ AUTHORIZED (funds on hold) ─send→ IN_PROGRESS (hold PENDING) ─settle→ EXECUTED ─return→ RETURNED
 *   CHANGES_REQUESTED (a document is asked for) ─document in→ REQUESTED
 *   cancel: REQUESTED, CHANGES_REQUESTED, AUTHORIZED → CANCELLED; the rail fails AUTHORIZED or IN_PROGRESS → FAILED
 *   REQUESTED or CHANGES_REQUESTED past valid_until reads EXPIRED (and is marked so by the sweeper).
 * REJECTED is Layer2's, unused by the sandbox rails.
 */
export const withdrawalMachine = defineMachine<WithdrawalStatus, WithdrawalRow>({
  resource: 'withdrawal',
  moves: {
    REQUESTED: ['AUTHORIZED', 'CANCELLED', 'EXPIRED'],
    CHANGES_REQUESTED: ['REQUESTED', 'CANCELLED', 'EXPIRED'],
    AUTHORIZED: ['IN_PROGRESS', 'CANCELLED', 'FAILED'],
    IN_PROGRESS: ['EXECUTED', 'FAILED'],
    EXECUTED: ['RETURNED'],
    FAILED: [],
    RETURNED: [],
    CANCELLED: [],
    EXPIRED: [],
    REJECTED: [],
  },
  status: (w) => w.status,
  expiry: { from: ['REQUESTED', 'CHANGES_REQUESTED'], to: 'EXPIRED', deadline: (w) => w.validUntil },
});
