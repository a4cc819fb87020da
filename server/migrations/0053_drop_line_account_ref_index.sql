-- ledger_transactions_by_account_ref (client_id, account_id, id DESC) served one query, GET
-- /v1/transactions?account_id=: it now finds the account's ledger account and reads
-- ledger_transactions_by_account, as the account's own transaction list does. Every ledger line
-- paid for its upkeep (six indexes per line, docs/benchmarks.md); five remain.
DROP INDEX IF EXISTS ledger_transactions_by_account_ref;
