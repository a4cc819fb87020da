-- A batch of transfers writes its transfers before it takes its locks, pointing at journal entries
-- reserved from the ledger's sequence and posted later in the same call (transfers.sql,
-- transfers_execute_batch). The key may wait for that: the call defers it while it runs and checks
-- it before it returns (SET CONSTRAINTS ... IMMEDIATE). Every other writer is checked as before.
ALTER TABLE transfers ALTER CONSTRAINT transfers_entry_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
