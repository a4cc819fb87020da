-- The webhook dispatcher's queue: one row per event not yet dispatched (its seq, client and id),
-- written with the event by a statement trigger (events.sql) and deleted by the dispatcher in the
-- transaction that makes the event's deliveries. Before, the dispatcher set events.dispatched_at:
-- an UPDATE of every event, whose new version took an entry in each of the table's indexes (the
-- partial index on undispatched rows named the column, so it could not be a heap-only update).
-- Under the batch load that doubled PostgreSQL's work per event (docs/benchmarks.md). Events are
-- now written once and never updated.
CREATE TABLE event_outbox (
  seq bigint PRIMARY KEY,
  client_id text NOT NULL,
  event_id text NOT NULL
);
INSERT INTO event_outbox (seq, client_id, event_id) SELECT seq, client_id, id FROM events WHERE dispatched_at IS NULL;
DROP INDEX IF EXISTS events_undispatched;
ALTER TABLE events DROP COLUMN dispatched_at;
