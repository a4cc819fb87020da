-- Money in and out (LAYER2_API.md §2.4, §2.5, §2.8, §2.9; CONTRACT §10): deposits (push
-- instructions and ACH pulls), funds arriving on a rail (matched or held in suspense),
-- withdrawals, payors, and payment-address leases with their limits.

CREATE TABLE deposits (
  client_id               text NOT NULL REFERENCES clients(id),
  id                      text NOT NULL,
  deposit_type            text NOT NULL CHECK (deposit_type IN ('PUSH', 'PULL')),
  status                  text NOT NULL CHECK (status IN ('REQUESTED', 'ACCEPTED', 'EXECUTED', 'FAILURE', 'RETURNED')),
  destination_account_id  text NOT NULL,
  asset_type_id           text NOT NULL,
  -- PUSH: the reference a sender quotes; global, because incoming funds carry no tenant.
  memo                    text UNIQUE,
  instructions            jsonb,
  -- PULL
  source_counterparty_id  text,
  amount                  numeric(38,0),
  reference               text,
  hold_id                 bigint REFERENCES ledger_holds(id),
  settle_at               timestamptz,
  received_total          numeric(38,0) NOT NULL DEFAULT 0,
  received_count          integer NOT NULL DEFAULT 0,
  failure_reason          text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  accepted_at             timestamptz,
  executed_at             timestamptz,
  seq                     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, destination_account_id) REFERENCES accounts (client_id, id)
);
CREATE INDEX deposits_list ON deposits (client_id, seq DESC);
CREATE INDEX deposits_due ON deposits (settle_at) WHERE status = 'ACCEPTED';

-- Every arrival of funds on a rail: credited to an account, or held in suspense until the
-- operator assigns it.
CREATE TABLE incoming_funds (
  id              text PRIMARY KEY,
  rail            text NOT NULL,
  asset_type_id   text NOT NULL,
  amount          numeric(38,0) NOT NULL CHECK (amount > 0),
  memo            text,
  wallet_address  text,
  originator      jsonb,
  rail_reference  text NOT NULL,
  status          text NOT NULL CHECK (status IN ('CREDITED', 'SUSPENSE', 'ASSIGNED')),
  reason          text,
  client_id       text,
  account_id      text,
  deposit_id      text,
  lease_id        text,
  transaction_id  text,
  created_at      timestamptz NOT NULL,
  assigned_at     timestamptz,
  assigned_by     text,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX incoming_funds_suspense ON incoming_funds (seq DESC) WHERE status = 'SUSPENSE';

CREATE TABLE withdrawals (
  client_id                    text NOT NULL REFERENCES clients(id),
  id                           text NOT NULL,
  source_account_id            text NOT NULL,
  destination_counterparty_id  text NOT NULL,
  withdrawal_rail              text NOT NULL,
  asset_type_id                text NOT NULL,
  amount                       numeric(38,0) NOT NULL CHECK (amount > 0),
  purpose                      text NOT NULL,
  description                  text,
  memo                         text,
  status                       text NOT NULL CHECK (status IN ('REQUESTED', 'CHANGES_REQUESTED', 'AUTHORIZED', 'IN_PROGRESS',
                                 'EXECUTED', 'FAILED', 'RETURNED', 'CANCELLED', 'EXPIRED', 'REJECTED')),
  valid_until                  timestamptz NOT NULL,
  hold_id                      bigint REFERENCES ledger_holds(id),
  document_id                  text,
  send_at                      timestamptz,
  settle_at                    timestamptz,
  rail_reference               text,
  failure_reason               text,
  created_at                   timestamptz NOT NULL,
  updated_at                   timestamptz NOT NULL,
  accepted_at                  timestamptz,
  executed_at                  timestamptz,
  returned_at                  timestamptz,
  seq                          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, source_account_id) REFERENCES accounts (client_id, id)
);
CREATE INDEX withdrawals_list ON withdrawals (client_id, seq DESC);
CREATE INDEX withdrawals_send_due ON withdrawals (send_at) WHERE status = 'AUTHORIZED';
CREATE INDEX withdrawals_settle_due ON withdrawals (settle_at) WHERE status = 'IN_PROGRESS';
CREATE INDEX withdrawals_expiry ON withdrawals (valid_until) WHERE status IN ('REQUESTED', 'CHANGES_REQUESTED');

CREATE TABLE payors (
  client_id    text NOT NULL,
  customer_id  text NOT NULL,
  id           text NOT NULL,
  details      jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, customer_id, id),
  FOREIGN KEY (client_id, customer_id) REFERENCES customers (client_id, id)
);

ALTER TABLE address_leases
  ADD COLUMN payor_id text,
  ADD COLUMN payment_reference text,
  ADD COLUMN expected_amount numeric(38,0),
  ADD COLUMN received_count integer NOT NULL DEFAULT 0,
  ADD COLUMN received_value numeric(38,0) NOT NULL DEFAULT 0,
  ADD COLUMN expired_at timestamptz;
