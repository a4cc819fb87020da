-- The transfers module's SQL: accepting transfers in one round trip (the hot path of
-- POST /v1/transfers/{id}/accept, one transfer or a group of concurrent ones). The rules it applies come from TypeScript as parameters — the
-- statuses the machine lets accept (transfers.machine.ts) and the statuses that may transact
-- (shared/status.ts) — so they are written once. Writes transfers (its own table); the ledger
-- through ledger_post, events through event_transaction. Reads accounts and customers under the
-- same locks MovementGuard takes, in the same order: the transfer, the accounts (id order,
-- FOR NO KEY UPDATE), their customers (DORMANT ones FOR NO KEY UPDATE, to be woken; others FOR
-- SHARE), then the ledger accounts inside ledger_post.
-- Applied by checksum after the migrations (src/db/sources.ts); safe to run again.

-- A transfer row as the service reads it (money and ids as text: JSON numbers would lose digits).
CREATE OR REPLACE FUNCTION transfer_json(t transfers) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('client_id', t.client_id, 'id', t.id, 'source_account_id', t.source_account_id,
    'destination_account_id', t.destination_account_id, 'asset_type_id', t.asset_type_id, 'amount', t.amount::text,
    'description', t.description, 'status', t.status, 'valid_until', t.valid_until, 'entry_id', t.entry_id::text,
    'created_at', t.created_at, 'updated_at', t.updated_at, 'executed_at', t.executed_at, 'seq', t.seq::text);
$$;

-- Accepts many transfers of one client in one call: the group commit of concurrent
-- POST /v1/transfers/{id}/accept (platform/unit-of-work.ts coalesces them into one transaction).
-- p_ids must be distinct; item i's ledger lines get p_txn_ids[2i-1] (debit) and [2i] (credit),
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
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  n int := coalesce(cardinality(p_ids), 0);
  v_row_id text[];
  v_rows transfers[];
  v_row int[];
  v_out jsonb[];
  v_entry bigint[];
  v_acc_ids text[] := ARRAY[]::text[];
  v_acc_id text[]; v_acc_status text[]; v_acc_ledger bigint[]; v_acc_customer text[];
  v_cus_id text[]; v_cus_status text[];
  v_pairs jsonb := '[]'::jsonb;
  v_pair_item int[];
  v_posted jsonb;
  v_events jsonb := '[]'::jsonb;
  v_src_customer text; v_dst_customer text;
  t transfers;
  i int; j int; k int := 0; s int; d int;
