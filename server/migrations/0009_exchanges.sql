-- Exchanges (LAYER2_API.md §2.11): mid rates (sandbox table set by the operator; a live feed
-- would implement the same RateSource), each client's spread, and the exchanges themselves.

CREATE TABLE fx_rates (
  base        text NOT NULL,
  quote       text NOT NULL,
  mid         text NOT NULL,   -- exact decimal text; parsed into a rational, never a float
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (base, quote)
);

ALTER TABLE clients ADD COLUMN exchange_spread_bps integer NOT NULL DEFAULT 0
  CHECK (exchange_spread_bps >= 0 AND exchange_spread_bps < 10000);

CREATE TABLE exchanges (
  client_id               text NOT NULL REFERENCES clients(id),
  id                      text NOT NULL,
  exchange_type           text NOT NULL CHECK (exchange_type IN ('QUOTE', 'MARKET')),
  action                  text NOT NULL CHECK (action IN ('FIX_SOURCE', 'FIX_DESTINATION')),
  status                  text NOT NULL CHECK (status IN ('REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED')),
  source_account_id       text NOT NULL,
  destination_account_id  text NOT NULL,
  source_asset_type_id    text NOT NULL,
  destination_asset_type_id text NOT NULL,
  amount_to_debit         numeric(38,0) NOT NULL CHECK (amount_to_debit > 0),
  amount_to_credit        numeric(38,0) NOT NULL CHECK (amount_to_credit > 0),
  fee                     numeric(38,0) NOT NULL DEFAULT 0,
  rate                    text NOT NULL,   -- the client's rate (after spread), destination units per source unit
  mid_rate                text NOT NULL,
  spread_bps              integer NOT NULL,
  maximum_slippage        text,
  description             text,
  valid_until             timestamptz NOT NULL,
  rejection_reason        text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  executed_at             timestamptz,
  seq                     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, source_account_id) REFERENCES accounts (client_id, id),
  FOREIGN KEY (client_id, destination_account_id) REFERENCES accounts (client_id, id)
);
CREATE INDEX exchanges_list ON exchanges (client_id, seq DESC);
