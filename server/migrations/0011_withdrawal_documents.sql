-- A document belongs to an application or to a withdrawal (an RFI: a supporting document the
-- platform asks for before a large withdrawal proceeds, LAYER2_API.md §2.9).
ALTER TABLE documents ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE documents ADD COLUMN withdrawal_id text;
ALTER TABLE documents ADD CONSTRAINT documents_one_owner CHECK ((application_id IS NULL) <> (withdrawal_id IS NULL));
ALTER TABLE documents ADD CONSTRAINT documents_withdrawal_fk FOREIGN KEY (client_id, withdrawal_id) REFERENCES withdrawals (client_id, id);
CREATE INDEX documents_by_withdrawal ON documents (client_id, withdrawal_id) WHERE withdrawal_id IS NOT NULL;
