import type { ApplicationStatus } from '../../db/schema-onboarding.js';
import { AppError } from '../../shared/errors.js';

/**
 * The application status machine (LAYER2_API.md §2.1, docs/applications.md):
 *
 *   INCOMPLETE ⇄ READY_FOR_SUBMISSION ─submit→ SUBMITTED → PROCESSING → APPROVED | REJECTED | CHANGES_REQUESTED
 *   CHANGES_REQUESTED ─(everything asked for changed)→ READY_FOR_SUBMISSION (or INCOMPLETE if something else is missing)
 *
 * `editable`: the client may change the data (PATCH, individuals, uploads, access codes).
 */
export interface ApplicationRules {
  editable: boolean;
  next: readonly ApplicationStatus[];
}

export function rulesOf(status: ApplicationStatus): ApplicationRules {
  switch (status) {
    case 'INCOMPLETE':
      return { editable: true, next: ['READY_FOR_SUBMISSION'] };
    case 'READY_FOR_SUBMISSION':
      return { editable: true, next: ['INCOMPLETE', 'SUBMITTED'] };
    case 'SUBMITTED':
      return { editable: false, next: ['PROCESSING'] };
    case 'PROCESSING':
      return { editable: false, next: ['APPROVED', 'REJECTED', 'CHANGES_REQUESTED'] };
    case 'CHANGES_REQUESTED':
      return { editable: true, next: ['READY_FOR_SUBMISSION', 'INCOMPLETE'] };
    case 'APPROVED':
      return { editable: false, next: [] };
    case 'REJECTED':
      return { editable: false, next: [] };
    default: {
      const exhaustive: never = status;
      throw new Error(`unknown application status ${String(exhaustive)}`);
    }
  }
}

export const isTerminal = (status: ApplicationStatus) => rulesOf(status).next.length === 0;

export function assertEditable(status: ApplicationStatus): void {
  if (rulesOf(status).editable) return;
  const why = isTerminal(status) ? 'a final decision was made' : 'it is under review';
  throw new AppError('NOT_UPDATABLE', `The application is ${status} and cannot be changed: ${why}.`, 'status');
}

export function assertTransition(from: ApplicationStatus, to: ApplicationStatus): void {
  if (rulesOf(from).next.includes(to)) return;
  const allowed = rulesOf(from).next.join(', ') || 'none';
  throw new AppError(
    'INVALID_STATUS_TRANSITION',
    `The application cannot move from ${from} to ${to}. Allowed from ${from}: ${allowed}.`,
    'status',
  );
}

/**
 * The status the data implies while the client edits: READY_FOR_SUBMISSION when nothing is
 * missing, INCOMPLETE otherwise; CHANGES_REQUESTED stays until everything asked for is changed.
 * Other statuses move only by submit and decisions.
 */
export function impliedStatus(current: ApplicationStatus, facts: { complete: boolean; changesOutstanding: boolean }): ApplicationStatus {
  switch (current) {
    case 'INCOMPLETE':
    case 'READY_FOR_SUBMISSION':
      return facts.complete ? 'READY_FOR_SUBMISSION' : 'INCOMPLETE';
    case 'CHANGES_REQUESTED':
      if (facts.changesOutstanding) return current;
      return facts.complete ? 'READY_FOR_SUBMISSION' : 'INCOMPLETE';
    case 'SUBMITTED':
    case 'PROCESSING':
    case 'APPROVED':
    case 'REJECTED':
      return current;
    default: {
      const exhaustive: never = current;
      throw new Error(`unknown application status ${String(exhaustive)}`);
    }
  }
}

/** Layer2's event names: APPLICATION_<STATUS>, except APPLICATION_CHANGE_REQUESTED (singular). */
export function eventTypeOf(status: ApplicationStatus): string {
  return status === 'CHANGES_REQUESTED' ? 'APPLICATION_CHANGE_REQUESTED' : `APPLICATION_${status}`;
}
