/**
 * The platform's time source. Real time in a running server, a manual clock in tests. Business
 * time is derived from it per request: this instant plus the tenant's sandbox offset (CONTRACT
 * §10, docs/adr/0003), fixed once in the request context (`ctx.now`). What must not move with a
 * sandbox clock — token lifetimes, signature windows, idempotency TTLs — uses this time as it is.
 */
export interface Clock {
  now(): Date;
}

/** Real time. */
export function wallClock(): Clock {
  return { now: () => new Date() };
}
