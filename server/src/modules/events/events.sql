-- The events module's SQL (CONTRACT §9): how SQL use cases of other modules append an event in
-- their own transaction, as writeEvents does from TypeScript; and the trigger that queues every
-- event for the webhook dispatcher. The one writer of `events` and `event_outbox` from SQL.
-- Applied by checksum after the migrations (src/db/sources.ts); safe to run again.
-- PL/pgSQL, not SQL functions: a SQL function's statement is planned anew at every call from
-- another function, PL/pgSQL keeps its plan for the session (0.3 -> 0.1 ms for two events).
CREATE OR REPLACE FUNCTION event_append(
  p_client_id text, p_id text, p_event_type text, p_resource_type text, p_resource_id text, p_data jsonb, p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at)
  VALUES (p_client_id, p_id, p_event_type, p_resource_type, p_resource_id, p_data, p_at);
END $$;

-- TRANSACTION_* events: {transaction: {id, status, account_id, category_type, category_id}}.
CREATE OR REPLACE FUNCTION event_transaction(
  p_client_id text, p_id text, p_status text, p_transaction_id text, p_account_id text,
  p_category_type text, p_category_id text, p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM event_append(p_client_id, p_id, 'TRANSACTION_' || p_status, 'transaction', p_transaction_id,
    jsonb_build_object('transaction', jsonb_build_object('id', p_transaction_id, 'status', p_status,
      'account_id', p_account_id, 'category_type', p_category_type, 'category_id', p_category_id)), p_at);
END $$;

-- The TRANSACTION_POSTED events of two-line entries (transfers): two per item, in item order, the
-- debit line's first. Item g: p_category_ids[g] (NULL: the item posted nothing, no event), its
-- debit line's event p_debit_events[g] for transaction p_debit_txns[g] of account
-- p_debit_accounts[g], its credit line's likewise. Arrays, not JSON: a batch's 200 events built as
-- JSON rows and read back took 2.3 ms, from arrays 0.7 ms (docs/benchmarks.md).
DROP FUNCTION IF EXISTS event_transactions(text, jsonb, timestamptz);
CREATE OR REPLACE FUNCTION event_transaction_pairs(
  p_client_id text, p_category_type text, p_category_ids text[],
  p_debit_events text[], p_debit_txns text[], p_debit_accounts text[],
  p_credit_events text[], p_credit_txns text[], p_credit_accounts text[], p_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at)
  SELECT p_client_id, e.id, 'TRANSACTION_POSTED', 'transaction', e.txn,
         jsonb_build_object('transaction', jsonb_build_object('id', e.txn, 'status', 'POSTED', 'account_id', e.account,
           'category_type', p_category_type, 'category_id', p_category_ids[g])), p_at
    FROM generate_series(1, coalesce(cardinality(p_category_ids), 0)) g,
      LATERAL (VALUES (1, p_debit_events[g], p_debit_txns[g], p_debit_accounts[g]),
                      (2, p_credit_events[g], p_credit_txns[g], p_credit_accounts[g])) e(side, id, txn, account)
   WHERE p_category_ids[g] IS NOT NULL
   ORDER BY g, e.side;
END $$;

-- Every event goes to the webhook dispatcher's queue (event_outbox, migrations 0054, 0055), whoever
-- writes it (writeEvents, the functions above): per statement that wrote events, one row per client
-- holding their ids and types in the order written (a batch's 200 events are one row, not 200).
-- The dispatcher deletes the rows it dispatches; the event itself is never updated.
CREATE OR REPLACE FUNCTION events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_outbox (client_id, event_ids, event_types)
    SELECT n.client_id, array_agg(n.id ORDER BY n.seq), array_agg(n.event_type ORDER BY n.seq)
      FROM new_events n GROUP BY n.client_id ORDER BY min(n.seq);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_enqueue ON events;
CREATE TRIGGER events_enqueue AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION events_enqueue();

-- The client of every event exists, checked per INSERT statement (migration 0056, which replaced the
-- foreign key's query per event): foreign_key_violation otherwise, whoever writes. Clients are never
-- deleted and an event's client never changes (both refused, migration 0056).
CREATE OR REPLACE FUNCTION events_references() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $$
DECLARE
  v_bad text;
BEGIN
  SELECT n.id INTO v_bad FROM new_events n WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = n.client_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'event % names a client that does not exist', v_bad USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_references ON events;
CREATE TRIGGER events_references AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION events_references();

-- Deletes events of this transaction that announce what did not happen after all: a batch writes
-- its transfers' events before it takes its locks, then drops those of the items refused under them.
-- Only events nothing has been delivered for (no webhook delivery can reference an uncommitted
-- event). Their ids stay in their statement's row of the dispatcher's queue, which delivers only
-- events that exist (rewriting the row here would be a second version of it for every refusal).
CREATE OR REPLACE FUNCTION events_discard(p_client_id text, p_ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM events WHERE client_id = p_client_id AND id = ANY (p_ids);
END $$;
