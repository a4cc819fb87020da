-- ledger_entries_category (client_id, category_type, category_id) serves no query: entries are
-- found through their lines (ledger_transactions_by_category) or by id. Every posting paid for it.
DROP INDEX IF EXISTS ledger_entries_category;
