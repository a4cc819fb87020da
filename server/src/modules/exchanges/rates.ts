import type { Reader, Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import { inverse, mul, parseDecimal, type Rational } from '../../shared/rational.js';
import { ratesRepository } from './rates.repository.js';

/**
 * Where prices come from. The sandbox has a table of mid rates the operator sets
 * (PUT /v1/admin/rates); a live feed would implement the same interface.
 */
export interface RateSource {
  /** Units of `quote` per unit of `base`, or undefined when the pair is not supported. */
  mid(db: Reader, base: string, quote: string): Promise<Rational | undefined>;
}

/** Sandbox defaults, so exchanges work out of the box (USD crosses give every other pair). */
export const DEFAULT_RATES: { base: string; quote: string; mid: string }[] = [
  { base: 'BTC', quote: 'USD', mid: '60000' },
  { base: 'ETH', quote: 'USD', mid: '3000' },
  { base: 'SOL', quote: 'USD', mid: '150' },
  { base: 'USDC', quote: 'USD', mid: '1' },
  { base: 'DAI', quote: 'USD', mid: '1' },
  { base: 'EUR', quote: 'USD', mid: '1.08' },
  { base: 'GBP', quote: 'USD', mid: '1.27' },
  { base: 'USD', quote: 'INR', mid: '83.2' },
  { base: 'USD', quote: 'MXN', mid: '17.1' },
  { base: 'USD', quote: 'AED', mid: '3.6725' },
];

export class TableRates implements RateSource {
  private async direct(db: Reader, base: string, quote: string): Promise<Rational | undefined> {
    const rows = await ratesRepository.pair(db, base, quote);
    const d = rows.find((r) => r.base === base);
    if (d) return parseDecimal(d.mid);
    const inv = rows.find((r) => r.base === quote);
    const parsed = inv ? parseDecimal(inv.mid) : undefined;
    return parsed ? inverse(parsed) : undefined;
  }

  async mid(db: Reader, base: string, quote: string): Promise<Rational | undefined> {
    if (base === quote) return { num: 1n, den: 1n };
    const d = await this.direct(db, base, quote);
    if (d) return d;
    if (base === 'USD' || quote === 'USD') return undefined;
    const a = await this.direct(db, base, 'USD');
    const b = a && (await this.direct(db, 'USD', quote));
    return a && b ? mul(a, b) : undefined;
  }

  async list(db: Reader) {
    const rows = await ratesRepository.all(db);
    return rows.map((r) => ({ base: r.base, quote: r.quote, mid: r.mid, updated_at: r.updatedAt.toISOString() }));
  }

  /** Replaces the given pairs (and drops their stored inverses: the inverse is implied). */
  async set(ctx: WriteContext, rates: { base: string; quote: string; mid: string | number }[]) {
    const errors: ErrorEntry[] = [];
    rates.forEach((r, i) => {
      const mid = parseDecimal(String(r.mid));
      if (!mid || mid.num === 0n)
        errors.push({ code: 'VALIDATION_ERROR', field: `rates.${i}.mid`, description: 'mid must be a positive decimal.' });
      if (r.base === r.quote)
        errors.push({ code: 'VALIDATION_ERROR', field: `rates.${i}.quote`, description: 'base and quote must differ.' });
    });
    if (errors.length) throw AppError.many(errors);
    await this.write(ctx.tx, rates, ctx.now);
    return this.list(ctx.tx);
  }

  private async write(tx: Tx, rates: { base: string; quote: string; mid: string | number }[], at: Date) {
    for (const r of rates) await ratesRepository.put(tx, r.base, r.quote, String(r.mid).trim(), at);
  }

  /** Sandbox boot: the default rates, once, on an empty table. */
  async seedDefaults(tx: Tx, at: Date): Promise<void> {
    if (await ratesRepository.isEmpty(tx)) await this.write(tx, DEFAULT_RATES, at);
  }
}
