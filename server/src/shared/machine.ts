import { AppError } from './errors.js';

/**
 * A resource's status machine as one table (DESIGN.md "Status machines are tables in code"): the
 * moves each status allows, and — for resources with a deadline — which statuses expire and what
 * they become. Views, lists, actions and the sweeper all ask the same machine, so "REQUESTED past
 * valid_until reads EXPIRED" is written once per resource, here.
 */
export interface MachineSpec<S extends string, R> {
  /** For messages: "transfer", "withdrawal"… */
  resource: string;
  moves: { readonly [K in S]: readonly S[] };
  status: (row: R) => S;
  expiry?: {
    /** Statuses that expire once the deadline has passed. */
    from: readonly S[];
    /** What they become. */
    to: S;
    deadline: (row: R) => Date | null;
  };
}

export interface Machine<S extends string, R> {
  readonly spec: MachineSpec<S, R>;
  /** The status the resource has at `now`: an expiring status past its deadline reads as expired. */
  statusAt(row: R, now: Date): S;
  /** Has the row's deadline passed (and is it in a status that expires)? */
  expired(row: R, now: Date): boolean;
  can(from: S, to: S): boolean;
  isTerminal(status: S): boolean;
  /**
   * Refuses a move the table does not allow, reading the status at `now`: EXPIRED when the resource
   * has expired (marked or not), INVALID_STATUS_TRANSITION otherwise. A caller that marks the
   * expiry as it refuses checks `expired()` first.
   */
  assertMove(row: R, to: S, now: Date, action?: string): void;
  /** Statuses from which `to` can be reached. */
  sources(to: S): S[];
}

export function defineMachine<S extends string, R>(spec: MachineSpec<S, R>): Machine<S, R> {
  const expired = (row: R, now: Date) => {
    if (!spec.expiry) return false;
    const deadline = spec.expiry.deadline(row);
    return deadline !== null && spec.expiry.from.includes(spec.status(row)) && now > deadline;
  };
  const statusAt = (row: R, now: Date): S => (expired(row, now) && spec.expiry ? spec.expiry.to : spec.status(row));
  const can = (from: S, to: S) => spec.moves[from].includes(to);
  return {
    spec,
    statusAt,
    expired,
    can,
    isTerminal: (status) => spec.moves[status].length === 0,
    assertMove(row, to, now, action) {
      const from = statusAt(row, now);
      if (can(from, to)) return;
      // An expired resource says so, whether the sweeper has marked it yet or not.
      if (spec.expiry && from === spec.expiry.to && spec.expiry.to !== to) {
        const deadline = spec.expiry.deadline(row);
        throw new AppError('EXPIRED', `The ${spec.resource} was valid until ${deadline?.toISOString() ?? 'its deadline'}; it is EXPIRED.`);
      }
      const allowed = (Object.keys(spec.moves) as S[]).filter((s) => can(s, to));
      throw new AppError(
        'INVALID_STATUS_TRANSITION',
        `The ${spec.resource} is ${from}; only a ${allowed.join(' or ') || 'no'} ${spec.resource} can be ${action ?? `moved to ${to}`}.`,
      );
    },
    sources: (to) => (Object.keys(spec.moves) as S[]).filter((s) => can(s, to)),
  };
}
