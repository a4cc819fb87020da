import type { Reader, Tx } from '../db/client.js';
import type { ClientRow } from '../modules/clients/clients.repository.js';

/**
 * Who acts, for whom. `tenantId` is the client whose data the call reads and writes: the caller
 * itself, or, for the operator, the client named by `x-l2f-client-id` (CONTRACT §1).
 */
export interface AuthContext {
  caller: ClientRow;
  /** The client whose data the call acts on (the caller, or the client the operator acts for). */
  tenant: ClientRow;
  tenantId: string;
  operator: boolean;
  scopes: ReadonlySet<string>;
}

/**
 * What a use case is handed (docs/adr/0005): who acts for whom, the business time of the request
 * (the tenant's sandbox clock, fixed for the whole request) and the database handle. Use cases
 * never reach for the pool, a clock or ambient state.
 */
export interface Context extends AuthContext {
  /** Business time: the tenant's, fixed when the request (or the scheduled pass) began. */
  now: Date;
  /** Reads: the request's transaction inside a mutation, the pool in a read-only request. */
  db: Reader;
  requestId?: string;
}

/** A context inside one transaction: what every use case that writes requires. */
export interface WriteContext extends Context {
  tx: Tx;
  db: Tx;
  /**
   * Rows of the route's `prefetch` statement, read with BEGIN in the unit's first round trip
   * (platform/unit-of-work.ts); absent elsewhere (scheduler, tools), where the use case reads itself.
   */
  prefetched?: Record<string, unknown>[] | undefined;
  /**
   * Sends a write (literal SQL, see sqlLiteral) with COMMIT, in the unit's last round trip: for a
   * write whose outcome the use case already knows (an insert of a row it built). Should it fail,
   * nothing commits. Absent outside a request's unit: then write at once.
   */
  atCommit?: ((statement: string) => void) | undefined;
  /**
   * As atCommit, for a write whose outcome the use case predicts but which decides it under locks
   * it takes there (a batch's transfers_execute_batch): the use case answers as if the write does
   * what it predicts, and the write raises (an SQL error) where it would not. Then nothing commits
   * and the unit runs the request once more without this (absent), so the use case writes at once
   * and answers from what happened. What it buys: the unit's last round trip is the only one under
   * those locks, with no server work between the locks and COMMIT. Absent outside a request's unit.
   */
  atCommitPredicted?: ((statement: string) => void) | undefined;
  /**
   * Runs `fn` once the unit has committed: never if it rolls back, nor when a refusal undoes the
   * use case's writes. For what must follow a write, not precede it: dropping this process's cached
   * copy of a row (dropped before COMMIT, a request reading in between caches the old row again).
   * Absent outside a request's unit: then do it at once (onCommitted).
   */
  afterCommit?: ((fn: () => void) => void) | undefined;
}

/** Runs `fn` once ctx's unit has committed (ctx.afterCommit), or at once outside a unit. */
export function onCommitted(ctx: WriteContext, fn: () => void): void {
  if (ctx.afterCommit) ctx.afterCommit(fn);
  else fn();
}

/** The same actor, at another instant (e.g. a scheduled pass in the tenant's own time). */
export const at = <C extends Context>(ctx: C, now: Date): C => ({ ...ctx, now });

/** Work done by the platform itself (scheduler, bootstrap): recorded as the operator's. */
export function systemContext(tenant: ClientRow, operator: ClientRow | undefined, tx: Tx, now: Date): WriteContext {
  return {
    caller: operator ?? tenant,
    tenant,
    tenantId: tenant.id,
    operator: true,
    scopes: new Set<string>(),
    now,
    db: tx,
    tx,
  };
}
