-- Cards (issue 13): debit cards on a customer's fiat account, their authorizations (ledger holds),
-- refunds, and each client's real-time authorization webhook.
--
-- The PAN and CVV are stored only as vault envelopes (pan_encrypted, cvv_encrypted); pan_hash is
-- the vault's keyed lookup hash of the PAN, unique across the platform (a PAN is issued once).
CREATE TABLE cards (
  client_id          text NOT NULL REFERENCES clients(id),
  id                 text NOT NULL,
  customer_id        text NOT NULL,
  account_id         text NOT NULL,
  asset_type_id      text NOT NULL,
  card_type          text NOT NULL CHECK (card_type IN ('VIRTUAL', 'PHYSICAL')),
  status             text NOT NULL CHECK (status IN ('INACTIVE', 'ACTIVE', 'LOCKED', 'CLOSED', 'LOST', 'STOLEN')),
  network            text NOT NULL DEFAULT 'VISA',
  last4              text NOT NULL,
  exp_month          integer NOT NULL,
  exp_year           integer NOT NULL,
  cardholder_name    text NOT NULL,
  spending_controls  jsonb NOT NULL DEFAULT '{}'::jsonb,
  shipping_address   jsonb,
  pan_encrypted      text NOT NULL,
  cvv_encrypted      text NOT NULL,
  pan_hash           text NOT NULL UNIQUE,
  replaces_card_id   text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  seq                bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, account_id) REFERENCES accounts (client_id, id)
);
CREATE INDEX cards_list ON cards (client_id, seq DESC);
CREATE INDEX cards_by_account ON cards (client_id, account_id);
CREATE INDEX cards_by_customer ON cards (client_id, customer_id);

-- amount: authorized so far (grows with increments); the open hold is amount - captured - reversed
-- while PENDING. hold_id: the ledger hold of an approved authorization.
CREATE TABLE card_authorizations (
  client_id        text NOT NULL REFERENCES clients(id),
  id               text NOT NULL,
  card_id          text NOT NULL,
  account_id       text NOT NULL,
  asset_type_id    text NOT NULL,
  status           text NOT NULL CHECK (status IN ('PENDING', 'CLOSED', 'DECLINED')),
  amount           numeric(38,0) NOT NULL CHECK (amount > 0),
  captured_amount  numeric(38,0) NOT NULL DEFAULT 0,
  reversed_amount  numeric(38,0) NOT NULL DEFAULT 0,
  decline_reason   text,
  closed_reason    text CHECK (closed_reason IN ('CAPTURED', 'REVERSED', 'EXPIRED')),
  merchant         jsonb NOT NULL,
  hold_id          bigint,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, card_id) REFERENCES cards (client_id, id)
);
CREATE INDEX card_authorizations_by_card ON card_authorizations (client_id, card_id, created_at);
CREATE INDEX card_authorizations_list ON card_authorizations (client_id, card_id, seq DESC);

CREATE TABLE card_refunds (
  client_id   text NOT NULL REFERENCES clients(id),
  id          text NOT NULL,
  card_id     text NOT NULL,
  account_id  text NOT NULL,
  amount      numeric(38,0) NOT NULL CHECK (amount > 0),
  merchant    jsonb NOT NULL,
  entry_id    bigint NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, card_id) REFERENCES cards (client_id, id)
);

-- One real-time authorization webhook per client; private_key is a vault envelope.
CREATE TABLE card_authorization_webhooks (
  client_id         text PRIMARY KEY REFERENCES clients(id),
  url               text NOT NULL,
  timeout_decision  text NOT NULL CHECK (timeout_decision IN ('APPROVE', 'DECLINE')),
  public_key        text NOT NULL,
  private_key       text NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
