-- Row locks of the ledger are FOR NO KEY UPDATE, not FOR UPDATE: no posting changes a key, and
-- FOR UPDATE conflicts with the KEY SHARE locks that foreign-key checks take (inserting a hold,
-- a line or a transfer that refers to the account). Under concurrency that made lock cycles
-- PostgreSQL broke only after deadlock_timeout (transfers benchmark, hot accounts: 500s and
-- seconds of latency). Same functions otherwise.

CREATE OR REPLACE FUNCTION ledger_post(
  p_client_id text, p_category_type text, p_category_id text, p_description text,
  p_at timestamptz, p_lines jsonb, p_hold_id bigint DEFAULT NULL
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
  v_ids bigint[];
  v_bad text;
  v_balance numeric;
  v_kind text;
  v_asset text;
  l record;
BEGIN
  IF jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) < 2 THEN
    RAISE EXCEPTION 'an entry needs two or more lines' USING ERRCODE = 'LL002';
  END IF;
  SELECT array_agg(DISTINCT (x->>'account')::bigint ORDER BY (x->>'account')::bigint) INTO v_ids
    FROM jsonb_array_elements(p_lines) x;
  IF (SELECT count(*) FROM ledger_accounts WHERE id = ANY (v_ids)) <> cardinality(v_ids) THEN
    RAISE EXCEPTION 'unknown ledger account' USING ERRCODE = 'LL002';
  END IF;
  SELECT a.asset_type_id INTO v_bad
    FROM jsonb_array_elements(p_lines) x JOIN ledger_accounts a ON a.id = (x->>'account')::bigint
    GROUP BY a.asset_type_id HAVING sum((x->>'amount')::numeric) <> 0 LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'lines of % do not sum to zero', v_bad USING ERRCODE = 'LL002';
  END IF;

  -- Lock the customer accounts in id order (no deadlocks), then check funds on the net change.
  PERFORM 1 FROM ledger_accounts WHERE id = ANY (v_ids) AND kind = 'customer' ORDER BY id FOR NO KEY UPDATE;
  SELECT a.id::text INTO v_bad
    FROM ledger_accounts a
    JOIN (SELECT (x->>'account')::bigint AS id, sum((x->>'amount')::numeric) AS delta
            FROM jsonb_array_elements(p_lines) x GROUP BY 1) d ON d.id = a.id
   WHERE a.kind = 'customer' AND NOT a.allow_negative AND d.delta < 0
     AND a.posted + d.delta - a.pending_out < 0
   LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'insufficient funds in ledger account %', v_bad USING ERRCODE = 'LL001';
  END IF;

  INSERT INTO ledger_entries (client_id, category_type, category_id, description, created_at)
    VALUES (p_client_id, p_category_type, p_category_id, p_description, p_at) RETURNING id INTO v_entry;

  FOR l IN SELECT x, n FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS t(x, n) ORDER BY n LOOP
    SELECT kind, asset_type_id INTO v_kind, v_asset FROM ledger_accounts WHERE id = (l.x->>'account')::bigint;
    IF v_kind = 'customer' THEN
      UPDATE ledger_accounts SET posted = posted + (l.x->>'amount')::numeric
        WHERE id = (l.x->>'account')::bigint RETURNING posted INTO v_balance;
    ELSE
      v_balance := NULL;
    END IF;
    INSERT INTO ledger_transactions (public_id, client_id, ledger_account_id, account_id, asset_type_id, kind, entry_id,
        hold_id, amount, status, running_balance, transaction_type, category_type, category_id, description, details,
        created_at, posted_at)
      VALUES (l.x->>'public_id', p_client_id, (l.x->>'account')::bigint, l.x->>'account_ref', v_asset, 'line', v_entry,
        p_hold_id,
        (l.x->>'amount')::numeric, 'POSTED', v_balance, l.x->>'type', p_category_type, p_category_id,
        coalesce(l.x->>'description', p_description), l.x->'details', p_at, p_at);
  END LOOP;
  RETURN v_entry;
END $$;

