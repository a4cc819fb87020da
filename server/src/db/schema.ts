/**
 * Drizzle table definitions: the typed view of the tables that migrations/*.sql create.
 * The SQL files are the source of truth for the database; test/db-schema.test.ts checks that
 * every column declared here exists with this name in the migrated database.
 */
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const seq = () => bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity();

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
    state: text('state', { enum: ['in_progress', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    responseContentType: text('response_content_type'),
    lockedUntil: ts('locked_until').notNull(),
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
