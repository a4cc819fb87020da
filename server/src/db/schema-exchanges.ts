/** Drizzle tables of migrations/0009_exchanges.sql. */
import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { minor, ts } from './columns.js';

export const fxRates = pgTable(
  'fx_rates',
  { base: text('base').notNull(), quote: text('quote').notNull(), mid: text('mid').notNull(), updatedAt: ts('updated_at').notNull() },
  (t) => [primaryKey({ columns: [t.base, t.quote] })],
);

export const EXCHANGE_STATUSES = ['REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED'] as const;

export const exchanges = pgTable(
  'exchanges',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    exchangeType: text('exchange_type', { enum: ['QUOTE', 'MARKET'] }).notNull(),
    action: text('action', { enum: ['FIX_SOURCE', 'FIX_DESTINATION'] }).notNull(),
    status: text('status', { enum: EXCHANGE_STATUSES }).notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    destinationAccountId: text('destination_account_id').notNull(),
    sourceAssetTypeId: text('source_asset_type_id').notNull(),
    destinationAssetTypeId: text('destination_asset_type_id').notNull(),
    amountToDebit: minor('amount_to_debit').notNull(),
    amountToCredit: minor('amount_to_credit').notNull(),
    fee: minor('fee').notNull(),
    rate: text('rate').notNull(),
    midRate: text('mid_rate').notNull(),
    spreadBps: integer('spread_bps').notNull(),
    maximumSlippage: text('maximum_slippage'),
    description: text('description'),
    validUntil: ts('valid_until').notNull(),
    rejectionReason: text('rejection_reason'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    executedAt: ts('executed_at'),
    seq: bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
