/**
 * Drizzle tables of webhooks (migrations/0006_webhooks.sql): subscriptions, deliveries, attempts,
 * fed by the events module's queue of undispatched events (event_outbox, migrations 0054 and 0055).
 */
import { boolean, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { seq, ts } from './columns.js';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED', 'CANCELLED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const subscriptions = pgTable(
  'subscriptions',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    eventType: text('event_type').notNull(),
    callbackUrl: text('callback_url').notNull(),
    publicKey: text('public_key').notNull(),
    privateKey: text('private_key').notNull(),
    createdAt: ts('created_at').notNull(),
    deletedAt: ts('deleted_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: ts('next_attempt_at'),
    lockedUntil: ts('locked_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    deliveredAt: ts('delivered_at'),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    succeeded: boolean('succeeded').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
