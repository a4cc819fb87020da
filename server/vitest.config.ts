import { defineConfig } from 'vitest/config';

/**
 * Tests run through the real app against a real database: embedded PGlite by default (one per
 * worker, shared by that worker's files: `isolate: false`), PostgreSQL when TEST_DATABASE_URL is
 * set. Tenancy isolates tests from each other: every test makes its own client.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
