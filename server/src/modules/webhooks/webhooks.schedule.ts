import type { Mode } from '../../config/index.js';

/**
 * Retry schedules (CONTRACT §9): the wait before each retry, in seconds. Roughly exponential, then
 * capped. A delivery is attempted once plus once per entry, then it is FAILED (redeliver with
 * POST /v1/events/{id}/redeliver).
 *  - sandbox: 8 attempts within about half an hour, so developers see retries while they work;
 *  - production: 14 attempts over about 3 days, to ride out a receiver's outage.
 */
const M = 60;
const H = 3600;
export const RETRY_SCHEDULES: Record<Mode, readonly number[]> = {
  sandbox: [10, 30, M, 2 * M, 5 * M, 10 * M, 10 * M],
  production: [M, 5 * M, 15 * M, 30 * M, H, 2 * H, 4 * H, 8 * H, 12 * H, 12 * H, 12 * H, 12 * H, 8 * H],
};

export function maxAttempts(mode: Mode): number {
  return RETRY_SCHEDULES[mode].length + 1;
}

/** Seconds to wait after the `attempts`-th failed attempt, or undefined when there is no retry left. */
export function retryDelaySeconds(mode: Mode, attempts: number): number | undefined {
  return RETRY_SCHEDULES[mode][attempts - 1];
}