BEGIN
  IF n = 0 THEN RETURN '[]'::jsonb; END IF;
  IF n <> (SELECT count(DISTINCT x) FROM unnest(p_ids) x) THEN
    RAISE EXCEPTION 'transfer_accept_many takes each transfer once' USING ERRCODE = 'LL002';
  END IF;
  v_out := array_fill(NULL::jsonb, ARRAY[n]);
  v_entry := array_fill(NULL::bigint, ARRAY[n]);
  v_row := array_fill(NULL::int, ARRAY[n]);

  PERFORM 1 FROM transfers WHERE client_id = p_client_id AND id = ANY (p_ids) ORDER BY id FOR NO KEY UPDATE;
  SELECT array_agg(tr.id ORDER BY tr.id), array_agg(tr ORDER BY tr.id) INTO v_row_id, v_rows
    FROM transfers tr WHERE tr.client_id = p_client_id AND tr.id = ANY (p_ids);
  FOR i IN 1 .. n LOOP
    j := array_position(v_row_id, p_ids[i]);
    IF j IS NULL THEN v_out[i] := jsonb_build_object('outcome', 'NOT_FOUND'); CONTINUE; END IF;
    t := v_rows[j];
    IF NOT (t.status = ANY (p_from)) THEN
      v_out[i] := jsonb_build_object('outcome', 'STATUS', 'transfer', transfer_json(t));
      CONTINUE;
    END IF;
    IF p_at > t.valid_until THEN
      UPDATE transfers SET status = 'EXPIRED', updated_at = p_at WHERE client_id = p_client_id AND id = t.id RETURNING * INTO t;
      v_out[i] := jsonb_build_object('outcome', 'EXPIRED', 'transfer', transfer_json(t));
      CONTINUE;
    END IF;
    v_row[i] := j;
    v_acc_ids := v_acc_ids || t.source_account_id || t.destination_account_id;
  END LOOP;
  IF cardinality(v_acc_ids) = 0 THEN RETURN to_jsonb(v_out); END IF;

  -- The accounts of the acceptable ones, locked and then read (id order); their customers likewise.
  PERFORM 1 FROM accounts WHERE client_id = p_client_id AND id = ANY (v_acc_ids) ORDER BY id FOR NO KEY UPDATE;
  SELECT array_agg(id ORDER BY id), array_agg(status ORDER BY id), array_agg(ledger_account_id ORDER BY id),
         array_agg(customer_id ORDER BY id)
    INTO v_acc_id, v_acc_status, v_acc_ledger, v_acc_customer
    FROM accounts WHERE client_id = p_client_id AND id = ANY (v_acc_ids);
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id = ANY (v_acc_customer) AND status = 'DORMANT'
    ORDER BY id FOR NO KEY UPDATE;
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id = ANY (v_acc_customer) AND status <> 'DORMANT'
    ORDER BY id FOR SHARE;
  SELECT array_agg(id ORDER BY id), array_agg(status ORDER BY id) INTO v_cus_id, v_cus_status
    FROM customers WHERE client_id = p_client_id AND id = ANY (v_acc_customer);

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
    v_pairs := v_pairs || jsonb_build_object('category_id', t.id, 'description', t.description,
      'debit', v_acc_ledger[s], 'credit', v_acc_ledger[d], 'amount', t.amount::text, 'type', 'INTERNAL_TRANSFER',
      'debit_ref', t.source_account_id, 'credit_ref', t.destination_account_id,
      'debit_txn', p_txn_ids[2 * i - 1], 'credit_txn', p_txn_ids[2 * i]);
  END LOOP;
  IF k = 0 THEN RETURN to_jsonb(v_out); END IF;

  v_posted := ledger_post_pairs(p_client_id, 'TRANSFER', v_pairs, p_at, false);
  FOR j IN 1 .. k LOOP
    i := v_pair_item[j];
    IF v_posted->(j - 1) ? 'error' THEN
      v_out[i] := jsonb_build_object('outcome', 'INSUFFICIENT_FUNDS');
    ELSE
      v_entry[i] := (v_posted->(j - 1)->>'entry')::bigint;
    END IF;
  END LOOP;

  FOR t IN UPDATE transfers tr SET status = 'EXECUTED', entry_id = u.entry, executed_at = p_at, updated_at = p_at
             FROM unnest(p_ids, v_entry) AS u(id, entry)
            WHERE tr.client_id = p_client_id AND tr.id = u.id AND u.entry IS NOT NULL
        RETURNING tr.* LOOP
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
  -- Two TRANSACTION_POSTED events per executed transfer, in the order of the items.
  FOR i IN 1 .. n LOOP
    CONTINUE WHEN v_entry[i] IS NULL;
    t := v_rows[v_row[i]];
    v_events := v_events
      || jsonb_build_object('id', p_event_ids[2 * i - 1], 'status', 'POSTED', 'transaction_id', p_txn_ids[2 * i - 1],
           'account_id', t.source_account_id, 'category_type', 'TRANSFER', 'category_id', t.id)
      || jsonb_build_object('id', p_event_ids[2 * i], 'status', 'POSTED', 'transaction_id', p_txn_ids[2 * i],
           'account_id', t.destination_account_id, 'category_type', 'TRANSFER', 'category_id', t.id);
  END LOOP;
  PERFORM event_transactions(p_client_id, v_events, p_at);
  RETURN to_jsonb(v_out);
END $$;

-- Replaced by transfer_accept_many (one item is a group of one).
DROP FUNCTION IF EXISTS transfer_accept(text, text, timestamptz, text[], text[], text[], text[]);

