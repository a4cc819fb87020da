-- The references of the rows every transfer writes, checked once per statement instead of once per
-- row. A batch of 100 transfers ran about 1,000 foreign-key checks (each transfer's accounts and
-- client, its two events' client, its two lines' ledger account, entry and hold): each one an SQL
-- query of its own with its executor set up and torn down, and a row lock on the parent. Profiled
-- under the batch load they were a fifth of PostgreSQL's time, and the route ran about 20% faster
-- without them (docs/benchmarks.md).
--
-- These foreign keys become checks of the inserted rows as a whole (statement triggers over the
-- transition table, one anti-join per INSERT: transfers.sql, events.sql, ledger.sql), raising
-- foreign_key_violation for any writer, as the keys did. What else a foreign key guarantees is
-- kept by two rules instead of its locks:
--  - the parents are never deleted (no code deletes a client, an account, a ledger account, an
--    entry or a hold; now the database refuses it, whatever the statement);
--  - the references never change after the insert (refused per row, on a change only) and the
--    parents' keys neither.
-- transfers.client_id needs no check of its own: an account of that client exists (accounts.client_id
-- references clients).
ALTER TABLE transfers DROP CONSTRAINT transfers_client_id_fkey;
ALTER TABLE transfers DROP CONSTRAINT transfers_client_id_source_account_id_fkey;
ALTER TABLE transfers DROP CONSTRAINT transfers_client_id_destination_account_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_client_id_fkey;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_ledger_account_id_fkey;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_entry_id_fkey;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_hold_id_fkey;

-- Refuses the statement: rows of this table are referenced by checks that rely on their staying.
CREATE FUNCTION refuse_parent_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are never deleted: other tables reference them', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
-- Refuses a row's change of a key or reference that statement-level checks verified at insert.
CREATE FUNCTION refuse_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the keys and references of % rows do not change', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER clients_kept BEFORE DELETE OR TRUNCATE ON clients FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_delete();
CREATE TRIGGER accounts_kept BEFORE DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_delete();
CREATE TRIGGER ledger_accounts_kept BEFORE DELETE OR TRUNCATE ON ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_delete();
CREATE TRIGGER ledger_entries_kept BEFORE DELETE OR TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_delete();
CREATE TRIGGER ledger_holds_kept BEFORE DELETE OR TRUNCATE ON ledger_holds FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_delete();

CREATE TRIGGER clients_key_fixed BEFORE UPDATE ON clients FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER accounts_key_fixed BEFORE UPDATE ON accounts FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER ledger_accounts_key_fixed BEFORE UPDATE ON ledger_accounts FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER ledger_entries_key_fixed BEFORE UPDATE ON ledger_entries FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER ledger_holds_key_fixed BEFORE UPDATE ON ledger_holds FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION refuse_reference_change();

CREATE TRIGGER transfers_references_fixed BEFORE UPDATE ON transfers FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.source_account_id IS DISTINCT FROM NEW.source_account_id
        OR OLD.destination_account_id IS DISTINCT FROM NEW.destination_account_id)
  EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER events_references_fixed BEFORE UPDATE ON events FOR EACH ROW
  WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION refuse_reference_change();
CREATE TRIGGER ledger_lines_references_fixed BEFORE UPDATE ON ledger_transactions FOR EACH ROW
  WHEN (OLD.ledger_account_id IS DISTINCT FROM NEW.ledger_account_id OR OLD.entry_id IS DISTINCT FROM NEW.entry_id
        OR OLD.hold_id IS DISTINCT FROM NEW.hold_id)
  EXECUTE FUNCTION refuse_reference_change();
