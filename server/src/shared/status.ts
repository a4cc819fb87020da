import { AppError } from './errors.js';

/**
 * The compliance status machine shared by customers, accounts and counterparties (CONTRACT §5).
 * Accounts spell ACTIVE as OPEN on the wire; the machine works on the canonical names and the
 * caller maps with `toCanonical` / `fromCanonical`.
 */
export const BASE_STATUSES = ['ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED'] as const;
export type BaseStatus = (typeof BASE_STATUSES)[number];

export const L2F_STATUSES = ['PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F'] as const;
export type L2fStatus = (typeof L2F_STATUSES)[number];

export type Status = BaseStatus | L2fStatus;
export const STATUSES: readonly Status[] = [...BASE_STATUSES, ...L2F_STATUSES];

export interface StatusRules {
  read: boolean;
  update: boolean;
  transact: boolean;
  next: readonly BaseStatus[];
}

export function rulesOf(status: BaseStatus): StatusRules {
  switch (status) {
    case 'ACTIVE':
      return { read: true, update: true, transact: true, next: ['EDD', 'DORMANT', 'CLOSED', 'FROZEN'] };
    case 'PENDING':
      return { read: true, update: true, transact: false, next: ['ACTIVE', 'CLOSED'] };
    case 'EDD':
      return { read: true, update: true, transact: true, next: ['ACTIVE', 'CLOSED', 'FROZEN'] };
    case 'FROZEN':
      return { read: true, update: true, transact: false, next: ['ACTIVE', 'CLOSED', 'EDD'] };
    case 'DORMANT':
      return { read: true, update: true, transact: true, next: ['ACTIVE', 'CLOSED', 'EDD'] };
    case 'CLOSED':
      return { read: true, update: false, transact: false, next: [] };
    default: {
      const exhaustive: never = status;
      throw new Error(`unknown status ${String(exhaustive)}`);
    }
  }
}

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

export function isL2f(status: Status): status is L2fStatus {
  return status.endsWith('_L2F');
}

export function baseOf(status: Status): BaseStatus {
  return (isL2f(status) ? status.slice(0, -4) : status) as BaseStatus;
}

export function canTransact(status: Status): boolean {
  return rulesOf(baseOf(status)).transact;
}

export interface Actor {
  /** true when the call is made by the platform operator (acting for a client). */
  operator: boolean;
}

/**
 * Refuses updating a resource at all (any field) in its current status.
 * CLOSED is never updatable; an `_L2F` status is updatable by the operator only.
 */
export function assertUpdatable(current: Status, actor: Actor, what: string): void {
  if (!rulesOf(baseOf(current)).update) {
    throw new AppError('NOT_UPDATABLE', `The ${what} is ${current} and cannot be updated.`, 'status');
  }
  if (isL2f(current) && !actor.operator) {
    throw new AppError(
      'L2F_STATUS_RESERVED',
      `The ${what} is ${current}: it awaits action by the platform operator and cannot be updated by the client.`,
      'status',
    );
  }
}

/**
 * Checks a status change. Same status: no change (returns false). `_L2F` statuses are set and
 * cleared only by the operator; moving between a status and its `_L2F` variant is always allowed
 * to the operator; any other move follows the base matrix.
 */
export function checkTransition(current: Status, target: Status, actor: Actor, what: string): boolean {
  assertUpdatable(current, actor, what);
  if (current === target) return false;
  if (isL2f(target) && !actor.operator) {
    throw new AppError('L2F_STATUS_RESERVED', `Only the platform operator can set ${target}.`, 'status');
  }
  const from = baseOf(current);
  const to = baseOf(target);
  if (from === to) return true;
  if (!rulesOf(from).next.includes(to)) {
    throw new AppError(
      'INVALID_STATUS_TRANSITION',
      `The ${what} cannot move from ${current} to ${target}. Allowed from ${current}: ${rulesOf(from).next.join(', ') || 'none'}.`,
      'status',
    );
  }
  return true;
}
