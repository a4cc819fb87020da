-- The vault (CONTRACT §17): data keys, each wrapped (AES-256-GCM) by the master key
-- LEDGERLINE_MASTER_KEY. Encrypted values elsewhere name the data key that opens them; rotating
-- the master key re-wraps these rows only, never the rows holding encrypted values.
--  - purpose 'encryption': encrypts secrets (token signing key, webhook private keys, ...);
--  - purpose 'lookup': the HMAC key of keyed hashes, to find an encrypted value by equality.
-- One active key per purpose. Secrets stored in clear before this migration (the token signing
-- key in platform_settings, subscriptions.private_key) are encrypted by the application at its
-- next start, once it holds the master key: SQL cannot, since the database never sees the key.
CREATE TABLE vault_keys (
  id             text PRIMARY KEY,
  purpose        text NOT NULL CHECK (purpose IN ('encryption', 'lookup')),
  -- which master key wraps it (mk_…, derived from the key: it names it without revealing it)
  master_key_id  text NOT NULL,
  -- base64url(nonce ‖ AES-256-GCM(master key, data key) ‖ tag), bound to id and purpose
  wrapped_key    text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL,
  rewrapped_at   timestamptz
);
CREATE UNIQUE INDEX vault_keys_one_active ON vault_keys (purpose) WHERE active;
