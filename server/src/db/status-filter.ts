import { and, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Machine } from '../shared/machine.js';

/**
 * A list's status filter as its machine reads statuses (shared/machine.ts): a status that expires
 * counts only before its deadline; the expiry status also counts rows past their deadline that
 * the sweeper has not marked yet. One place, so lists and views never disagree.
 */
export function statusFilter<S extends string, R>(
  machine: Machine<S, R>,
  columns: { status: PgColumn; deadline: PgColumn },
  status: S,
  now: Date,
): SQL {
  const expiry = machine.spec.expiry;
  // machine.expired(): now > deadline, so "not yet" is deadline >= now.
  if (expiry?.from.includes(status)) return and(eq(columns.status, status), gte(columns.deadline, now)) as SQL;
  if (expiry && status === expiry.to) {
    return or(eq(columns.status, status), and(inArray(columns.status, [...expiry.from]), lt(columns.deadline, now))) as SQL;
  }
  return eq(columns.status, status);
}
