-- The transfers module's SQL: accepting transfers in one round trip (the hot path of
-- POST /v1/transfers/{id}/accept, one transfer or a group of concurrent ones). The rules it applies come from TypeScript as parameters — the
-- statuses the machine lets accept (transfers.machine.ts) and the statuses that may transact
-- (shared/status.ts) — so they are written once. Writes transfers (its own table); the ledger
-- through ledger_post_pairs, events through event_transaction_pairs. Reads accounts and customers under
-- the same locks MovementGuard takes, in the same order: the transfer, the accounts (id order,
-- FOR NO KEY UPDATE), their customers (DORMANT ones FOR NO KEY UPDATE, to be woken; others FOR
-- SHARE), then the ledger accounts inside ledger_post_pairs.
-- Applied by checksum after the migrations (src/db/sources.ts); safe to run again.

-- A transfer row as the service reads it (money and ids as text: JSON numbers would lose digits).
CREATE OR REPLACE FUNCTION transfer_json(t transfers) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('client_id', t.client_id, 'id', t.id, 'source_account_id', t.source_account_id,
    'destination_account_id', t.destination_account_id, 'asset_type_id', t.asset_type_id, 'amount', t.amount::text,
    'description', t.description, 'status', t.status, 'valid_until', t.valid_until, 'entry_id', t.entry_id::text,
    'created_at', t.created_at, 'updated_at', t.updated_at, 'executed_at', t.executed_at, 'seq', t.seq::text);
$$;

-- Plans: generic, with sequential and bitmap scans off, as the ledger's (ledger.sql, "Plans"):
-- every statement here is a key lookup, whatever the statistics said when a session first planned it.
-- But for the statement that finds an accept's transfers by (client_id, id = ANY(...)), planned at
-- each call (EXECUTE): when the statistics say the client has a row or two (a table analyzed while
-- nearly empty, autovacuum not yet by), an index scan on client_id alone (transfers_list) looks as
-- cheap as the key lookups, even for one whole key, and a kept plan walks the client's whole key
-- range as the table grows (seen: 3 ms per accept group at 1,300 transfers). A plan made now sees
-- the table's current size. It is the only one: it also returns where each locked row is (its
-- ctid), and the accept's updates (executed, expired) find the rows there (a TID scan: no index,
-- no statistics), which saved the two other plans per call (0.2 ms of an accept; docs/benchmarks.md).

-- The accounts of every transfer exist, checked per INSERT statement (migration 0056, which replaced
-- the foreign keys' queries per transfer: a batch of 100 ran 300): both its accounts, of its client
-- (so the client exists: accounts.client_id references clients); foreign_key_violation otherwise,
-- whoever writes. Accounts are never deleted and a transfer's accounts never change (both refused,
-- migration 0056).
CREATE OR REPLACE FUNCTION transfers_references() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $$
DECLARE
  v_bad text;
BEGIN
  -- One anti-join per account, each a nested loop of key lookups (see ledger_lines_references).
  SELECT n.id INTO v_bad FROM new_transfers n
   WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.client_id = n.client_id AND a.id = n.source_account_id) LIMIT 1;
  IF NOT FOUND THEN
    SELECT n.id INTO v_bad FROM new_transfers n
     WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.client_id = n.client_id AND a.id = n.destination_account_id) LIMIT 1;
  END IF;
  IF FOUND THEN
    RAISE EXCEPTION 'transfer % names an account that does not exist', v_bad USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS transfers_references ON transfers;
CREATE TRIGGER transfers_references AFTER INSERT ON transfers REFERENCING NEW TABLE AS new_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION transfers_references();

-- The accounts of transfers about to be requested and their customers' statuses, read without a
-- lock: what a create checks (it moves no money). Each account looked up by its key.
CREATE OR REPLACE FUNCTION transfer_parties(p_client_id text, p_account_ids text[])
RETURNS TABLE (id text, asset_type_id text, status text, customer_status text) LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT a.id, a.asset_type_id, a.status, c.status
      FROM (SELECT DISTINCT x AS id FROM unnest(p_account_ids) x) u
      JOIN accounts a ON a.client_id = p_client_id AND a.id = u.id
      LEFT JOIN customers c ON c.client_id = a.client_id AND c.id = a.customer_id;
