/**
 * `{ ...base, ...fields }` as a new object, built with Object.assign. On Node 20 an object spread
 * that adds properties (`{ ...row, status, seq }`) cost about a microsecond per added property:
 * 5.5 µs for a transfer row with five, against 0.25 µs this way (docs/benchmarks.md, "Less CPU per
 * batch"). For objects made per request or per item on a hot path.
 */
export function extend<T extends object, U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, fields);
}
