/** Drizzle tables of migrations/0050_virtual_accounts.sql (the virtual-accounts module's). */
import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { seq, ts } from './columns.js';

export const VIRTUAL_ACCOUNT_RAILS = ['ACH', 'FEDWIRE', 'SEPA_CT'] as const;
export const VIRTUAL_ACCOUNT_STATUSES = ['ACTIVE', 'DISABLED', 'CLOSED'] as const;

export const virtualAccounts = pgTable(
  'virtual_accounts',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    customerId: text('customer_id').notNull(),
    rail: text('rail', { enum: VIRTUAL_ACCOUNT_RAILS }).notNull(),
    status: text('status', { enum: VIRTUAL_ACCOUNT_STATUSES }).notNull(),
    name: text('name'),
    accountNumber: text('account_number'),
    routingNumber: text('routing_number'),
    iban: text('iban'),
    bic: text('bic'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
