import { Type } from 'typebox';

/**
 * An amount on input: a JSON number (Layer2) or a decimal string, in the asset's unit. The JSON
 * parser hands numbers of amount keys over as their exact text (shared/json-amounts.ts), so this
 * is always validated as text and converted once by shared/money.ts.
 */
export const AmountInput = Type.Unsafe<number | string>({
  anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\s*[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\s*$', maxLength: 60 }],
  description: 'Amount in the asset’s unit (e.g. 10.25 for USD, 0.000000000000000001 for ETH); a JSON number or a decimal string.',
});

/** An amount on output: an exact decimal JSON number. */
export const AmountOutput = Type.Unsafe<number>({ type: 'number', description: 'Exact decimal in the asset’s unit.' });
