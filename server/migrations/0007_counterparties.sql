-- Counterparties (LAYER2_API.md §2.7): the external bank accounts and wallets a customer sends to
-- or pulls from. Rules, fields per type and rail, lifecycle: docs/counterparties.md.
-- `details` holds the resource as validated (full account numbers: responses mask them); the
-- columns beside it are what other modules query without parsing it.

CREATE TABLE counterparties (
  client_id                 text NOT NULL REFERENCES clients(id),
  id                        text NOT NULL,
  customer_id               text NOT NULL,
  counterparty_type         text NOT NULL CHECK (counterparty_type IN (
                              'FIAT_US', 'FIAT_US_LINKED', 'FIAT_CA', 'FIAT_EU', 'FIAT_GB', 'FIAT_IN', 'FIAT_MX', 'FIAT_AE',
                              'FIAT_BS', 'FIAT_CN', 'FIAT_HK', 'FIAT_SG', 'FIAT_JP', 'FIAT_MY', 'FIAT_PA',
                              'FIAT_IBAN', 'FIAT_ACCNO', 'CRYPTO')),
  status                    text NOT NULL CHECK (status IN ('ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED',
                                                            'PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F')),
  supported_rails           text[] NOT NULL CHECK (cardinality(supported_rails) > 0),
  asset_type_id             text NOT NULL,
  relationship_to_customer  text,
  wallet_address            text,
  -- FIAT_US_LINKED: an account was connected through the linking provider (ACH pull possible).
  linked                    boolean NOT NULL DEFAULT false,
  details                   jsonb NOT NULL,
  -- FIAT_US_LINKED: the linking session (widget token, member, accounts offered), null otherwise.
  link                      jsonb,
  created_at                timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  seq                       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, customer_id) REFERENCES customers (client_id, id)
);
CREATE INDEX counterparties_list ON counterparties (client_id, seq DESC);
CREATE INDEX counterparties_by_customer ON counterparties (client_id, customer_id, seq DESC);
CREATE INDEX counterparties_by_status ON counterparties (client_id, status, seq DESC);
