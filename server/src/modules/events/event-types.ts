/**
 * Every event type a subscription may name (LAYER2_API.md §2.14; CONTRACT §9): the union of
 * Layer2's 1.1.2 (Rail) and 1.0.5 enums, plus the types Ledgerline itself writes (DORMANT
 * statuses, counterparty statuses, payment events of the guides).
 */
const STATUSES = ['ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED', 'PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F'] as const;
/** Accounts spell ACTIVE as OPEN on the wire. */
const ACCOUNT_STATUSES = STATUSES.map((s) => (s === 'ACTIVE' ? 'OPEN' : s));

export const EVENT_TYPES: readonly string[] = [
  ...STATUSES.map((s) => `CUSTOMER_${s}`),
  ...ACCOUNT_STATUSES.map((s) => `ACCOUNT_${s}`),
  'ACCOUNT_DEPOSIT_INSTRUCTIONS_UPDATE',
  ...STATUSES.map((s) => `COUNTERPARTY_${s}`),
  'APPLICATION_INCOMPLETE',
  'APPLICATION_READY_FOR_SUBMISSION',
  'APPLICATION_SUBMITTED',
  'APPLICATION_PROCESSING',
  'APPLICATION_CHANGE_REQUESTED',
  'APPLICATION_APPROVED',
  'APPLICATION_REJECTED',
  'TRANSACTION_AUTHORIZED',
  'TRANSACTION_PENDING',
  'TRANSACTION_POSTED',
  'TRANSACTION_CANCELLED',
  'WITHDRAWAL_CHANGES_REQUESTED',
  'PAYMENT_CONFIRMED',
  'PAYMENT_EXCHANGE_EXECUTED',
  'PAYMENT_CHANGES_REQUESTED',
  'VIRTUAL_ACCOUNT_ACTIVE',
  'VIRTUAL_ACCOUNT_DISABLED',
  'VIRTUAL_ACCOUNT_CLOSED',
  'VIRTUAL_ACCOUNT_PAYMENT_RETURNED',
  'CARD_CREATED',
  'CARD_STATUS_CHANGED',
  'CARD_SENSITIVE_VIEWED',
  'CARD_AUTHORIZATION_CREATED',
  'CARD_AUTHORIZATION_CLOSED',
];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): boolean {
  return KNOWN.has(value);
}
