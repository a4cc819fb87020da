import type { deposits } from '../../db/schema-money.js';
import { defineMachine } from '../../shared/machine.js';

export type DepositRow = typeof deposits.$inferSelect;
export type DepositStatus = DepositRow['status'];

/**
 * The deposit machine (LAYER2_API.md §2.8), one table for views, lists and actions:
 *   PUSH: REQUESTED (instructions open) ─funds arrive→ EXECUTED (more may arrive on the same memo)
 *   PULL: REQUESTED ─accept→ ACCEPTED (a PENDING credit) ─rail settles→ EXECUTED ─return→ RETURNED;
 *         an ACCEPTED pull can also come back before settling (RETURNED) or fail (FAILURE).
 * Deposits have no deadline: nothing expires.
 */
export const depositMachine = defineMachine<DepositStatus, DepositRow>({
  resource: 'deposit',
  moves: {
    REQUESTED: ['ACCEPTED', 'EXECUTED'],
    ACCEPTED: ['EXECUTED', 'RETURNED', 'FAILURE'],
    EXECUTED: ['EXECUTED', 'RETURNED'],
    FAILURE: [],
    RETURNED: [],
  },
  status: (d) => d.status,
});
