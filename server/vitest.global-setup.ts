import { dropWorkerDatabases } from './test/worker-database.js';

/** At the end of a PostgreSQL run, the workers' databases go (test/worker-database.ts). */
export default function setup(): (() => Promise<void>) | undefined {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return undefined;
  return () => dropWorkerDatabases(base);
}
