-- The transfers module's SQL: accepting a transfer in one round trip (the hot path of
-- POST /v1/transfers/{id}/accept). The rules it applies come from TypeScript as parameters — the
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

-- Outcomes: {"outcome": "EXECUTED", "transfer", "dormant_accounts", "dormant_customers"} |
-- "NOT_FOUND" | "STATUS" (not acceptable; with the transfer) | "EXPIRED" (now marked so; with it) |
-- "NOT_TRANSACTABLE" (with role, account_id, and account_status or customer_status).
-- Insufficient funds raise LL001 from ledger_post, as any posting does.
CREATE OR REPLACE FUNCTION transfer_accept(
  p_client_id text, p_id text, p_at timestamptz, p_from text[], p_transactable text[], p_txn_ids text[], p_event_ids text[]
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  t transfers;
  src accounts;
  dst accounts;
  src_customer text;
  dst_customer text;
  v_entry bigint;
BEGIN
  SELECT * INTO t FROM transfers WHERE client_id = p_client_id AND id = p_id FOR NO KEY UPDATE;
  IF t.id IS NULL THEN RETURN jsonb_build_object('outcome', 'NOT_FOUND'); END IF;
  IF NOT (t.status = ANY (p_from)) THEN RETURN jsonb_build_object('outcome', 'STATUS', 'transfer', transfer_json(t)); END IF;
  IF p_at > t.valid_until THEN
    UPDATE transfers SET status = 'EXPIRED', updated_at = p_at WHERE client_id = p_client_id AND id = p_id RETURNING * INTO t;
    RETURN jsonb_build_object('outcome', 'EXPIRED', 'transfer', transfer_json(t));
  END IF;

  PERFORM 1 FROM accounts WHERE client_id = p_client_id AND id IN (t.source_account_id, t.destination_account_id)
    ORDER BY id FOR NO KEY UPDATE;
  SELECT * INTO src FROM accounts WHERE client_id = p_client_id AND id = t.source_account_id;
  SELECT * INTO dst FROM accounts WHERE client_id = p_client_id AND id = t.destination_account_id;
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id IN (src.customer_id, dst.customer_id) AND status = 'DORMANT'
    ORDER BY id FOR NO KEY UPDATE;
  PERFORM 1 FROM customers WHERE client_id = p_client_id AND id IN (src.customer_id, dst.customer_id) AND status <> 'DORMANT'
    ORDER BY id FOR SHARE;
  SELECT status INTO src_customer FROM customers WHERE client_id = p_client_id AND id = src.customer_id;
  SELECT status INTO dst_customer FROM customers WHERE client_id = p_client_id AND id = dst.customer_id;
  IF NOT (src.status = ANY (p_transactable)) THEN
    RETURN jsonb_build_object('outcome', 'NOT_TRANSACTABLE', 'role', 'source account', 'account_id', src.id, 'account_status', src.status);
  END IF;
  IF NOT (coalesce(src_customer, 'CLOSED') = ANY (p_transactable)) THEN
    RETURN jsonb_build_object('outcome', 'NOT_TRANSACTABLE', 'role', 'source account', 'account_id', src.id, 'customer_status', coalesce(src_customer, 'CLOSED'));
  END IF;
  IF NOT (dst.status = ANY (p_transactable)) THEN
    RETURN jsonb_build_object('outcome', 'NOT_TRANSACTABLE', 'role', 'destination account', 'account_id', dst.id, 'account_status', dst.status);
  END IF;
  IF NOT (coalesce(dst_customer, 'CLOSED') = ANY (p_transactable)) THEN
    RETURN jsonb_build_object('outcome', 'NOT_TRANSACTABLE', 'role', 'destination account', 'account_id', dst.id, 'customer_status', coalesce(dst_customer, 'CLOSED'));
  END IF;

  v_entry := ledger_post(p_client_id, 'TRANSFER', t.id, t.description, p_at, jsonb_build_array(
    jsonb_build_object('account', src.ledger_account_id, 'amount', (-t.amount)::text, 'type', 'INTERNAL_TRANSFER',
      'account_ref', src.id, 'public_id', p_txn_ids[1]),
    jsonb_build_object('account', dst.ledger_account_id, 'amount', t.amount::text, 'type', 'INTERNAL_TRANSFER',
      'account_ref', dst.id, 'public_id', p_txn_ids[2])));
  UPDATE transfers SET status = 'EXECUTED', entry_id = v_entry, executed_at = p_at, updated_at = p_at
   WHERE client_id = p_client_id AND id = p_id RETURNING * INTO t;
  PERFORM event_transaction(p_client_id, p_event_ids[1], 'POSTED', p_txn_ids[1], src.id, 'TRANSFER', t.id, p_at);
  PERFORM event_transaction(p_client_id, p_event_ids[2], 'POSTED', p_txn_ids[2], dst.id, 'TRANSFER', t.id, p_at);
  RETURN jsonb_build_object('outcome', 'EXECUTED', 'transfer', transfer_json(t),
    'dormant_accounts', to_jsonb(array_remove(ARRAY[
      CASE WHEN src.status = 'DORMANT' THEN src.id END, CASE WHEN dst.status = 'DORMANT' THEN dst.id END], NULL)),
    'dormant_customers', to_jsonb(array_remove(ARRAY[
      CASE WHEN src_customer = 'DORMANT' THEN src.customer_id END, CASE WHEN dst_customer = 'DORMANT' THEN dst.customer_id END], NULL)));
END $$;
