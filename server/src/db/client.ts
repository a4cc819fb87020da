import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleLite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The connection pool: what reads outside a transaction use. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
declare const inTransactionBrand: unique symbol;
/**
 * A handle on one open transaction (DESIGN.md "Data"). Use cases that write take this type, so the
 * compiler refuses them the pool; only the platform (request pipeline, scheduler) opens one.
 */
export type Tx = Db & { readonly [inTransactionBrand]: true };
/** What a read may use: the pool, or the transaction a write is running in. */
export type Reader = Db | Tx;

/** One open transaction: its drizzle handle and raw SQL on the same connection. */
export interface TxSession {
  readonly tx: Tx;
  /** Raw SQL in this transaction; rows as objects (int8/numeric as text). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** The rows of each statement of TransactionOptions.opening, in order. */
  readonly opening: Record<string, unknown>[][];
  /**
   * Statements (literal SQL, see sqlLiteral) to send together with COMMIT, in the same round trip:
   * the unit's last writes. When one fails nothing commits.
   */
  finishWith(statements: string): void;
}

export interface TransactionOptions {
  /**
   * Statements (literal SQL, see sqlLiteral) sent together with BEGIN in one round trip; their rows
   * are the session's `opening`. The request pipeline claims its idempotency key this way.
   */
  opening?: string[];
}

/**
 * A value as an SQL literal, for the statements a transaction sends with BEGIN or COMMIT (the simple
 * protocol takes no parameters). Strings are quoted with '' and, when they hold a backslash, as
 * E'' with \\ — correct whatever standard_conforming_strings says.
 */
export function sqlLiteral(value: string | number | bigint | null): string {
  if (value === null) return 'NULL';
  if (typeof value !== 'string') return String(value);
  if (value.includes('\u0000')) throw new Error('an SQL literal cannot hold a NUL character');
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** The rows of each result of a multi-statement simple query (pg answers one result unwrapped). */
function rowsOf(result: unknown): Record<string, unknown>[][] {
  const list = Array.isArray(result) ? result : [result];
  return list.map((r) => (r as { rows: Record<string, unknown>[] }).rows);
}

/** COMMIT answered ROLLBACK: a statement failed inside and the error was swallowed. */
export class TransactionAbortedError extends Error {}

/** What the migration runner needs: multi-statement SQL inside one transaction. */
export interface RawSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  exec(text: string): Promise<void>;
}

export interface Database {
  kind: 'pg' | 'pglite';
  db: Db;
  /**
   * Runs fn in one transaction: BEGIN, fn, COMMIT; ROLLBACK when fn throws. The only way to open
   * one: the request pipeline (platform/unit-of-work.ts) and the scheduler call it, use cases
   * receive the session's `tx`.
   */
  transaction<T>(fn: (s: TxSession) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Runs fn in one raw transaction (used by migrations and the readiness check). */
  rawTransaction<T>(fn: (s: RawSession) => Promise<T>): Promise<T>;
  /**
   * Runs fn while holding a database-wide advisory lock (PostgreSQL: on a connection of its own,
   * so fn may use the pool). The embedded database admits one process: fn just runs.
   */
  exclusive<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {}

/**
 * PGlite does not lock its data directory, and two processes on one directory corrupt it.
 * We take an exclusive lock file holding our pid; a lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = join(dir, 'ledgerline.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The data directory ${dir} is in use by another Ledgerline process (pid ${pid}). ` +
            'Stop it first, or start this one with another DATA_DIR (or DATABASE_URL).',
        );
      }
      unlinkSync(lockPath); // stale lock from a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dir}.`);
}

/**
 * Is the process that wrote a lock still a running Node process? A killed server can linger as
 * a zombie (nothing reaps it, e.g. under a container's PID 1) and kill(pid, 0) still succeeds on
 * it; a pid can also be recycled by an unrelated program. Where /proc exists, both are dead.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|tsx|ledgerline/.test(cmdline);
  } catch {
    return !existsSync('/proc/self'); // no /proc: trust kill(pid, 0)
  }
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory for the embedded database; undefined with no databaseUrl = in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'ledgerline' });
  pool.on('error', () => {
    /* idle client errors surface on the next query; do not crash the process */
  });
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  // One drizzle handle per pooled connection, made once (no schema: no relational queries, cheap).
  const handles = new WeakMap<pg.PoolClient, Tx>();
  const handleOf = (client: pg.PoolClient): Tx => {
    let tx = handles.get(client);
    if (!tx) {
      tx = drizzlePg({ client }) as unknown as Tx;
      handles.set(client, tx);
    }
    return tx;
  };
  return {
    kind: 'pg',
    db,
    async transaction(fn, opts = {}) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        let finishing: string | undefined;
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          // BEGIN and the opening statements in one round trip; COMMIT and the finishing ones in one.
          const opening = opts.opening?.length
            ? rowsOf(await client.query(['BEGIN', ...opts.opening].join(';\n'))).slice(1)
            : (await client.query('BEGIN'), []);
          result = await fn({
            tx: handleOf(client),
            query: async (text, params) => (await client.query(text, params as unknown[])).rows,
            opening,
            finishWith: (statements) => {
              finishing = statements;
            },
          });
          const done = await client.query(finishing ? `${finishing};\nCOMMIT` : 'COMMIT');
          const last = (Array.isArray(done) ? done.at(-1) : done) as pg.QueryResult;
          if (last.command !== 'COMMIT') throw new TransactionAbortedError('the transaction was aborted by a failed statement');
        } catch (err) {
          await client.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
          throw err;
        }
        return result;
      } finally {
        client.release(broken);
      }
    },
    async rawTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const session: RawSession = {
          query: async (text, params) => (await client.query(text, params as unknown[])).rows,
          exec: async (text) => {
            await client.query(text);
          },
        };
        const result = await fn(session);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exclusive(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let unlock = () => {};
  let pgDir: string | undefined;
  if (dataDir) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true }); // PGlite does not create parent directories
    unlock = lockDataDir(dir);
    pgDir = join(dir, 'pgdata');
  }
  let lite: PGlite;
  try {
    lite = new PGlite(pgDir);
    await lite.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzleLite({ client: lite, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    // PGlite is one session: its transaction() holds it, so nothing else interleaves until COMMIT.
    // Round trips cost nothing here: the opening and finishing statements simply run in turn.
    transaction: (fn, opts = {}) =>
      lite.transaction(async (t) => {
        const opening = opts.opening?.length
          ? (await t.exec(opts.opening.join(';\n'))).map((r) => r.rows as Record<string, unknown>[])
          : [];
        let finishing: string | undefined;
        const result = await fn({
          tx: drizzleLite({ client: t as unknown as PGlite }) as unknown as Tx,
          query: async (text, params) => (await t.query(text, params)).rows as never[],
          opening,
          finishWith: (statements) => {
            finishing = statements;
          },
        });
        if (finishing) await t.exec(finishing);
        return result;
      }),
    rawTransaction: (fn) =>
      lite.transaction((tx) =>
        fn({
          query: async (text, params) => (await tx.query(text, params)).rows as never[],
          exec: async (text) => {
            await tx.exec(text);
          },
        }),
      ),
    exclusive: (_key, fn) => fn(),
    async close() {
      try {
        await lite.close();
      } finally {
        unlock();
      }
    },
  };
}

export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Does a data directory already hold an embedded database? */
export function hasEmbeddedData(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), 'pgdata', 'PG_VERSION'));
}
