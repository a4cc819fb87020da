-- One unit of work per mutating request (docs/adr/0005): an idempotency key is written once, with
-- its response, in the same transaction as the change it answers for. "Still running" is a
-- transaction-scoped advisory lock, so there is no in-progress row and no lease to take over.
-- Rows left in_progress by the old two-commit scheme describe requests whose outcome was never
-- recorded; they are dropped (a retry runs, as the old lease expiry allowed).
DELETE FROM idempotency_keys WHERE state <> 'done';
ALTER TABLE idempotency_keys DROP COLUMN state, DROP COLUMN locked_until;
ALTER TABLE idempotency_keys
  ALTER COLUMN response_status SET NOT NULL,
  ALTER COLUMN response_body SET NOT NULL,
  ALTER COLUMN response_content_type SET NOT NULL;
