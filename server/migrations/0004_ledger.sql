-- The double-entry ledger (DESIGN.md "Ledger").
--
-- ledger_entries       one journal entry per posting; its lines sum to zero per asset.
-- ledger_transactions  what an account sees (Layer2 "transactions"): posted lines (kind 'line',
--                      immutable, status POSTED) and hold rows (kind 'hold', status AUTHORIZED |
--                      PENDING while open, CANCELLED once posted, voided or expired: "replaced by
--                      the POSTED line", LAYER2_API.md §2.6). amount is signed from the account's
--                      view: + money in, - money out.
-- ledger_holds         two-phase holds: OPEN -> POSTED | VOIDED | EXPIRED, each terminal once.
--
-- Customer ledger accounts keep stored balances (posted, pending_in, pending_out) updated with
-- their lines under a row lock taken in id order. Platform accounts (omnibus, fees, suspense, ...)
-- keep none: their balance is the sum of their lines, so no posting waits on a hot platform row.
-- Money is numeric(38,0) minor units throughout.

CREATE TABLE ledger_entries (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_id      text,
  category_type  text NOT NULL,
  category_id    text NOT NULL,
  description    text,
  created_at     timestamptz NOT NULL
);
CREATE INDEX ledger_entries_category ON ledger_entries (client_id, category_type, category_id);

CREATE TABLE ledger_holds (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_id          text,
  debit_account_id   bigint NOT NULL REFERENCES ledger_accounts(id),
  credit_account_id  bigint NOT NULL REFERENCES ledger_accounts(id),
  asset_type_id      text NOT NULL,
  amount             numeric(38,0) NOT NULL CHECK (amount > 0),
  posted_amount      numeric(38,0),
  status             text NOT NULL CHECK (status IN ('OPEN', 'POSTED', 'VOIDED', 'EXPIRED')),
  phase              text NOT NULL CHECK (phase IN ('AUTHORIZED', 'PENDING')),
  category_type      text NOT NULL,
  category_id        text NOT NULL,
  expires_at         timestamptz,
  created_at         timestamptz NOT NULL,
  resolved_at        timestamptz
);
CREATE INDEX ledger_holds_open_expiry ON ledger_holds (expires_at) WHERE status = 'OPEN';

CREATE TABLE ledger_transactions (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id         text NOT NULL UNIQUE,
  client_id         text,
  ledger_account_id bigint NOT NULL REFERENCES ledger_accounts(id),
  account_id        text,
  asset_type_id     text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('line', 'hold')),
  entry_id          bigint REFERENCES ledger_entries(id),
  hold_id           bigint REFERENCES ledger_holds(id),
  amount            numeric(38,0) NOT NULL,
  status            text NOT NULL CHECK (status IN ('AUTHORIZED', 'PENDING', 'POSTED', 'CANCELLED')),
  running_balance   numeric(38,0),
  transaction_type  text NOT NULL,
  category_type     text NOT NULL,
  category_id       text NOT NULL,
  description       text,
  details           jsonb,
  created_at        timestamptz NOT NULL,
  posted_at         timestamptz,
  CHECK ((kind = 'line') = (entry_id IS NOT NULL)),
  CHECK (kind = 'hold' OR status = 'POSTED')
);
CREATE INDEX ledger_transactions_by_account ON ledger_transactions (ledger_account_id, id DESC);
CREATE INDEX ledger_transactions_by_client ON ledger_transactions (client_id, id DESC) WHERE account_id IS NOT NULL;
CREATE INDEX ledger_transactions_by_account_ref ON ledger_transactions (client_id, account_id, id DESC);
CREATE INDEX ledger_transactions_by_category ON ledger_transactions (client_id, category_type, category_id);
CREATE INDEX ledger_transactions_by_hold ON ledger_transactions (hold_id) WHERE hold_id IS NOT NULL;

-- The functions that write these tables (ledger_post, ledger_hold_*) are defined in
-- src/modules/ledger/ledger.sql, their one source, applied after the migrations (src/db/sources.ts).

-- Operator adjustments and their audit trail.
CREATE TABLE adjustments (
  client_id         text NOT NULL REFERENCES clients(id),
  id                text NOT NULL,
  account_id        text NOT NULL,
  amount            numeric(38,0) NOT NULL,
  transaction_type  text NOT NULL CHECK (transaction_type IN ('CREDIT_CORRECTION', 'DEBIT_CORRECTION')),
  reason            text NOT NULL,
  actor_client_id   text NOT NULL,
  entry_id          bigint NOT NULL REFERENCES ledger_entries(id),
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (client_id, id)
);