END $$;

-- The parties of transfers about to move money, locked as every transfer path locks them: the
-- accounts (FOR NO KEY UPDATE), then their customers (DORMANT ones FOR NO KEY UPDATE, to be woken;
-- all FOR SHARE), each kind in id order, and read under those locks. Each is looked up by its key:
-- filtered by id = ANY, a client's thousand accounts were scanned whole, each compared with every id.
-- Arrays sorted by id (duplicates in p_account_ids are fine). (Accounts FOR SHARE, so that a batch
-- could take them while another holds the ledger accounts, was measured: no gain, the ledger
-- accounts' locks and the rows written after them are the serial stretch.)
CREATE OR REPLACE FUNCTION transfer_parties_lock(p_client_id text, p_account_ids text[],
  OUT acc_id text[], OUT acc_status text[], OUT acc_ledger bigint[], OUT acc_customer text[],
  OUT cus_id text[], OUT cus_status text[]) LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
  SELECT array_agg(a.id ORDER BY a.id), array_agg(a.status ORDER BY a.id), array_agg(a.ledger_account_id ORDER BY a.id),
         array_agg(a.customer_id ORDER BY a.id)
    INTO acc_id, acc_status, acc_ledger, acc_customer
    FROM (SELECT DISTINCT x AS id FROM unnest(p_account_ids) x ORDER BY 1) u,
         LATERAL (SELECT a.id, a.status, a.ledger_account_id, a.customer_id FROM accounts a
                   WHERE a.client_id = p_client_id AND a.id = u.id FOR NO KEY UPDATE) a;
  PERFORM 1 FROM (SELECT DISTINCT x AS id FROM unnest(acc_customer) x ORDER BY 1) u,
    LATERAL (SELECT 1 FROM customers c WHERE c.client_id = p_client_id AND c.id = u.id AND c.status = 'DORMANT'
              FOR NO KEY UPDATE) l;
  SELECT array_agg(c.id ORDER BY c.id), array_agg(c.status ORDER BY c.id) INTO cus_id, cus_status
    FROM (SELECT DISTINCT x AS id FROM unnest(acc_customer) x ORDER BY 1) u,
         LATERAL (SELECT c.id, c.status FROM customers c WHERE c.client_id = p_client_id AND c.id = u.id FOR SHARE) c;
END $$;

-- Accepts many transfers of one client in one call: the group commit of concurrent
-- POST /v1/transfers/{id}/accept (platform/unit-of-work.ts coalesces them into one transaction).
-- p_ids must be distinct (a NULL id is an item that does not run: its outcome is null, it writes
-- nothing); item i's ledger lines get p_txn_ids[2i-1] (debit) and [2i] (credit),
-- its events p_event_ids likewise. Locks are taken once for all items, each kind in id order —
-- the transfers, their accounts (FOR NO KEY UPDATE), their customers (DORMANT ones FOR NO KEY
-- UPDATE, to be woken; others FOR SHARE), then the ledger accounts inside ledger_post_pairs — so
-- concurrent calls, and the one-transfer path, cannot deadlock. Funds are checked item by item, in
-- order, on running balances. Only executed items (and EXPIRED ones, which stand) write anything.
-- Returns a JSON array, one outcome per item:
--   {"outcome": "EXECUTED", "transfer", "dormant_accounts", "dormant_customers"} | "NOT_FOUND" |
--   "STATUS" (not acceptable; with the transfer) | "EXPIRED" (now marked so; with it) |
--   "NOT_TRANSACTABLE" (with role, account_id, and account_status or customer_status) | "INSUFFICIENT_FUNDS".
CREATE OR REPLACE FUNCTION transfer_accept_many(
  p_client_id text, p_ids text[], p_at timestamptz, p_from text[], p_transactable text[], p_txn_ids text[], p_event_ids text[]
) RETURNS jsonb LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
DECLARE
  n int := coalesce(cardinality(p_ids), 0);
  v_row_id text[];
  v_rows transfers[];
  v_row_tid tid[];
  v_tid tid[];
  v_updated int := 0;
  r record;
  v_row int[];
  v_out jsonb[];
  v_entry bigint[];
  v_acc_ids text[] := ARRAY[]::text[];
  v_acc_id text[]; v_acc_status text[]; v_acc_ledger bigint[]; v_acc_customer text[];
  v_cus_id text[]; v_cus_status text[];
  v_pair_item int[];
  v_cat text[]; v_desc text[]; v_deb bigint[]; v_cre bigint[]; v_amt numeric[]; v_dref text[]; v_cref text[];
  v_dtxn text[]; v_ctxn text[]; v_funded boolean[]; v_posted bigint[];
  v_ecat text[]; v_devt text[]; v_cevt text[];
  v_src_customer text; v_dst_customer text;
  t transfers;
  i int; j int; k int := 0; s int; d int;
BEGIN
  IF n = 0 THEN RETURN '[]'::jsonb; END IF;
  IF (SELECT count(x) <> count(DISTINCT x) FROM unnest(p_ids) x) THEN
    RAISE EXCEPTION 'transfer_accept_many takes each transfer once' USING ERRCODE = 'LL002';
  END IF;
  v_out := array_fill(NULL::jsonb, ARRAY[n]);
  v_entry := array_fill(NULL::bigint, ARRAY[n]);
  v_row := array_fill(NULL::int, ARRAY[n]);
  v_tid := array_fill(NULL::tid, ARRAY[n]);

  -- Planned for each call (EXECUTE, see "Plans" above): the transfers, locked in id order, read under
  -- their locks, and where each is. The locks keep every other writer off them until COMMIT, and
  -- this call updates each at most once (expired, or executed below): their ctids find them.
  EXECUTE 'SELECT array_agg(tr.id ORDER BY tr.id), array_agg(tr.r ORDER BY tr.id), array_agg(tr.ctid ORDER BY tr.id)
             FROM (SELECT t AS r, t.id, t.ctid FROM transfers t WHERE t.client_id = $1 AND t.id = ANY ($2)
                    ORDER BY t.id FOR NO KEY UPDATE) tr'
    INTO v_row_id, v_rows, v_row_tid USING p_client_id, p_ids;
  FOR i IN 1 .. n LOOP
    CONTINUE WHEN p_ids[i] IS NULL; -- not run (its outcome stays null)
    j := array_position(v_row_id, p_ids[i]);
    IF j IS NULL THEN v_out[i] := jsonb_build_object('outcome', 'NOT_FOUND'); CONTINUE; END IF;
    t := v_rows[j];
    IF NOT (t.status = ANY (p_from)) THEN
      v_out[i] := jsonb_build_object('outcome', 'STATUS', 'transfer', transfer_json(t));
      CONTINUE;
    END IF;
    IF p_at > t.valid_until THEN
      UPDATE transfers SET status = 'EXPIRED', updated_at = p_at WHERE ctid = v_row_tid[j] RETURNING * INTO t;
      IF t.id IS DISTINCT FROM p_ids[i] OR t.client_id IS DISTINCT FROM p_client_id THEN
        RAISE EXCEPTION 'transfer_accept_many found another row than transfer %', p_ids[i] USING ERRCODE = 'LL002';
      END IF;
      v_out[i] := jsonb_build_object('outcome', 'EXPIRED', 'transfer', transfer_json(t));
      CONTINUE;
    END IF;
    v_row[i] := j;
    v_tid[i] := v_row_tid[j];
    v_acc_ids := v_acc_ids || t.source_account_id || t.destination_account_id;
  END LOOP;
  IF cardinality(v_acc_ids) = 0 THEN RETURN to_jsonb(v_out); END IF;

  -- The accounts of the acceptable ones and their customers, locked and read.
  SELECT * INTO v_acc_id, v_acc_status, v_acc_ledger, v_acc_customer, v_cus_id, v_cus_status
    FROM transfer_parties_lock(p_client_id, v_acc_ids);

  FOR i IN 1 .. n LOOP
    CONTINUE WHEN v_row[i] IS NULL;
    t := v_rows[v_row[i]];
    s := array_position(v_acc_id, t.source_account_id);
    d := array_position(v_acc_id, t.destination_account_id);
    IF s IS NULL OR d IS NULL THEN
      RAISE EXCEPTION 'transfer % names an unknown account', t.id USING ERRCODE = 'LL002';
    END IF;
    v_src_customer := coalesce(v_cus_status[array_position(v_cus_id, v_acc_customer[s])], 'CLOSED');
    v_dst_customer := coalesce(v_cus_status[array_position(v_cus_id, v_acc_customer[d])], 'CLOSED');
    v_out[i] := CASE
      WHEN NOT (v_acc_status[s] = ANY (p_transactable)) THEN jsonb_build_object('outcome', 'NOT_TRANSACTABLE',
        'role', 'source account', 'account_id', v_acc_id[s], 'account_status', v_acc_status[s])
      WHEN NOT (v_src_customer = ANY (p_transactable)) THEN jsonb_build_object('outcome', 'NOT_TRANSACTABLE',
        'role', 'source account', 'account_id', v_acc_id[s], 'customer_status', v_src_customer)
      WHEN NOT (v_acc_status[d] = ANY (p_transactable)) THEN jsonb_build_object('outcome', 'NOT_TRANSACTABLE',
        'role', 'destination account', 'account_id', v_acc_id[d], 'account_status', v_acc_status[d])
      WHEN NOT (v_dst_customer = ANY (p_transactable)) THEN jsonb_build_object('outcome', 'NOT_TRANSACTABLE',
        'role', 'destination account', 'account_id', v_acc_id[d], 'customer_status', v_dst_customer)
    END;
    CONTINUE WHEN v_out[i] IS NOT NULL;
    k := k + 1;
    v_pair_item[k] := i;
    v_cat[k] := t.id;
    v_desc[k] := t.description;
    v_deb[k] := v_acc_ledger[s];
    v_cre[k] := v_acc_ledger[d];
    v_amt[k] := t.amount;
    v_dref[k] := t.source_account_id;
    v_cref[k] := t.destination_account_id;
    v_dtxn[k] := p_txn_ids[2 * i - 1];
    v_ctxn[k] := p_txn_ids[2 * i];
  END LOOP;
  IF k = 0 THEN RETURN to_jsonb(v_out); END IF;

  SELECT o_funded, o_entries INTO v_funded, v_posted
    FROM ledger_post_pairs(p_client_id, 'TRANSFER', p_at, false, v_cat, v_desc, v_deb, v_cre, v_amt,
      array_fill('INTERNAL_TRANSFER'::text, ARRAY[k]), v_dref, v_cref, v_dtxn, v_ctxn, NULL);
  v_ecat := array_fill(NULL::text, ARRAY[k]);
  FOR j IN 1 .. k LOOP
    i := v_pair_item[j];
    v_devt[j] := p_event_ids[2 * i - 1];
    v_cevt[j] := p_event_ids[2 * i];
    IF v_funded[j] THEN
      v_entry[i] := v_posted[j];
      v_ecat[j] := v_cat[j];
    ELSE
      v_out[i] := jsonb_build_object('outcome', 'INSUFFICIENT_FUNDS');
    END IF;
  END LOOP;

  -- The executed ones, found where the lock above read them, and checked to be them (the check is
  -- not in WHERE: a condition on client_id would offer the planner transfers_list again).
  FOR r IN UPDATE transfers tr SET status = 'EXECUTED', entry_id = u.entry, executed_at = p_at, updated_at = p_at
             FROM unnest(v_tid, p_ids, v_entry) AS u(tid, id, entry)
            WHERE tr.ctid = u.tid AND u.entry IS NOT NULL
           RETURNING tr AS row, (tr.client_id = p_client_id AND tr.id = u.id) AS same LOOP
    IF NOT r.same THEN
      RAISE EXCEPTION 'transfer_accept_many found another row than transfer %', (r.row).id USING ERRCODE = 'LL002';
    END IF;
    t := r.row;
    v_updated := v_updated + 1;
    i := array_position(p_ids, t.id);
    s := array_position(v_acc_id, t.source_account_id);
    d := array_position(v_acc_id, t.destination_account_id);
    v_src_customer := v_cus_status[array_position(v_cus_id, v_acc_customer[s])];
    v_dst_customer := v_cus_status[array_position(v_cus_id, v_acc_customer[d])];
    v_out[i] := jsonb_build_object('outcome', 'EXECUTED', 'transfer', transfer_json(t),
      'dormant_accounts', to_jsonb(array_remove(ARRAY[
        CASE WHEN v_acc_status[s] = 'DORMANT' THEN v_acc_id[s] END, CASE WHEN v_acc_status[d] = 'DORMANT' THEN v_acc_id[d] END], NULL)),
      'dormant_customers', to_jsonb(array_remove(ARRAY[
        CASE WHEN v_src_customer = 'DORMANT' THEN v_acc_customer[s] END,
        CASE WHEN v_dst_customer = 'DORMANT' THEN v_acc_customer[d] END], NULL)));
  END LOOP;
  IF v_updated <> cardinality(array_remove(v_entry, NULL)) THEN
    RAISE EXCEPTION 'transfer_accept_many updated % of % executed transfers', v_updated, cardinality(array_remove(v_entry, NULL))
      USING ERRCODE = 'LL002';
  END IF;
  -- Two TRANSACTION_POSTED events per executed transfer, in the order of the items (those posted
  -- are in item order, and a refused one has no category: no event).
  PERFORM event_transaction_pairs(p_client_id, 'TRANSFER', v_ecat, v_devt, v_dtxn, v_dref, v_cevt, v_ctxn, v_cref, p_at);
  RETURN to_jsonb(v_out);
END $$;

-- Replaced by transfer_accept_many (one item is a group of one).
DROP FUNCTION IF EXISTS transfer_accept(text, text, timestamptz, text[], text[], text[], text[]);

-- The advisory lock keys of the batch slots (transfers_execute_batch): (this, hashtext(client id)),
-- in the two-key space, which no other advisory lock of the platform uses (theirs are bigint keys);
-- 0x4c4c0000 ("LL") + the slot.
CREATE OR REPLACE FUNCTION transfers_batch_slot_key(p_slot int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 1280049152 + p_slot;
$$;

-- Creates and executes many transfers in one round trip (POST /v1/transfers/batch with execute).
-- p_items, checked by TypeScript against the accounts it read: [{"id", "source", "destination",
-- "asset", "amount" (minor units, text), "description", "txn_ids": [debit, credit],
-- "event_ids": [debit, credit]}]. Under the locks accept takes (accounts in id order, customers),
-- each item's parties must still be able to transact; the ledger posts what funds allow, in order
-- (ledger_post_pairs). With p_atomic one refusal leaves everything unwritten. Returns
-- {"results": [{"transfer"} | {"error": "NOT_TRANSACTABLE" | "INSUFFICIENT_FUNDS", "role"?, "account_id"?}],
--  "applied", "dormant_accounts", "dormant_customers"}.
--
-- Concurrent batches over one client's accounts share accounts, so they run one after another from
-- their first lock to their COMMIT: that stretch bounds the route's rate. What does not depend on
-- the locks is written before them, as if every item will execute: the transfers (pointing at
-- entry ids reserved from the ledger) and their events. Items refused under the locks have their
-- transfer and events deleted before the call returns (nothing references them yet); with p_atomic
-- and a refusal, every item's. The transfers' entry_id key is deferred while the call runs and
-- checked before it returns (migration 0051).
--
-- At most p_slots batches of one client run this at once, across every server process (a
-- transaction-scoped advisory lock per slot; 0 or NULL: no limit); the others wait for a slot
-- before writing anything, holding no row lock. More at once only queue at the ledger accounts
-- with their rows written, and the one holding the locks shares the cores with them: through HTTP,
-- 8 concurrent batches over 1,000 accounts ran 2,573 transfers/s, 4 ran 3,144, 2 ran 3,485
-- (docs/benchmarks.md). Other clients' batches share no account and take other slots.
--
-- p_strict: the route has already answered as if every item executes, and sends this call with its
-- stored answer and COMMIT, so that nothing of the server runs while the locks are held (the
-- answer built between this call's result and COMMIT held them about 7 ms of every 25 under
-- load). Then any item refused under the locks, or a DORMANT party to wake, raises LL005 (nothing
-- of the batch is written; the route runs again and calls without p_strict); else it returns
-- {"applied": true} and builds no results.
DROP FUNCTION IF EXISTS transfers_execute_batch(text, jsonb, timestamptz, timestamptz, text[], boolean);
DROP FUNCTION IF EXISTS transfers_execute_batch(text, jsonb, timestamptz, timestamptz, text[], boolean, int);
CREATE OR REPLACE FUNCTION transfers_execute_batch(
  p_client_id text, p_items jsonb, p_at timestamptz, p_valid_until timestamptz, p_transactable text[], p_atomic boolean,
  p_slots int, p_strict boolean DEFAULT false
) RETURNS jsonb LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off AS $$
DECLARE
  v_id text[]; v_src text[]; v_dst text[]; v_asset text[]; v_amount numeric[]; v_desc text[];
  v_dtxn text[]; v_ctxn text[]; v_devt text[]; v_cevt text[];
  v_acc_id text[]; v_acc_status text[]; v_acc_ledger bigint[]; v_acc_customer text[];
  v_cus_id text[]; v_cus_status text[];
  v_n int;
  v_s int[]; v_d int[];
  v_result jsonb[];
  v_transfer jsonb[];
  v_reserved bigint[];
  v_entry bigint[];
  v_item int[]; v_cat text[]; v_pdesc text[]; v_debit bigint[]; v_credit bigint[]; v_pamount numeric[];
  v_dref text[]; v_cref text[]; v_pdtxn text[]; v_pctxn text[]; v_pentry bigint[];
  v_funded boolean[]; v_posted bigint[];
  v_any_refused boolean := false;
  v_gone text[];
  v_dormant_accounts text[] := ARRAY[]::text[];
  v_dormant_customers text[] := ARRAY[]::text[];
  i int; j int; k int := 0; s int; d int; sc int; dc int;
  v_got boolean := false;
  v_slot int;
BEGIN
  -- A slot of this client's (see above): the first free one, else wait for one.
  IF coalesce(p_slots, 0) > 0 THEN
    FOR v_slot IN 0 .. p_slots - 1 LOOP
      v_got := pg_try_advisory_xact_lock(transfers_batch_slot_key(v_slot), hashtext(p_client_id));
      EXIT WHEN v_got;
    END LOOP;
    IF NOT v_got THEN
      PERFORM pg_advisory_xact_lock(transfers_batch_slot_key(floor(random() * p_slots)::int), hashtext(p_client_id));
    END IF;
  END IF;

  -- The items as arrays (one pass over the JSON).
  SELECT array_agg(x->>'id' ORDER BY o), array_agg(x->>'source' ORDER BY o), array_agg(x->>'destination' ORDER BY o),
         array_agg(x->>'asset' ORDER BY o), array_agg((x->>'amount')::numeric ORDER BY o), array_agg(x->>'description' ORDER BY o),
         array_agg(x->'txn_ids'->>0 ORDER BY o), array_agg(x->'txn_ids'->>1 ORDER BY o),
         array_agg(x->'event_ids'->>0 ORDER BY o), array_agg(x->'event_ids'->>1 ORDER BY o)
    INTO v_id, v_src, v_dst, v_asset, v_amount, v_desc, v_dtxn, v_ctxn, v_devt, v_cevt
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(x, o);
  v_n := coalesce(cardinality(v_id), 0);
  IF v_n = 0 THEN RETURN jsonb_build_object('results', '[]'::jsonb, 'applied', true); END IF;
  v_result := array_fill(NULL::jsonb, ARRAY[v_n]);

  -- Before any lock: every transfer, EXECUTED with its reserved entry, and its two events.
  SET CONSTRAINTS transfers_entry_id_fkey DEFERRED;
  v_reserved := ledger_entry_ids(v_n);
  WITH ins AS (
    INSERT INTO transfers (client_id, id, source_account_id, destination_account_id, asset_type_id, amount, description,
        status, valid_until, entry_id, created_at, updated_at, executed_at)
      SELECT p_client_id, v_id[g], v_src[g], v_dst[g], v_asset[g], v_amount[g], v_desc[g],
             'EXECUTED', p_valid_until, v_reserved[g], p_at, p_at, p_at
        FROM generate_series(1, v_n) g ORDER BY g
    RETURNING *
  )
  SELECT array_agg(transfer_json(ins) ORDER BY array_position(v_id, ins.id)) FILTER (WHERE NOT p_strict) INTO v_transfer FROM ins;
  PERFORM event_transaction_pairs(p_client_id, 'TRANSFER', v_id, v_devt, v_dtxn, v_src, v_cevt, v_ctxn, v_dst, p_at);

  -- The accounts and their customers, locked and read; each item's parties, under the locks. The
  -- ones that may transact go to the ledger, in item order (item v_item[k] is the ledger's k-th).
  SELECT * INTO v_acc_id, v_acc_status, v_acc_ledger, v_acc_customer, v_cus_id, v_cus_status
    FROM transfer_parties_lock(p_client_id, v_src || v_dst);
  FOR i IN 1 .. v_n LOOP
    s := array_position(v_acc_id, v_src[i]);
    d := array_position(v_acc_id, v_dst[i]);
    IF s IS NULL OR d IS NULL THEN RAISE EXCEPTION 'item % names an unknown account', i USING ERRCODE = 'LL002'; END IF;
    v_s[i] := s;
    v_d[i] := d;
    sc := array_position(v_cus_id, v_acc_customer[s]);
    dc := array_position(v_cus_id, v_acc_customer[d]);
    v_result[i] := CASE
      WHEN NOT (v_acc_status[s] = ANY (p_transactable)) OR sc IS NULL OR NOT (v_cus_status[sc] = ANY (p_transactable))
        THEN jsonb_build_object('error', 'NOT_TRANSACTABLE', 'role', 'source account', 'account_id', v_acc_id[s])
      WHEN NOT (v_acc_status[d] = ANY (p_transactable)) OR dc IS NULL OR NOT (v_cus_status[dc] = ANY (p_transactable))
        THEN jsonb_build_object('error', 'NOT_TRANSACTABLE', 'role', 'destination account', 'account_id', v_acc_id[d])
    END;
    IF v_result[i] IS NOT NULL THEN
      v_any_refused := true;
      CONTINUE;
    END IF;
    IF p_strict AND 'DORMANT' IN (v_acc_status[s], v_acc_status[d], v_cus_status[sc], v_cus_status[dc]) THEN
      RAISE EXCEPTION 'item % has a DORMANT party to wake', i USING ERRCODE = 'LL005';
    END IF;
    k := k + 1;
    v_item[k] := i;
    v_cat[k] := v_id[i];
    v_pdesc[k] := v_desc[i];
    v_debit[k] := v_acc_ledger[s];
    v_credit[k] := v_acc_ledger[d];
    v_pamount[k] := v_amount[i];
    v_dref[k] := v_src[i];
    v_cref[k] := v_dst[i];
    v_pdtxn[k] := v_dtxn[i];
    v_pctxn[k] := v_ctxn[i];
    v_pentry[k] := v_reserved[i];
  END LOOP;

  IF p_strict AND v_any_refused THEN
    RAISE EXCEPTION 'an item cannot transact under the locks' USING ERRCODE = 'LL005';
  END IF;
  v_entry := array_fill(NULL::bigint, ARRAY[v_n]);
  IF k > 0 AND NOT (p_atomic AND v_any_refused) THEN
    SELECT o_funded, o_entries INTO v_funded, v_posted
      FROM ledger_post_pairs(p_client_id, 'TRANSFER', p_at, p_atomic OR p_strict, v_cat, v_pdesc, v_debit, v_credit, v_pamount,
        array_fill('INTERNAL_TRANSFER'::text, ARRAY[k]), v_dref, v_cref, v_pdtxn, v_pctxn, v_pentry);
    FOR j IN 1 .. k LOOP
      i := v_item[j];
      IF v_funded[j] THEN
        v_entry[i] := v_posted[j]; -- NULL when an atomic batch wrote nothing
      ELSE
        v_result[i] := jsonb_build_object('error', 'INSUFFICIENT_FUNDS');
        v_any_refused := true;
      END IF;
    END LOOP;
  END IF;

  -- What did not execute leaves nothing: its transfer and its events (all of them, atomic).
  IF p_strict AND v_any_refused THEN
    RAISE EXCEPTION 'funds no longer cover an item' USING ERRCODE = 'LL005';
  END IF;
  IF v_any_refused THEN
    v_gone := ARRAY(SELECT v_id[g] FROM generate_series(1, v_n) g WHERE v_entry[g] IS NULL);
    DELETE FROM transfers WHERE client_id = p_client_id AND id = ANY (v_gone);
    PERFORM events_discard(p_client_id, ARRAY(SELECT x FROM generate_series(1, v_n) g,
      LATERAL (VALUES (v_devt[g]), (v_cevt[g])) e(x) WHERE v_entry[g] IS NULL));
  END IF;
  SET CONSTRAINTS transfers_entry_id_fkey IMMEDIATE; -- every kept transfer's entry exists: checked now
  IF p_strict THEN RETURN jsonb_build_object('applied', true); END IF;
  IF p_atomic AND v_any_refused THEN
    RETURN jsonb_build_object('results', (SELECT jsonb_agg(coalesce(r, '{}'::jsonb) ORDER BY o) FROM unnest(v_result) WITH ORDINALITY u(r, o)),
      'applied', false);
  END IF;

  -- The executed ones: their transfers, the DORMANT parties to wake.
  FOR i IN 1 .. v_n LOOP
    CONTINUE WHEN v_entry[i] IS NULL;
    v_result[i] := jsonb_build_object('transfer', v_transfer[i]);
    s := v_s[i];
    d := v_d[i];
    IF v_acc_status[s] = 'DORMANT' THEN v_dormant_accounts := v_dormant_accounts || v_acc_id[s]; END IF;
    IF v_acc_status[d] = 'DORMANT' THEN v_dormant_accounts := v_dormant_accounts || v_acc_id[d]; END IF;
    IF v_cus_status[array_position(v_cus_id, v_acc_customer[s])] = 'DORMANT' THEN v_dormant_customers := v_dormant_customers || v_acc_customer[s]; END IF;
    IF v_cus_status[array_position(v_cus_id, v_acc_customer[d])] = 'DORMANT' THEN v_dormant_customers := v_dormant_customers || v_acc_customer[d]; END IF;
  END LOOP;
  RETURN jsonb_build_object('results', to_jsonb(v_result), 'applied', true,
    'dormant_accounts', to_jsonb(ARRAY(SELECT DISTINCT x FROM unnest(v_dormant_accounts) x)),
    'dormant_customers', to_jsonb(ARRAY(SELECT DISTINCT x FROM unnest(v_dormant_customers) x)));
END $$;
