/** Drizzle tables of migrations/0008_money_movement.sql. */
import { bigint, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { minor, seq, ts } from './columns.js';

export const deposits = pgTable(
  'deposits',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    depositType: text('deposit_type', { enum: ['PUSH', 'PULL'] }).notNull(),
    status: text('status', { enum: ['REQUESTED', 'ACCEPTED', 'EXECUTED', 'FAILURE', 'RETURNED'] }).notNull(),
    destinationAccountId: text('destination_account_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    memo: text('memo'),
    instructions: jsonb('instructions').$type<Record<string, unknown>[]>(),
    sourceCounterpartyId: text('source_counterparty_id'),
    amount: minor('amount'),
    reference: text('reference'),
    holdId: bigint('hold_id', { mode: 'bigint' }),
    settleAt: ts('settle_at'),
    receivedTotal: minor('received_total').notNull(),
    receivedCount: integer('received_count').notNull(),
    failureReason: text('failure_reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    acceptedAt: ts('accepted_at'),
    executedAt: ts('executed_at'),
    /** Funds sent to a virtual account's details (migration 0050). */
    virtualAccountId: text('virtual_account_id'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const incomingFunds = pgTable('incoming_funds', {
  id: text('id').primaryKey(),
  rail: text('rail').notNull(),
  assetTypeId: text('asset_type_id').notNull(),
  amount: minor('amount').notNull(),
  memo: text('memo'),
  walletAddress: text('wallet_address'),
  originator: jsonb('originator').$type<Record<string, unknown>>(),
  railReference: text('rail_reference').notNull(),
  /** RETURNED: sent to a DISABLED or CLOSED virtual account, refused (migration 0050). */
  status: text('status', { enum: ['CREDITED', 'SUSPENSE', 'ASSIGNED', 'RETURNED'] }).notNull(),
  reason: text('reason'),
  clientId: text('client_id'),
  accountId: text('account_id'),
  depositId: text('deposit_id'),
  leaseId: text('lease_id'),
  transactionId: text('transaction_id'),
  createdAt: ts('created_at').notNull(),
  assignedAt: ts('assigned_at'),
  assignedBy: text('assigned_by'),
  virtualAccountId: text('virtual_account_id'),
  seq: seq(),
});

export const WITHDRAWAL_STATUSES = [
  'REQUESTED',
  'CHANGES_REQUESTED',
  'AUTHORIZED',
  'IN_PROGRESS',
  'EXECUTED',
  'FAILED',
  'RETURNED',
  'CANCELLED',
  'EXPIRED',
  'REJECTED',
] as const;

export const withdrawals = pgTable(
  'withdrawals',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    destinationCounterpartyId: text('destination_counterparty_id').notNull(),
    withdrawalRail: text('withdrawal_rail').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    amount: minor('amount').notNull(),
    purpose: text('purpose').notNull(),
    description: text('description'),
    memo: text('memo'),
    status: text('status', { enum: WITHDRAWAL_STATUSES }).notNull(),
    validUntil: ts('valid_until').notNull(),
    holdId: bigint('hold_id', { mode: 'bigint' }),
    documentId: text('document_id'),
    sendAt: ts('send_at'),
    settleAt: ts('settle_at'),
    railReference: text('rail_reference'),
    failureReason: text('failure_reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    acceptedAt: ts('accepted_at'),
    executedAt: ts('executed_at'),
    returnedAt: ts('returned_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const payors = pgTable(
  'payors',
  {
    clientId: text('client_id').notNull(),
    customerId: text('customer_id').notNull(),
    id: text('id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.customerId, t.id] })],
);

/** Rail 1.1.2 Payments (collections): the stored states; EXECUTED/FAILURE come from its deposit. */
export const payments = pgTable(
  'payments',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    sourceCounterpartyId: text('source_counterparty_id').notNull(),
    destinationAccountId: text('destination_account_id').notNull(),
    assetTypes: text('asset_types').array().notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: ['REQUESTED', 'CHANGES_REQUESTED', 'ACCEPTED'] }).notNull(),
    depositId: text('deposit_id'),
    documentId: text('document_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    acceptedAt: ts('accepted_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
