-- Foundation: platform settings, clients (tenants and the operator), idempotency, events,
-- resource history, customers and their individuals.
-- Every tenant-owned table leads its primary key with client_id (DESIGN.md "Data").
-- seq: a table-wide insertion order, used for stable keyset pagination (newest first).

CREATE TABLE platform_settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clients (
  id                  text PRIMARY KEY,
  name                text NOT NULL,
  secret_hash         text NOT NULL,
  regulated           boolean NOT NULL DEFAULT false,
  scopes              text[] NOT NULL,
  signing_required    boolean NOT NULL DEFAULT false,
  is_operator         boolean NOT NULL DEFAULT false,
  tokens_valid_after  timestamptz NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE TABLE idempotency_keys (
  client_id             text NOT NULL REFERENCES clients(id),
  key                   text NOT NULL,
  fingerprint           text NOT NULL,
  state                 text NOT NULL CHECK (state IN ('in_progress', 'done')),
  response_status       integer,
  response_body         text,
  response_content_type text,
  locked_until          timestamptz NOT NULL,
  created_at            timestamptz NOT NULL,
  expires_at            timestamptz,
  PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE events (
  client_id      text NOT NULL REFERENCES clients(id),
  id             text NOT NULL,
  event_type     text NOT NULL,
  resource_type  text NOT NULL,
  resource_id    text NOT NULL,
  event_data     jsonb NOT NULL,
  created_at     timestamptz NOT NULL,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
CREATE INDEX events_by_client ON events (client_id, seq DESC);
CREATE INDEX events_by_resource ON events (client_id, resource_type, resource_id, seq);

CREATE TABLE resource_history (
  client_id        text NOT NULL REFERENCES clients(id),
  id               text NOT NULL,
  resource_type    text NOT NULL,
  resource_id      text NOT NULL,
  field            text NOT NULL,
  before           jsonb,
  after            jsonb,
  actor_client_id  text NOT NULL,
  actor_type       text NOT NULL CHECK (actor_type IN ('client', 'operator')),
  updated_by       text,
  reason           text,
  created_at       timestamptz NOT NULL,
  seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
CREATE INDEX resource_history_by_resource ON resource_history (client_id, resource_type, resource_id, seq DESC);

CREATE TABLE customers (
  client_id      text NOT NULL REFERENCES clients(id),
  id             text NOT NULL,
  customer_type  text NOT NULL CHECK (customer_type IN ('INDIVIDUAL', 'CORPORATION')),
  status         text NOT NULL,
  details        jsonb NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
CREATE INDEX customers_list ON customers (client_id, seq DESC);
CREATE INDEX customers_list_status ON customers (client_id, status, seq DESC);
CREATE INDEX customers_list_type ON customers (client_id, customer_type, seq DESC);

CREATE TABLE customer_individuals (
  client_id    text NOT NULL,
  customer_id  text NOT NULL,
  id           text NOT NULL,
  details      jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, customer_id) REFERENCES customers (client_id, id)
);
CREATE INDEX customer_individuals_by_customer ON customer_individuals (client_id, customer_id, seq DESC);
