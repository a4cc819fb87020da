/**
 * Databases made and dropped beside a PostgreSQL URL's, through the server's `postgres` database:
 * what the benchmarks (a fresh database per run, pgbench's baseline) and the PostgreSQL test run (a
 * database per worker, test/worker-database.ts) do. Nothing in the server calls these.
 */
import pg from 'pg';

/** The URL of database `name` on `url`'s server, with its credentials and options. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** The URL of the `postgres` database on `url`'s server. */
const adminUrl = (url: string) => databaseUrl(url, 'postgres');

/** The database a URL names. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs statements on `url`'s server, in its `postgres` database. */
export async function onServer<T>(url: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Drops the database `url` names (its sessions ended first), if it exists. */
export async function dropDatabase(url: string): Promise<void> {
  await onServer(url, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quoted(databaseName(url))} WITH (FORCE)`));
}

/** Drops (if it exists) and creates the database `url` names: empty. */
export async function recreateDatabase(url: string): Promise<void> {
  const name = quoted(databaseName(url));
  await onServer(url, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  });
}
