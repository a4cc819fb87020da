import { AppError } from '../../shared/errors.js';
import { ceil, div, floor, mul, type Rational, rational } from '../../shared/rational.js';

/**
 * The price of an exchange, exact in minor units (docs/exchanges.md). `mid` is destination units
 * per source unit. The client's rate is the mid less its spread. Rounding always favours the
 * platform, once: the credit is rounded down, a fixed-destination debit rounded up. The fee is
 * what the spread and rounding leave, in the destination asset: floor(debit at mid) - credit.
 */
export interface Priced {
  debit: bigint;
  credit: bigint;
  /** In destination minor units. */
  fee: bigint;
  /** The destination amount at the mid (what the FX liquidity account pays out). */
  atMid: bigint;
  clientRate: Rational;
}

export function price(p: {
  action: 'FIX_SOURCE' | 'FIX_DESTINATION';
  amount: bigint;
  mid: Rational;
  spreadBps: number;
  sourceDecimals: number;
  destinationDecimals: number;
}): Priced {
  const clientRate = mul(p.mid, rational(BigInt(10_000 - p.spreadBps), 10_000n));
  // minor destination per minor source, at a given rate
  const unit = rational(10n ** BigInt(p.destinationDecimals), 10n ** BigInt(p.sourceDecimals));
  let debit: bigint;
  let credit: bigint;
  if (p.action === 'FIX_SOURCE') {
    debit = p.amount;
    credit = floor(mul(mul(rational(debit), clientRate), unit));
  } else {
    credit = p.amount;
    debit = ceil(div(rational(credit), mul(clientRate, unit)));
  }
  if (credit <= 0n || debit <= 0n) {
    throw new AppError('AMOUNT_PRECISION', 'The amount is too small to exchange at this rate.', 'amount');
  }
  const atMid = floor(mul(mul(rational(debit), p.mid), unit));
  return { debit, credit, fee: atMid - credit, atMid, clientRate };
}
