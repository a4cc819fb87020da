import { type SQL, sql } from 'drizzle-orm';
import { type Db, sqlLiteral, type Tx } from './client.js';

/** Rows of a raw SQL query, typed by the caller (cast in SQL: int8/numeric come back as text). */
export async function queryRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** A text[] parameter as an array literal (both drivers take it): every element quoted, " and \ escaped. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * An SQL function call described once and rendered two ways: with bound parameters (`bound`, for a
 * query of its own) or as literal SQL (`literal`, for the statements a unit of work sends with BEGIN
 * or COMMIT). A call needed in both forms is written once, so the two cannot drift apart.
 * An argument is a value with its SQL type, or an SQL expression of the literal form's own.
 */
export type CallArg = { value: string | number | boolean | null; type: string } | { expression: string };

export function sqlCall(fn: string, args: readonly CallArg[]): { bound: SQL; literal: string } {
  const value = (v: string | number | boolean | null) => (typeof v === 'boolean' ? String(v) : v);
  return {
    bound: sql`${sql.raw(fn)}(${sql.join(
      args.map((a) => ('expression' in a ? sql.raw(a.expression) : sql`${value(a.value)}::${sql.raw(a.type)}`)),
      sql`, `,
    )})`,
    literal: `${fn}(${args.map((a) => ('expression' in a ? a.expression : `${sqlLiteral(value(a.value))}::${a.type}`)).join(', ')})`,
  };
}
