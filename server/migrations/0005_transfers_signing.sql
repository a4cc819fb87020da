-- Transfers between accounts of one client and one asset (LAYER2_API.md §2.10), and request
-- signing (CONTRACT §8): registered Ed25519 public keys and the signatures already used.

CREATE TABLE transfers (
  client_id               text NOT NULL REFERENCES clients(id),
  id                      text NOT NULL,
  source_account_id       text NOT NULL,
  destination_account_id  text NOT NULL,
  asset_type_id           text NOT NULL,
  amount                  numeric(38,0) NOT NULL CHECK (amount > 0),
  description             text,
  status                  text NOT NULL CHECK (status IN ('REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED')),
  valid_until             timestamptz NOT NULL,
  entry_id                bigint REFERENCES ledger_entries(id),
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  executed_at             timestamptz,
  seq                     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, source_account_id) REFERENCES accounts (client_id, id),
  FOREIGN KEY (client_id, destination_account_id) REFERENCES accounts (client_id, id)
);
CREATE INDEX transfers_list ON transfers (client_id, seq DESC);

CREATE TABLE signing_keys (
  client_id    text NOT NULL REFERENCES clients(id),
  id           text NOT NULL,
  public_key   text NOT NULL,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
CREATE UNIQUE INDEX signing_keys_active ON signing_keys (client_id, public_key) WHERE revoked_at IS NULL;

-- A signature is accepted once: its hash is kept until it falls out of the timestamp window.
CREATE TABLE signature_uses (
  client_id   text NOT NULL,
  digest      text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (client_id, digest)
);
CREATE INDEX signature_uses_expiry ON signature_uses (expires_at);
