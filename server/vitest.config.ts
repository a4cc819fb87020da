import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that never touch the test database: the SDK's own units, its generator's drift check (on an
 * embedded database of its own), the docs generator, pure units. CI's second pass runs the suite
 * again on PostgreSQL with TEST_SKIP_DB_INDEPENDENT=1, which leaves these out: they would run there
 * exactly as in the first pass (the drift check alone takes a minute or more).
 * test/platform/test-passes.test.ts checks that none of them reaches a database.
 */
export const DB_INDEPENDENT = [
  'test/sdk/drift-check.test.ts',
  'test/sdk/browser.test.ts',
  'test/sdk/transport-json.test.ts',
  'test/sdk/retries.test.ts',
  'test/webhooks/urls.test.ts',
  'test/docs/errors-doc.test.ts',
  'test/console/format.test.ts',
  'test/platform/architecture.test.ts',
];

/**
 * Tests run through the real app against a real database: embedded PGlite by default (one per
 * worker, shared by that worker's files: `isolate: false`), PostgreSQL when TEST_DATABASE_URL is
 * set (then a database of its own per worker as well: test/worker-database.ts). Tenancy isolates
 * tests from each other: every test makes its own client.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.TEST_SKIP_DB_INDEPENDENT === '1' ? DB_INDEPENDENT : [])],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['vitest.global-setup.ts'],
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
