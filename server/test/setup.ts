import { beforeAll } from 'vitest';
import { getApp } from './helpers.js';

// Boot the worker's shared app before any test of the file runs, under the hook timeout: a cold
// start (migrations on a fresh embedded database) must not eat a test's own time budget.
beforeAll(async () => {
  await getApp();
});
