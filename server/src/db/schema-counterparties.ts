/**
 * Drizzle table of counterparties (migrations/0007_counterparties.sql).
 */
import { boolean, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { seq, ts } from './columns.js';

export const counterparties = pgTable(
  'counterparties',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    counterpartyType: text('counterparty_type').notNull(),
    status: text('status').notNull(),
    supportedRails: text('supported_rails').array().notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    relationshipToCustomer: text('relationship_to_customer'),
    walletAddress: text('wallet_address'),
    linked: boolean('linked').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    link: jsonb('link').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
