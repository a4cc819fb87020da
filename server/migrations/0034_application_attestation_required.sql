-- Attestation (information_attested) exists in Rail 1.1.2 only: an application created through a
-- 1.0.5 request has no field to give it, so it is not required there (docs/versions.md).
ALTER TABLE applications ADD COLUMN attestation_required boolean NOT NULL DEFAULT true;
