-- The UNIQUE on each table's seq created a standalone index the planner preferred for list
-- queries (ORDER BY seq with client_id filtered row by row): once another tenant had 100,000
-- newer rows, a first page took 11-30 ms instead of 0.03 ms (customers benchmark, EXPLAIN in
-- docs/benchmarks.md). seq is an identity: unique by construction. The per-tenant
-- (client_id, ..., seq) indexes remain and serve every list.

ALTER TABLE clients DROP CONSTRAINT IF EXISTS clients_seq_key;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_seq_key;
ALTER TABLE resource_history DROP CONSTRAINT IF EXISTS resource_history_seq_key;
ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_seq_key;
ALTER TABLE customer_individuals DROP CONSTRAINT IF EXISTS customer_individuals_seq_key;
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_seq_key;
ALTER TABLE address_leases DROP CONSTRAINT IF EXISTS address_leases_seq_key;
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_seq_key;
ALTER TABLE application_individuals DROP CONSTRAINT IF EXISTS application_individuals_seq_key;
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_seq_key;
ALTER TABLE application_access_codes DROP CONSTRAINT IF EXISTS application_access_codes_seq_key;
ALTER TABLE transfers DROP CONSTRAINT IF EXISTS transfers_seq_key;
ALTER TABLE signing_keys DROP CONSTRAINT IF EXISTS signing_keys_seq_key;
ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS subscriptions_seq_key;
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_seq_key;
ALTER TABLE webhook_attempts DROP CONSTRAINT IF EXISTS webhook_attempts_seq_key;
ALTER TABLE counterparties DROP CONSTRAINT IF EXISTS counterparties_seq_key;
ALTER TABLE deposits DROP CONSTRAINT IF EXISTS deposits_seq_key;
ALTER TABLE incoming_funds DROP CONSTRAINT IF EXISTS incoming_funds_seq_key;
ALTER TABLE withdrawals DROP CONSTRAINT IF EXISTS withdrawals_seq_key;
ALTER TABLE payors DROP CONSTRAINT IF EXISTS payors_seq_key;
ALTER TABLE exchanges DROP CONSTRAINT IF EXISTS exchanges_seq_key;
