-- Onboarding: applications (KYC/KYB), the individuals of corporate applications, the documents
-- the platform asks for (with their files), and access codes for the hosted onboarding flow.
-- Rules and states: docs/applications.md.

CREATE TABLE applications (
  client_id                      text NOT NULL REFERENCES clients(id),
  id                             text NOT NULL,
  application_type               text NOT NULL CHECK (application_type IN ('INDIVIDUAL', 'CORPORATION')),
  status                         text NOT NULL CHECK (status IN ('INCOMPLETE', 'READY_FOR_SUBMISSION', 'SUBMITTED', 'PROCESSING',
                                                                 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED')),
  customer_id                    text NOT NULL,
  account_id                     text NOT NULL,
  product_id                     text NOT NULL,
  asset_type_id                  text NOT NULL,
  terms_and_conditions_accepted  boolean NOT NULL,
  information_attested           boolean NOT NULL,
  details                        jsonb NOT NULL,
  -- Field paths the operator asked to change (CHANGES_REQUESTED), cleared as the client changes them.
  changes_requested              jsonb NOT NULL DEFAULT '[]'::jsonb,
  decision_reason                text,
  decided_at                     timestamptz,
  created_at                     timestamptz NOT NULL,
  updated_at                     timestamptz NOT NULL,
  seq                            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id)
);
-- A customer id or an account id belongs to at most one live (not rejected) application.
CREATE UNIQUE INDEX applications_live_customer ON applications (client_id, customer_id) WHERE status <> 'REJECTED';
CREATE UNIQUE INDEX applications_live_account ON applications (client_id, account_id) WHERE status <> 'REJECTED';
CREATE INDEX applications_list ON applications (client_id, seq DESC);
CREATE INDEX applications_list_status ON applications (client_id, status, seq DESC);

CREATE TABLE application_individuals (
  client_id       text NOT NULL,
  application_id  text NOT NULL,
  id              text NOT NULL,
  details         jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, application_id) REFERENCES applications (client_id, id)
);
CREATE INDEX application_individuals_by_application ON application_individuals (client_id, application_id, seq);

-- One row per document the platform requires (or required and still holds a file for).
-- owner_key: 'application', or the id of the individual the document is about.
CREATE TABLE documents (
  client_id       text NOT NULL,
  id              text NOT NULL,
  application_id  text NOT NULL,
  individual_id   text,
  owner_key       text NOT NULL,
  document_type   text NOT NULL,
  status          text NOT NULL CHECK (status IN ('MISSING', 'SUBMITTED', 'CHANGES_REQUESTED', 'REJECTED', 'APPROVED')),
  required        boolean NOT NULL,
  filename        text,
  content_type    text,
  size_bytes      bigint,
  sha256          text,
  uploaded_at     timestamptz,
  review_reason   text,
  reviewed_at     timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  UNIQUE (client_id, application_id, owner_key, document_type),
  FOREIGN KEY (client_id, application_id) REFERENCES applications (client_id, id),
  FOREIGN KEY (client_id, individual_id) REFERENCES application_individuals (client_id, id) ON DELETE CASCADE
);

-- The bytes, apart from the metadata so that listing documents never reads them.
CREATE TABLE document_files (
  client_id    text NOT NULL,
  document_id  text NOT NULL,
  content      bytea NOT NULL,
  PRIMARY KEY (client_id, document_id),
  FOREIGN KEY (client_id, document_id) REFERENCES documents (client_id, id) ON DELETE CASCADE
);

CREATE TABLE application_access_codes (
  client_id       text NOT NULL,
  id              text NOT NULL,
  application_id  text NOT NULL,
  code_hash       text NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  PRIMARY KEY (client_id, id),
  FOREIGN KEY (client_id, application_id) REFERENCES applications (client_id, id)
);
CREATE UNIQUE INDEX application_access_codes_hash ON application_access_codes (code_hash);
