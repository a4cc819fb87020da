-- The sandbox clock is each client's own: POST /v1/simulations/clock moves the caller's business
-- time, never another tenant's. Replaces the platform-wide offset of 0005-era settings.
ALTER TABLE clients ADD COLUMN sandbox_clock_offset_ms bigint NOT NULL DEFAULT 0 CHECK (sandbox_clock_offset_ms >= 0);
DELETE FROM platform_settings WHERE key = 'sandbox_clock_offset_ms';
