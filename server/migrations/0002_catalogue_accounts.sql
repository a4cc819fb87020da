-- Catalogue per client, the ledger's accounts (balances live with the ledger), customer accounts
-- and crypto address leases.

-- Which products and assets a client may open. No row = the defaults (CONTRACT §12).
CREATE TABLE client_catalogue (
  client_id   text PRIMARY KEY REFERENCES clients(id),
  products    text[] NOT NULL,
  assets      text[] NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- One row per ledger account: customer accounts and the platform's own (omnibus, fees, ...).
-- Balances are in minor units of the asset and are only ever changed by the ledger module.
CREATE TABLE ledger_accounts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_id       text REFERENCES clients(id),
  kind            text NOT NULL CHECK (kind IN ('customer', 'platform')),
  code            text,
  asset_type_id   text NOT NULL,
  allow_negative  boolean NOT NULL DEFAULT false,
  posted          numeric(38,0) NOT NULL DEFAULT 0,
  pending_in      numeric(38,0) NOT NULL DEFAULT 0,
  pending_out     numeric(38,0) NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  CHECK (allow_negative OR posted - pending_out >= 0),
  CHECK (pending_in >= 0 AND pending_out >= 0)
);
CREATE UNIQUE INDEX ledger_accounts_platform_code ON ledger_accounts (code) WHERE code IS NOT NULL;

CREATE TABLE accounts (
  client_id          text NOT NULL REFERENCES clients(id),
  id                 text NOT NULL,
  customer_id        text NOT NULL,
  product_id         text NOT NULL,
  product_type       text NOT NULL CHECK (product_type IN ('CLIENT', 'DEPOSIT', 'VIRTUAL')),
  family             text NOT NULL CHECK (family IN ('deposits', 'payments')),
  asset_type_id      text NOT NULL,
  status             text NOT NULL,
  ledger_account_id  bigint NOT NULL UNIQUE REFERENCES ledger_accounts(id),
  last_activity_at   timestamptz NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, customer_id) REFERENCES customers (client_id, id)
);
CREATE INDEX accounts_list ON accounts (client_id, family, seq DESC);
CREATE INDEX accounts_by_customer ON accounts (client_id, customer_id, seq DESC);

CREATE TABLE address_leases (
  client_id                text NOT NULL,
  id                       text NOT NULL,
  account_id               text NOT NULL,
  asset_type_id            text NOT NULL,
  wallet_address           text NOT NULL,
  lease_enforced           boolean NOT NULL,
  lease_end_date           timestamptz,
  lease_transaction_limit  integer,
  lease_value_limit        numeric(38,0),
  created_at               timestamptz NOT NULL,
  seq                      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, account_id) REFERENCES accounts (client_id, id)
);
CREATE UNIQUE INDEX address_leases_address ON address_leases (asset_type_id, wallet_address);
CREATE INDEX address_leases_by_account ON address_leases (client_id, account_id, seq DESC);
