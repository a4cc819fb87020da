import { beforeAll } from 'vitest';
import { getApp } from './helpers.js';
import { useWorkerDatabase } from './worker-database.js';

// On PostgreSQL, this worker's own database (test/worker-database.ts), before any file reads the URL.
await useWorkerDatabase();

// Boot the worker's shared app before any test of the file runs, under the hook timeout: a cold
// start (migrations on a fresh embedded database) must not eat a test's own time budget.
beforeAll(async () => {
  await getApp();
});
