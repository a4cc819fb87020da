import { and, asc, eq, or } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fxRates } from '../../db/schema-exchanges.js';

export type RateRow = typeof fxRates.$inferSelect;

/** The fx_rates table (this module's, with exchanges): SQL only. */
export const ratesRepository = {
  /** The stored rows of a pair, either way round (at most two). */
  async pair(db: Reader, base: string, quote: string): Promise<RateRow[]> {
    return db
      .select()
      .from(fxRates)
      .where(or(and(eq(fxRates.base, base), eq(fxRates.quote, quote)), and(eq(fxRates.base, quote), eq(fxRates.quote, base))));
  },
  async all(db: Reader): Promise<RateRow[]> {
    return db.select().from(fxRates).orderBy(asc(fxRates.base), asc(fxRates.quote));
  },
  async isEmpty(db: Reader): Promise<boolean> {
    return (await db.select({ base: fxRates.base }).from(fxRates).limit(1)).length === 0;
  },
  /** Stores base/quote at mid, dropping a stored inverse (the inverse is implied). */
  async put(tx: Tx, base: string, quote: string, mid: string, at: Date): Promise<void> {
    await tx.delete(fxRates).where(and(eq(fxRates.base, quote), eq(fxRates.quote, base)));
    await tx
      .insert(fxRates)
      .values({ base, quote, mid, updatedAt: at })
      .onConflictDoUpdate({ target: [fxRates.base, fxRates.quote], set: { mid, updatedAt: at } });
  },
};
