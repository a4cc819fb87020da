import type { Db, Tx } from './client.js';
import { pgErrorCode } from './client.js';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs a use case in one database transaction. Serialization failures and deadlocks re-run the
 * whole callback (it must therefore have no side effects outside the transaction).
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => fn(tx as unknown as Tx));
    } catch (err) {
      const code = pgErrorCode(err);
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
