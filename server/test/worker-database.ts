/**
 * On PostgreSQL (TEST_DATABASE_URL), every vitest worker runs on a database of its own, as every
 * worker has its own embedded one: `<name>_w<pool id>` on the same server, made afresh when the
 * worker starts and dropped when the run ends (vitest.global-setup.ts).
 *
 * On one shared database, a webhook worker started by one file dispatched another file's queue,
 * and platform-wide lists (Suspense, deliveries) changed under a test between two readings: a class
 * of flakes that only the PostgreSQL pass had. Tests that race two server processes on one database
 * still do: both processes get the worker's URL.
 */
import { databaseName, databaseUrl, dropDatabase, onServer, recreateDatabase } from '../src/db/admin.js';

const SUFFIX = /_w\d+$/;

/** The worker's database URL for a base TEST_DATABASE_URL. */
export function workerDatabaseUrl(base: string, poolId: string): string {
  const name = databaseName(base) || 'postgres';
  return databaseUrl(base, `${name.replace(SUFFIX, '')}_w${poolId}`);
}

/**
 * Points TEST_DATABASE_URL at this worker's database, made empty, once per worker process
 * (setup files run before every file). Nothing to do on the embedded database.
 */
export async function useWorkerDatabase(): Promise<void> {
  const base = process.env.TEST_DATABASE_URL;
  const poolId = process.env.VITEST_POOL_ID;
  if (!base || !poolId || process.env.LEDGERLINE_TEST_WORKER_DATABASE === base) return;
  const url = workerDatabaseUrl(base, poolId);
  await recreateDatabase(url);
  process.env.TEST_DATABASE_URL = url;
  process.env.LEDGERLINE_TEST_WORKER_DATABASE = url;
}

/** Drops the workers' databases of a base TEST_DATABASE_URL (the end of a run). */
export async function dropWorkerDatabases(base: string): Promise<void> {
  const prefix = `${databaseName(base).replace(SUFFIX, '')}_w`;
  const { rows } = await onServer(base, (admin) =>
    admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 AND substr(datname, length($1) + 1) ~ '^[0-9]+$'`,
      [prefix],
    ),
  );
  for (const { datname } of rows) await dropDatabase(databaseUrl(base, datname));
}
