import type { virtualAccounts } from '../../db/schema-virtual-accounts.js';
import { defineMachine } from '../../shared/machine.js';

export type VirtualAccountRow = typeof virtualAccounts.$inferSelect;
export type VirtualAccountStatus = VirtualAccountRow['status'];

/**
 * The virtual account machine, one table for views, PATCH, arrivals and the account's closing:
 *   ACTIVE (funds sent to the details credit the account) ⇄ DISABLED (funds are returned);
 *   either → CLOSED (funds are returned; terminal: the details are never reused or reopened).
 */
export const virtualAccountMachine = defineMachine<VirtualAccountStatus, VirtualAccountRow>({
  resource: 'virtual account',
  moves: {
    ACTIVE: ['DISABLED', 'CLOSED'],
    DISABLED: ['ACTIVE', 'CLOSED'],
    CLOSED: [],
  },
  status: (v) => v.status,
});

/** What an arrival at the details of a virtual account in this status does. */
export const RETURN_REASON: Partial<Record<VirtualAccountStatus, 'ACCOUNT_DISABLED' | 'ACCOUNT_CLOSED'>> = {
  DISABLED: 'ACCOUNT_DISABLED',
  CLOSED: 'ACCOUNT_CLOSED',
};