CREATE OR REPLACE FUNCTION ledger_hold_authorize(
  p_client_id text, p_debit bigint, p_credit bigint, p_amount numeric, p_category_type text,
  p_category_id text, p_description text, p_expires_at timestamptz, p_at timestamptz, p_rows jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_hold bigint;
  v_asset text;
  v_credit_asset text;
  v_debit record;
  r jsonb;
BEGIN
  IF p_amount <= 0 THEN RAISE EXCEPTION 'a hold amount must be positive' USING ERRCODE = 'LL002'; END IF;
  PERFORM 1 FROM ledger_accounts WHERE id IN (p_debit, p_credit) AND kind = 'customer' ORDER BY id FOR NO KEY UPDATE;
  SELECT * INTO v_debit FROM ledger_accounts WHERE id = p_debit;
  SELECT asset_type_id INTO v_credit_asset FROM ledger_accounts WHERE id = p_credit;
  IF v_debit IS NULL OR v_credit_asset IS NULL OR v_debit.asset_type_id <> v_credit_asset OR p_debit = p_credit THEN
    RAISE EXCEPTION 'a hold needs two distinct accounts of one asset' USING ERRCODE = 'LL002';
  END IF;
  v_asset := v_debit.asset_type_id;
  IF v_debit.kind = 'customer' THEN
    IF NOT v_debit.allow_negative AND v_debit.posted - v_debit.pending_out - p_amount < 0 THEN
      RAISE EXCEPTION 'insufficient funds in ledger account %', p_debit USING ERRCODE = 'LL001';
    END IF;
    UPDATE ledger_accounts SET pending_out = pending_out + p_amount WHERE id = p_debit;
  END IF;
  UPDATE ledger_accounts SET pending_in = pending_in + p_amount WHERE id = p_credit AND kind = 'customer';
  INSERT INTO ledger_holds (client_id, debit_account_id, credit_account_id, asset_type_id, amount, status, phase,
      category_type, category_id, expires_at, created_at)
    VALUES (p_client_id, p_debit, p_credit, v_asset, p_amount, 'OPEN', 'AUTHORIZED', p_category_type, p_category_id,
      p_expires_at, p_at)
    RETURNING id INTO v_hold;
  FOR r IN SELECT * FROM jsonb_array_elements(p_rows) LOOP
    INSERT INTO ledger_transactions (public_id, client_id, ledger_account_id, account_id, asset_type_id, kind, hold_id,
        amount, status, transaction_type, category_type, category_id, description, created_at)
      VALUES (r->>'public_id', p_client_id, CASE WHEN r->>'side' = 'debit' THEN p_debit ELSE p_credit END,
        r->>'account_ref', v_asset,
        'hold', v_hold, CASE WHEN r->>'side' = 'debit' THEN -p_amount ELSE p_amount END, 'AUTHORIZED', r->>'type',
        p_category_type, p_category_id, coalesce(r->>'description', p_description), p_at);
  END LOOP;
  RETURN v_hold;
END $$;

CREATE OR REPLACE FUNCTION ledger_hold_release(p_hold bigint, p_status text, p_posted numeric, p_at timestamptz)
RETURNS ledger_holds LANGUAGE plpgsql AS $$
DECLARE
  h ledger_holds;
BEGIN
  SELECT * INTO h FROM ledger_holds WHERE id = p_hold FOR NO KEY UPDATE;
  IF h.id IS NULL THEN RAISE EXCEPTION 'unknown hold %', p_hold USING ERRCODE = 'LL002'; END IF;
  IF h.status <> 'OPEN' THEN RAISE EXCEPTION 'hold % is already %', p_hold, h.status USING ERRCODE = 'LL003'; END IF;
  PERFORM 1 FROM ledger_accounts WHERE id IN (h.debit_account_id, h.credit_account_id) AND kind = 'customer'
    ORDER BY id FOR NO KEY UPDATE;
  UPDATE ledger_accounts SET pending_out = pending_out - h.amount WHERE id = h.debit_account_id AND kind = 'customer';
  UPDATE ledger_accounts SET pending_in = pending_in - h.amount WHERE id = h.credit_account_id AND kind = 'customer';
  UPDATE ledger_holds SET status = p_status, posted_amount = p_posted, resolved_at = p_at WHERE id = p_hold
    RETURNING * INTO h;
  UPDATE ledger_transactions SET status = 'CANCELLED' WHERE hold_id = p_hold AND kind = 'hold';
  RETURN h;
END $$;

CREATE OR REPLACE FUNCTION ledger_hold_post(p_hold bigint, p_amount numeric, p_description text, p_at timestamptz, p_lines jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  h ledger_holds;
  v_bad bigint;
BEGIN
  SELECT * INTO h FROM ledger_holds WHERE id = p_hold FOR NO KEY UPDATE;
  IF h.id IS NULL THEN RAISE EXCEPTION 'unknown hold %', p_hold USING ERRCODE = 'LL002'; END IF;
  IF h.status <> 'OPEN' THEN RAISE EXCEPTION 'hold % is already %', p_hold, h.status USING ERRCODE = 'LL003'; END IF;
  IF p_amount <= 0 OR p_amount > h.amount THEN
    RAISE EXCEPTION 'a hold posts between 1 and % minor units', h.amount USING ERRCODE = 'LL002';
  END IF;
  SELECT d.id INTO v_bad FROM (
      SELECT (x->>'account')::bigint AS id, sum((x->>'amount')::numeric) AS net FROM jsonb_array_elements(p_lines) x GROUP BY 1
    ) d
   WHERE NOT ((d.id = h.debit_account_id AND d.net = -p_amount) OR (d.id = h.credit_account_id AND d.net = p_amount))
   LIMIT 1;
  IF v_bad IS NOT NULL OR (SELECT count(DISTINCT (x->>'account')::bigint) FROM jsonb_array_elements(p_lines) x) <> 2 THEN
    RAISE EXCEPTION 'the lines of hold % must move % from its debit to its credit account', p_hold, p_amount USING ERRCODE = 'LL002';
  END IF;
  h := ledger_hold_release(p_hold, 'POSTED', p_amount, p_at);
  RETURN ledger_post(h.client_id, h.category_type, h.category_id, p_description, p_at, p_lines, p_hold);
END $$;
