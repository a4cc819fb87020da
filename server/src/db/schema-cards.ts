/** Drizzle tables of migrations/0040_cards.sql. */
import { bigint, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { minor, seq, ts } from './columns.js';

export const CARD_STATUSES = ['INACTIVE', 'ACTIVE', 'LOCKED', 'CLOSED', 'LOST', 'STOLEN'] as const;
export const CARD_AUTHORIZATION_STATUSES = ['PENDING', 'CLOSED', 'DECLINED'] as const;
export const CLOSED_REASONS = ['CAPTURED', 'REVERSED', 'EXPIRED'] as const;

/** Spending controls as stored: limits in minor units (decimal text), lists as given. */
export interface StoredControls {
  per_authorization_limit?: string;
  daily_limit?: string;
  monthly_limit?: string;
  allowed_mccs?: string[];
  blocked_mccs?: string[];
  allowed_countries?: string[];
}

export interface Merchant {
  name: string;
  mcc: string;
  city?: string;
  country: string;
}

export const cards = pgTable(
  'cards',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    accountId: text('account_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    cardType: text('card_type', { enum: ['VIRTUAL', 'PHYSICAL'] }).notNull(),
    status: text('status', { enum: CARD_STATUSES }).notNull(),
    network: text('network').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    cardholderName: text('cardholder_name').notNull(),
    spendingControls: jsonb('spending_controls').$type<StoredControls>().notNull(),
    shippingAddress: jsonb('shipping_address').$type<Record<string, unknown>>(),
    panEncrypted: text('pan_encrypted').notNull(),
    cvvEncrypted: text('cvv_encrypted').notNull(),
    panHash: text('pan_hash').notNull(),
    replacesCardId: text('replaces_card_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const cardAuthorizations = pgTable(
  'card_authorizations',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    cardId: text('card_id').notNull(),
    accountId: text('account_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    status: text('status', { enum: CARD_AUTHORIZATION_STATUSES }).notNull(),
    amount: minor('amount').notNull(),
    capturedAmount: minor('captured_amount').notNull(),
    reversedAmount: minor('reversed_amount').notNull(),
    declineReason: text('decline_reason'),
    closedReason: text('closed_reason', { enum: CLOSED_REASONS }),
    merchant: jsonb('merchant').$type<Merchant>().notNull(),
    holdId: bigint('hold_id', { mode: 'bigint' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const cardRefunds = pgTable(
  'card_refunds',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    cardId: text('card_id').notNull(),
    accountId: text('account_id').notNull(),
    amount: minor('amount').notNull(),
    merchant: jsonb('merchant').$type<Merchant>().notNull(),
    entryId: bigint('entry_id', { mode: 'bigint' }).notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const cardAuthorizationWebhooks = pgTable('card_authorization_webhooks', {
  clientId: text('client_id').primaryKey(),
  url: text('url').notNull(),
  timeoutDecision: text('timeout_decision', { enum: ['APPROVE', 'DECLINE'] }).notNull(),
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});
