-- Event listeners (CONTRACT §16, `ledgerline listen`): a client's stream of its new events as
-- server-sent events, each signed as a webhook delivery (§9) with the listener's own key pair.
-- start_seq: the client's newest event when the listener was made; the stream begins after it.
CREATE TABLE event_listeners (
  client_id text NOT NULL REFERENCES clients (id),
  id text NOT NULL,
  public_key text NOT NULL,
  private_key text NOT NULL,
  event_types text[],
  start_seq bigint NOT NULL,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz,
  PRIMARY KEY (client_id, id)
);
