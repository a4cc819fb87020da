-- Originally: ledger_hold_post refused lines that do not move exactly the posted amount between
-- the hold's two accounts. That function now lives in src/modules/ledger/ledger.sql, the ledger's
-- one SQL source (applied by checksum after the migrations); this migration is kept for its number.
SELECT 1;
