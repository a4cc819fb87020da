/**
 * The platform clock. Everything that stamps or compares time asks this, never Date.now()
 * directly, so the sandbox can advance time (CONTRACT §10, POST /v1/simulations/clock) and tests
 * can control it.
 */
export interface Clock {
  now(): Date;
  /** Sandbox only: move the clock forward. */
  advance(seconds: number): Date;
  /** How far ahead of real time this clock is, in milliseconds. */
  offsetMs?(): number;
}

/** Real time, plus an offset the sandbox can grow (persisted by the caller). */
export function systemClock(initialOffsetMs = 0): Clock {
  let offsetMs = initialOffsetMs;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(seconds: number) {
      offsetMs += seconds * 1000;
      return new Date(Date.now() + offsetMs);
    },
    offsetMs: () => offsetMs,
  };
}
