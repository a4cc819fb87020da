import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from '../../db/columns.js';

/** Migration 0025. Owned by this module: nothing else reads or writes it. */
export const eventListeners = pgTable(
  'event_listeners',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    publicKey: text('public_key').notNull(),
    privateKey: text('private_key').notNull(),
    eventTypes: text('event_types').array(),
    startSeq: bigint('start_seq', { mode: 'bigint' }).notNull(),
    createdAt: ts('created_at').notNull(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export type EventListenerRow = typeof eventListeners.$inferSelect;
