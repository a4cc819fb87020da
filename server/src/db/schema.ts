/**
 * Drizzle table definitions: the typed view of the tables that migrations/*.sql create.
 * The SQL files are the source of truth for the database; test/db-schema.test.ts checks that
 * every column declared here exists with this name in the migrated database.
 */
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { minor, seq, ts } from './columns.js';

export const platformSettings = pgTable('platform_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const clients = pgTable('clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  regulated: boolean('regulated').notNull(),
  scopes: text('scopes').array().notNull(),
  signingRequired: boolean('signing_required').notNull(),
  isOperator: boolean('is_operator').notNull(),
  tokensValidAfter: ts('tokens_valid_after').notNull(),
  exchangeSpreadBps: integer('exchange_spread_bps').notNull().default(0),
  sandboxClockOffsetMs: bigint('sandbox_clock_offset_ms', { mode: 'number' }).notNull().default(0),
  apiVersion: text('api_version').notNull().default('1.1.2'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  seq: seq(),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    clientId: text('client_id').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: text('response_body').notNull(),
    responseContentType: text('response_content_type').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.key] })],
);

export const events = pgTable(
  'events',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    eventType: text('event_type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    eventData: jsonb('event_data').notNull(),
    createdAt: ts('created_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

/**
 * The webhook dispatcher's queue (migrations 0054, 0055): per statement that wrote events, per
 * client, the events' ids and types in their order (a trigger, events.sql), until the dispatcher
 * has made their deliveries.
 */
export const eventOutbox = pgTable('event_outbox', {
  seq: bigint('seq', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  clientId: text('client_id').notNull(),
  eventIds: text('event_ids').array().notNull(),
  eventTypes: text('event_types').array().notNull(),
});

export const resourceHistory = pgTable(
  'resource_history',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    field: text('field').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    actorClientId: text('actor_client_id').notNull(),
    actorType: text('actor_type', { enum: ['client', 'operator'] }).notNull(),
    updatedBy: text('updated_by'),
    reason: text('reason'),
    createdAt: ts('created_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const customers = pgTable(
  'customers',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    customerType: text('customer_type', { enum: ['INDIVIDUAL', 'CORPORATION'] }).notNull(),
    status: text('status').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const customerIndividuals = pgTable(
  'customer_individuals',
  {
    clientId: text('client_id').notNull(),
    customerId: text('customer_id').notNull(),
    id: text('id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const clientCatalogue = pgTable('client_catalogue', {
  clientId: text('client_id').primaryKey(),
  products: text('products').array().notNull(),
  assets: text('assets').array().notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const ledgerAccounts = pgTable('ledger_accounts', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  clientId: text('client_id'),
  kind: text('kind', { enum: ['customer', 'platform'] }).notNull(),
  code: text('code'),
  assetTypeId: text('asset_type_id').notNull(),
  allowNegative: boolean('allow_negative').notNull(),
  posted: minor('posted').notNull(),
  pendingIn: minor('pending_in').notNull(),
  pendingOut: minor('pending_out').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const accounts = pgTable(
  'accounts',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    productId: text('product_id').notNull(),
    productType: text('product_type', { enum: ['CLIENT', 'DEPOSIT', 'VIRTUAL'] }).notNull(),
    family: text('family', { enum: ['deposits', 'payments'] }).notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    status: text('status').notNull(),
    ledgerAccountId: bigint('ledger_account_id', { mode: 'bigint' }).notNull(),
    lastActivityAt: ts('last_activity_at').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const addressLeases = pgTable(
  'address_leases',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    walletAddress: text('wallet_address').notNull(),
    leaseEnforced: boolean('lease_enforced').notNull(),
    leaseEndDate: ts('lease_end_date'),
    leaseTransactionLimit: integer('lease_transaction_limit'),
    leaseValueLimit: minor('lease_value_limit'),
    payorId: text('payor_id'),
    paymentReference: text('payment_reference'),
    expectedAmount: minor('expected_amount'),
    receivedCount: integer('received_count').notNull().default(0),
    receivedValue: minor('received_value').notNull().default(0n),
    expiredAt: ts('expired_at'),
    createdAt: ts('created_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const ledgerEntries = pgTable('ledger_entries', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  clientId: text('client_id'),
  categoryType: text('category_type').notNull(),
  categoryId: text('category_id').notNull(),
  description: text('description'),
  createdAt: ts('created_at').notNull(),
});

export const ledgerHolds = pgTable('ledger_holds', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  clientId: text('client_id'),
  debitAccountId: bigint('debit_account_id', { mode: 'bigint' }).notNull(),
  creditAccountId: bigint('credit_account_id', { mode: 'bigint' }).notNull(),
  assetTypeId: text('asset_type_id').notNull(),
  amount: minor('amount').notNull(),
  postedAmount: minor('posted_amount'),
  status: text('status', { enum: ['OPEN', 'POSTED', 'VOIDED', 'EXPIRED'] }).notNull(),
  phase: text('phase', { enum: ['AUTHORIZED', 'PENDING'] }).notNull(),
  categoryType: text('category_type').notNull(),
  categoryId: text('category_id').notNull(),
  expiresAt: ts('expires_at'),
  createdAt: ts('created_at').notNull(),
  resolvedAt: ts('resolved_at'),
});

export const ledgerTransactions = pgTable('ledger_transactions', {
  id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
  publicId: text('public_id').notNull(),
  clientId: text('client_id'),
  ledgerAccountId: bigint('ledger_account_id', { mode: 'bigint' }).notNull(),
  accountId: text('account_id'),
  assetTypeId: text('asset_type_id').notNull(),
  kind: text('kind', { enum: ['line', 'hold'] }).notNull(),
  entryId: bigint('entry_id', { mode: 'bigint' }),
  holdId: bigint('hold_id', { mode: 'bigint' }),
  amount: minor('amount').notNull(),
  status: text('status', { enum: ['AUTHORIZED', 'PENDING', 'POSTED', 'CANCELLED'] }).notNull(),
  runningBalance: minor('running_balance'),
  transactionType: text('transaction_type').notNull(),
  categoryType: text('category_type').notNull(),
  categoryId: text('category_id').notNull(),
  description: text('description'),
  details: jsonb('details').$type<Record<string, unknown>>(),
  createdAt: ts('created_at').notNull(),
  postedAt: ts('posted_at'),
});

export const adjustments = pgTable(
  'adjustments',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    amount: minor('amount').notNull(),
    transactionType: text('transaction_type', { enum: ['CREDIT_CORRECTION', 'DEBIT_CORRECTION'] }).notNull(),
    reason: text('reason').notNull(),
    actorClientId: text('actor_client_id').notNull(),
    entryId: bigint('entry_id', { mode: 'bigint' }).notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const transfers = pgTable(
  'transfers',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    destinationAccountId: text('destination_account_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    amount: minor('amount').notNull(),
    description: text('description'),
    status: text('status', { enum: ['REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED'] }).notNull(),
    validUntil: ts('valid_until').notNull(),
    entryId: bigint('entry_id', { mode: 'bigint' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    executedAt: ts('executed_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const signingKeys = pgTable(
  'signing_keys',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    publicKey: text('public_key').notNull(),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const signatureUses = pgTable(
  'signature_uses',
  {
    clientId: text('client_id').notNull(),
    digest: text('digest').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.digest] })],
);
