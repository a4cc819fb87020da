-- Each client has an API version (Stripe-style): the Layer2 wire version its responses are shaped
-- for unless a request asks for another with x-l2f-api-version. New clients get the newest.
ALTER TABLE clients ADD COLUMN api_version text NOT NULL DEFAULT '1.1.2' CHECK (api_version IN ('1.0.5', '1.1.2'));
