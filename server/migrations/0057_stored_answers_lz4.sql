-- Stored answers (idempotency_keys.response_body) above TOAST's threshold (about 2 kB: a batch's
-- answer is about 70 kB for 100 transfers) are compressed with lz4 instead of pglz: it compresses
-- several times faster, and the batch route spent about 3% less of PostgreSQL's time per transfer
-- (docs/benchmarks.md). Smaller answers are stored as they are either way. A PostgreSQL built
-- without lz4 (the embedded one) keeps pglz.
DO $$
BEGIN
  ALTER TABLE idempotency_keys ALTER COLUMN response_body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: stored answers stay compressed with pglz';
END $$;
