-- The webhook dispatcher's queue (migration 0054) holds one row per statement that wrote events,
-- per client, with the events' ids and types in the order written, instead of one row per event.
-- A batch of 100 transfers writes 200 events in one statement: it queued 200 rows (200 index
-- entries), which the dispatcher deleted one by one, reading each event back; it now queues one,
-- and the dispatcher reads events only for the kinds (client, type) somebody subscribes to
-- (docs/benchmarks.md: the batch route ran about 15% faster). The rows an earlier version queued
-- become one row each, in their order.
ALTER TABLE event_outbox RENAME TO event_outbox_0054;
ALTER INDEX event_outbox_pkey RENAME TO event_outbox_0054_pkey;
CREATE TABLE event_outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_id text NOT NULL,
  event_ids text[] NOT NULL,
  event_types text[] NOT NULL,
  CHECK (cardinality(event_ids) = cardinality(event_types))
);
INSERT INTO event_outbox (client_id, event_ids, event_types)
  SELECT o.client_id, ARRAY[o.event_id], ARRAY[e.event_type]
    FROM event_outbox_0054 o JOIN events e ON e.client_id = o.client_id AND e.id = o.event_id
   ORDER BY o.seq;
DROP TABLE event_outbox_0054;
