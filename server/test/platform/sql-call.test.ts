/**
 * sqlCall (src/db/sql.ts): one description of a function call, rendered with bound parameters and
 * as literal SQL (what a unit of work sends with BEGIN or COMMIT). Both forms must call the function
 * with the same values, whatever the text holds.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type CallArg, queryRows, sqlCall } from '../../src/db/sql.js';
import { getApp } from '../helpers.js';

describe('sqlCall', () => {
  it('renders the same call bound and literal: quotes, backslashes, arrays, numbers, booleans, NULL, expressions', async () => {
    const db = (await getApp()).ledgerline.database.db;
    const args: CallArg[] = [
      { value: `it's a \\ back'slash`, type: 'text' },
      { value: '{"a b","c\\"d",NULL}', type: 'text[]' },
      { value: 42, type: 'int' },
      { value: false, type: 'boolean' },
      { value: null, type: 'timestamptz' },
      { value: '2026-11-30T09:00:00.000Z', type: 'timestamptz' },
    ];
    const call = sqlCall('jsonb_build_array', args);
    expect(call.literal).toBe(
      `jsonb_build_array( E'it''s a \\\\ back''slash'::text,  E'{"a b","c\\\\"d",NULL}'::text[], 42::int, 'false'::boolean, NULL::timestamptz, '2026-11-30T09:00:00.000Z'::timestamptz)`,
    );
    const [bound] = await queryRows<{ r: unknown }>(db, sql`SELECT ${call.bound} AS r`);
    const [literal] = await queryRows<{ r: unknown }>(db, sql.raw(`SELECT ${call.literal} AS r`));
    const expected = [`it's a \\ back'slash`, ['a b', 'c"d', null], 42, false, null, '2026-11-30T09:00:00+00:00'];
    expect(bound?.r).toEqual(expected);
    expect(literal?.r).toEqual(expected);

    // An expression stands in the literal form as written.
    const withExpression = sqlCall('jsonb_build_array', [{ expression: '1 + 1' }, { value: 'x', type: 'text' }]);
    expect(withExpression.literal).toBe(`jsonb_build_array(1 + 1, 'x'::text)`);
    const [both] = await queryRows<{ r: unknown }>(db, sql`SELECT ${withExpression.bound} AS r`);
    expect(both?.r).toEqual([2, 'x']);
  });
});
