-- Virtual accounts: dedicated bank details that route incoming money to one fiat account
-- (Increase's account numbers, vIBANs). ACH and FEDWIRE details are an account number at the
-- sandbox bank's ABA routing number; SEPA_CT details are an IBAN and the bank's BIC. Bank details
-- are unique across the platform (a payment names them without naming a client). Status machine:
-- ACTIVE <-> DISABLED, either -> CLOSED (terminal); closing the account closes them.
CREATE TABLE virtual_accounts (
  client_id       text NOT NULL REFERENCES clients(id),
  id              text NOT NULL,
  account_id      text NOT NULL,
  customer_id     text NOT NULL,
  rail            text NOT NULL CHECK (rail IN ('ACH', 'FEDWIRE', 'SEPA_CT')),
  status          text NOT NULL CHECK (status IN ('ACTIVE', 'DISABLED', 'CLOSED')),
  name            text,
  account_number  text CHECK (account_number ~ '^[0-9]{10,17}$'),
  routing_number  text CHECK (routing_number ~ '^[0-9]{9}$'),
  iban            text CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  bic             text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, account_id) REFERENCES accounts (client_id, id),
  CONSTRAINT virtual_accounts_details CHECK (
    CASE WHEN rail = 'SEPA_CT'
      THEN iban IS NOT NULL AND bic IS NOT NULL AND account_number IS NULL AND routing_number IS NULL
      ELSE account_number IS NOT NULL AND routing_number IS NOT NULL AND iban IS NULL AND bic IS NULL
    END)
);
CREATE UNIQUE INDEX virtual_accounts_account_number ON virtual_accounts (account_number) WHERE account_number IS NOT NULL;
CREATE UNIQUE INDEX virtual_accounts_iban ON virtual_accounts (iban) WHERE iban IS NOT NULL;
CREATE INDEX virtual_accounts_of_account ON virtual_accounts (client_id, account_id, seq DESC);

-- Funds sent to a virtual account's details: credited (a deposit naming the virtual account) or,
-- when the details are DISABLED or CLOSED, returned to the sender (recorded, nothing credited).
ALTER TABLE deposits ADD COLUMN virtual_account_id text;
ALTER TABLE incoming_funds ADD COLUMN virtual_account_id text;
ALTER TABLE incoming_funds DROP CONSTRAINT IF EXISTS incoming_funds_status_check;
ALTER TABLE incoming_funds ADD CONSTRAINT incoming_funds_status_check CHECK (status IN ('CREDITED', 'SUSPENSE', 'ASSIGNED', 'RETURNED'));
CREATE INDEX incoming_funds_by_virtual_account ON incoming_funds (client_id, virtual_account_id, seq DESC)
  WHERE virtual_account_id IS NOT NULL;
