-- Webhooks (CONTRACT §9): subscriptions, one delivery per (event, subscription) and every
-- attempt of it. Delivery is an outbox: events are written with the change they describe
-- (dispatched_at NULL); a worker claims them with FOR UPDATE SKIP LOCKED, creates the deliveries
-- and marks them dispatched in one transaction, then claims due deliveries the same way.

-- Events written before this migration had no subscription to go to: they count as dispatched.
-- now() is stable, so PostgreSQL fills existing rows without rewriting the table; new rows
-- get NULL once the default is dropped.
ALTER TABLE events ADD COLUMN dispatched_at timestamptz DEFAULT now();
ALTER TABLE events ALTER COLUMN dispatched_at DROP DEFAULT;
CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;

CREATE TABLE subscriptions (
  client_id     text NOT NULL REFERENCES clients(id),
  id            text NOT NULL,
  event_type    text NOT NULL,
  callback_url  text NOT NULL,
  -- Ed25519: the raw public key as hex (signature_verification_key) and the private half as
  -- PEM PKCS#8. Production deployments should wrap private_key with a KMS (docs/webhooks.md).
  public_key    text NOT NULL,
  private_key   text NOT NULL,
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz,
  seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
CREATE INDEX subscriptions_live ON subscriptions (client_id, seq DESC) WHERE deleted_at IS NULL;
CREATE INDEX subscriptions_by_type ON subscriptions (client_id, event_type) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
  client_id         text NOT NULL,
  id                text NOT NULL,
  subscription_id   text NOT NULL,
  event_id          text NOT NULL,
  event_type        text NOT NULL,
  status            text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
  attempts          integer NOT NULL DEFAULT 0,
  -- when the next attempt is due (PENDING only)
  next_attempt_at   timestamptz,
  -- a worker's claim: others skip the row until then, so a crashed worker's claim expires
  locked_until      timestamptz,
  last_status_code  integer,
  last_error        text,
  created_at        timestamptz NOT NULL,
  delivered_at      timestamptz,
  seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, subscription_id) REFERENCES subscriptions (client_id, id),
  FOREIGN KEY (client_id, event_id) REFERENCES events (client_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (client_id, subscription_id, seq DESC);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (client_id, event_id, seq DESC);

CREATE TABLE webhook_attempts (
  client_id        text NOT NULL,
  id               text NOT NULL,
  delivery_id      text NOT NULL,
  attempt          integer NOT NULL,
  attempted_at     timestamptz NOT NULL,
  duration_ms      integer NOT NULL,
  -- the HTTP status answered, or NULL when there was no answer (error says why)
  status_code      integer,
  error            text,
  succeeded        boolean NOT NULL,
  seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, delivery_id) REFERENCES webhook_deliveries (client_id, id)
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (client_id, delivery_id, seq);
