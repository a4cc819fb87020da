-- Row locks of the ledger are FOR NO KEY UPDATE, not FOR UPDATE: no posting changes a key, and
-- FOR UPDATE conflicts with the KEY SHARE locks that foreign-key checks take (inserting a hold,
-- a line or a transfer that refers to the account). Under concurrency that made lock cycles
-- PostgreSQL broke only after deadlock_timeout (transfers benchmark, hot accounts: 500s and
-- seconds of latency). Same functions otherwise.
-- The functions themselves now live in src/modules/ledger/ledger.sql (one source, applied by
-- checksum after the migrations); this migration is kept for its number.
SELECT 1;
