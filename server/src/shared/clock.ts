import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The platform clocks. Everything that stamps or compares business time asks a Clock, never
 * Date.now() directly, so the sandbox can move time (CONTRACT §10) and tests can control it.
 *
 * Business time is per client in the sandbox: a request (or a scheduled task) runs inside a
 * clock scope carrying its client's offset, and `now()` adds it. Real time (`wallClock`) is for
 * what must not move: token lifetimes, signature windows, idempotency TTLs (docs/adr/0003).
 */
export interface Clock {
  now(): Date;
  /** Move this clock forward (the current client's, in a scope). */
  advance(seconds: number): Date;
  /** The offset now in force, in milliseconds (system clocks only). */
  offsetMs?(): number;
}

interface ClockScope {
  offsetMs: number;
}
const scope = new AsyncLocalStorage<ClockScope>();

/** Runs fn with a client's clock offset in force (its requests, its scheduled work). */
export function withClockOffset<T>(offsetMs: number, fn: () => T): T {
  return scope.run({ offsetMs }, fn);
}

/** Enters a scope for the rest of a request (the offset is set once the client is known). */
export function enterClockScope(done: () => void): void {
  scope.run({ offsetMs: 0 }, done);
}

/** Sets the offset of the current scope, if there is one. */
export function setClockOffset(offsetMs: number): void {
  const s = scope.getStore();
  if (s) s.offsetMs = offsetMs;
}

/** Business time: real time plus the current scope's offset (sandbox time travel). */
export function systemClock(): Clock {
  const offset = () => scope.getStore()?.offsetMs ?? 0;
  return {
    now: () => new Date(Date.now() + offset()),
    advance(seconds: number) {
      const s = scope.getStore();
      if (!s) throw new Error('the sandbox clock moves for a client: call it inside its scope');
      s.offsetMs += seconds * 1000;
      return new Date(Date.now() + s.offsetMs);
    },
    offsetMs: offset,
  };
}

/** Real time, whatever the scope. */
export function wallClock(): Clock {
  return {
    now: () => new Date(),
    advance() {
      throw new Error('real time does not move');
    },
  };
}