-- Creates and executes many transfers in one round trip (POST /v1/transfers/batch with execute).
-- p_items, checked by TypeScript against the accounts it read: [{"id", "source", "destination",
-- "asset", "amount" (minor units, text), "description", "txn_ids": [debit, credit],
-- "event_ids": [debit, credit]}]. Under the locks accept takes (accounts in id order, customers),
-- each item's parties must still be able to transact; the ledger posts what funds allow, in order
-- (ledger_post_pairs). With p_atomic one refusal leaves everything unwritten. Returns
-- {"results": [{"transfer"} | {"error": "NOT_TRANSACTABLE" | "INSUFFICIENT_FUNDS", "role"?, "account_id"?}],
--  "dormant_accounts", "dormant_customers"}.
CREATE OR REPLACE FUNCTION transfers_execute_batch(
  p_client_id text, p_items jsonb, p_at timestamptz, p_valid_until timestamptz, p_transactable text[], p_atomic boolean
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_accounts text[];
  v_customers text[];
  v_acc_id text[]; v_acc_status text[]; v_acc_ledger bigint[]; v_acc_customer text[];
  v_cus_id text[]; v_cus_status text[];
  v_n int;
  v_refusal jsonb[];
  v_pairs jsonb := '[]'::jsonb;
  v_pair_item int[];
  v_posted jsonb;
  v_results jsonb := '[]'::jsonb;
  v_events jsonb := '[]'::jsonb;
  v_any_refused boolean := false;
  v_dormant_accounts jsonb := '[]'::jsonb;
  v_dormant_customers jsonb := '[]'::jsonb;
  v_item jsonb;
  i int; j int; s int; d int; sc int; dc int; k int := 0;
  t transfers;
BEGIN
  v_n := jsonb_array_length(p_items);
  SELECT array_agg(DISTINCT a ORDER BY a) INTO v_accounts
    FROM jsonb_array_elements(p_items) x, LATERAL (VALUES (x->>'source'), (x->>'destination')) v(a);
  PERFORM 1 FROM accounts WHERE client_id = p_client_id AND id = ANY (v_accounts) ORDER BY id FOR NO KEY UPDATE;
  SELECT array_agg(id ORDER BY id), array_agg(status ORDER BY id), array_agg(ledger_account_id ORDER BY id),
         array_agg(customer_id ORDER BY id)
    INTO v_acc_id, v_acc_status, v_acc_ledger, v_acc_customer
    FROM accounts WHERE client_id = p_client_id AND id = ANY (v_accounts);
  SELECT array_agg(DISTINCT c ORDER BY c) INTO v_customers FROM unnest(v_acc_customer) c;
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id = ANY (v_customers) AND status = 'DORMANT' ORDER BY id FOR NO KEY UPDATE;
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id = ANY (v_customers) AND status <> 'DORMANT' ORDER BY id FOR SHARE;
  SELECT array_agg(id ORDER BY id), array_agg(status ORDER BY id) INTO v_cus_id, v_cus_status
    FROM customers WHERE client_id = p_client_id AND id = ANY (v_customers);

  -- Each item's parties, under the locks.
  FOR i IN 1 .. v_n LOOP
    v_item := p_items->(i - 1);
    s := array_position(v_acc_id, v_item->>'source');
    d := array_position(v_acc_id, v_item->>'destination');
    IF s IS NULL OR d IS NULL THEN RAISE EXCEPTION 'item % names an unknown account', i USING ERRCODE = 'LL002'; END IF;
    sc := array_position(v_cus_id, v_acc_customer[s]);
    dc := array_position(v_cus_id, v_acc_customer[d]);
    v_refusal[i] := CASE
      WHEN NOT (v_acc_status[s] = ANY (p_transactable)) OR sc IS NULL OR NOT (v_cus_status[sc] = ANY (p_transactable))
        THEN jsonb_build_object('error', 'NOT_TRANSACTABLE', 'role', 'source account', 'account_id', v_acc_id[s])
      WHEN NOT (v_acc_status[d] = ANY (p_transactable)) OR dc IS NULL OR NOT (v_cus_status[dc] = ANY (p_transactable))
        THEN jsonb_build_object('error', 'NOT_TRANSACTABLE', 'role', 'destination account', 'account_id', v_acc_id[d])
    END;
    IF v_refusal[i] IS NOT NULL THEN
      v_any_refused := true;
      CONTINUE;
    END IF;
    k := k + 1;
    v_pair_item[k] := i;
    v_pairs := v_pairs || jsonb_build_object('category_id', v_item->>'id', 'description', v_item->>'description',
      'debit', v_acc_ledger[s], 'credit', v_acc_ledger[d], 'amount', v_item->>'amount', 'type', 'INTERNAL_TRANSFER',
      'debit_ref', v_item->>'source', 'credit_ref', v_item->>'destination', 'debit_txn', v_item->'txn_ids'->>0,
      'credit_txn', v_item->'txn_ids'->>1);
  END LOOP;
  IF p_atomic AND v_any_refused THEN
    SELECT jsonb_agg(coalesce(v_refusal[g], '{}'::jsonb) ORDER BY g) INTO v_results FROM generate_series(1, v_n) g;
    RETURN jsonb_build_object('results', v_results, 'applied', false);
  END IF;

  v_posted := ledger_post_pairs(p_client_id, 'TRANSFER', v_pairs, p_at, p_atomic);
  FOR j IN 1 .. k LOOP
    IF v_posted->(j - 1) ? 'error' THEN
      v_refusal[v_pair_item[j]] := v_posted->(j - 1);
      v_any_refused := true;
    END IF;
  END LOOP;
  IF p_atomic AND v_any_refused THEN
    SELECT jsonb_agg(coalesce(v_refusal[g], '{}'::jsonb) ORDER BY g) INTO v_results FROM generate_series(1, v_n) g;
    RETURN jsonb_build_object('results', v_results, 'applied', false);
  END IF;

  FOR j IN 1 .. k LOOP
    i := v_pair_item[j];
    CONTINUE WHEN v_refusal[i] IS NOT NULL;
    v_item := p_items->(i - 1);
    INSERT INTO transfers (client_id, id, source_account_id, destination_account_id, asset_type_id, amount, description,
        status, valid_until, entry_id, created_at, updated_at, executed_at)
      VALUES (p_client_id, v_item->>'id', v_item->>'source', v_item->>'destination', v_item->>'asset', (v_item->>'amount')::numeric,
        v_item->>'description',
        'EXECUTED', p_valid_until, (v_posted->(j - 1)->>'entry')::bigint, p_at, p_at, p_at)
      RETURNING * INTO t;
    v_refusal[i] := jsonb_build_object('transfer', transfer_json(t));
    -- Their first activity wakes DORMANT parties (done by their modules, told here which).
    s := array_position(v_acc_id, v_item->>'source');
    d := array_position(v_acc_id, v_item->>'destination');
    IF v_acc_status[s] = 'DORMANT' THEN v_dormant_accounts := v_dormant_accounts || to_jsonb(v_acc_id[s]); END IF;
    IF v_acc_status[d] = 'DORMANT' THEN v_dormant_accounts := v_dormant_accounts || to_jsonb(v_acc_id[d]); END IF;
    sc := array_position(v_cus_id, v_acc_customer[s]);
    dc := array_position(v_cus_id, v_acc_customer[d]);
    IF v_cus_status[sc] = 'DORMANT' THEN v_dormant_customers := v_dormant_customers || to_jsonb(v_cus_id[sc]); END IF;
    IF v_cus_status[dc] = 'DORMANT' THEN v_dormant_customers := v_dormant_customers || to_jsonb(v_cus_id[dc]); END IF;
    v_events := v_events
      || jsonb_build_object('id', v_item->'event_ids'->>0, 'status', 'POSTED', 'transaction_id', v_item->'txn_ids'->>0,
           'account_id', v_item->>'source', 'category_type', 'TRANSFER', 'category_id', t.id)
      || jsonb_build_object('id', v_item->'event_ids'->>1, 'status', 'POSTED', 'transaction_id', v_item->'txn_ids'->>1,
           'account_id', v_item->>'destination', 'category_type', 'TRANSFER', 'category_id', t.id);
  END LOOP;
  PERFORM event_transactions(p_client_id, v_events, p_at);
  SELECT jsonb_agg(v_refusal[g] ORDER BY g) INTO v_results FROM generate_series(1, v_n) g;
  RETURN jsonb_build_object('results', v_results, 'applied', true,
    'dormant_accounts', v_dormant_accounts, 'dormant_customers', v_dormant_customers);
END $$;
