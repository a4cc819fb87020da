-- Rail 1.1.2 Payments (collections): a counterparty pays a customer's account. Accept issues the
-- deposit instructions (a PUSH deposit of the destination account); the payment follows that
-- deposit (EXECUTED once funds are received). A payment from someone other than the customer
-- waits for an INVOICE (an RFI) before it can be accepted; its document row names the payment.
CREATE TABLE payments (
  client_id               text NOT NULL REFERENCES clients(id),
  id                      text NOT NULL,
  source_counterparty_id  text NOT NULL,
  destination_account_id  text NOT NULL,
  asset_types             text[] NOT NULL,
  description             text NOT NULL,
  status                  text NOT NULL CHECK (status IN ('REQUESTED', 'CHANGES_REQUESTED', 'ACCEPTED')),
  deposit_id              text,
  document_id             text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  accepted_at             timestamptz,
  seq                     bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, destination_account_id) REFERENCES accounts (client_id, id),
  FOREIGN KEY (client_id, deposit_id) REFERENCES deposits (client_id, id)
);
CREATE INDEX payments_list ON payments (client_id, seq DESC);

ALTER TABLE documents ADD COLUMN payment_id text;
ALTER TABLE documents DROP CONSTRAINT documents_one_owner;
ALTER TABLE documents ADD CONSTRAINT documents_one_owner CHECK (num_nonnulls(application_id, withdrawal_id, payment_id) = 1);
ALTER TABLE documents ADD CONSTRAINT documents_payment_fk FOREIGN KEY (client_id, payment_id) REFERENCES payments (client_id, id);
CREATE INDEX documents_by_payment ON documents (client_id, payment_id) WHERE payment_id IS NOT NULL;
