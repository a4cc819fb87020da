/** The clock tests drive (not a test file itself): frozen at `start` until advanced or set. */
import type { Clock } from '../src/shared/clock.js';

export interface ManualClock extends Clock {
  advance(seconds: number): Date;
  set(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let t = start;
  return {
    now: () => new Date(t),
    advance(seconds: number) {
      t += seconds * 1000;
      return new Date(t);
    },
    set(ms: number) {
      t = ms;
    },
  };
}
