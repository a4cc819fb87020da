-- A hold posts between its own two accounts, the amount it posts, nothing else: the lines given to
-- ledger_hold_post must net to -amount on the hold's debit account and +amount on its credit
-- account, and touch no other account (found by the ledger test suite: lines moving 900 for a
-- hold posting 100, or paying a third account, were accepted).
CREATE OR REPLACE FUNCTION ledger_hold_post(p_hold bigint, p_amount numeric, p_description text, p_at timestamptz, p_lines jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  h ledger_holds;
  v_bad bigint;
BEGIN
  SELECT * INTO h FROM ledger_holds WHERE id = p_hold FOR UPDATE;
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
