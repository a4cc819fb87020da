/**
 * Time-driven work (rail delays, expiries, dormancy): each module registers a task that processes
 * what is due at a given instant, optionally for one client only. Tasks must be safe to run
 * concurrently in several processes (they claim rows with SKIP LOCKED or conditional updates).
 *
 * A task does its writes through `pass.unit(fn)`: in the background loop each unit is a
 * transaction of its own (one failed item does not undo the others); when a sandbox clock move
 * runs the tasks, every unit joins that request's transaction behind a savepoint, so the move and
 * all it made due commit together or not at all.
 */
import type { Database, Tx } from '../db/client.js';
import { pgErrorCode } from '../db/client.js';

export interface DuePass {
  /** The instant work is due at: real time, or a client's sandbox time. */
  now: Date;
  /** Only this client's work (a sandbox clock pass). */
  clientId?: string | undefined;
  /** Runs fn in a transaction (its own, or the clock move's behind a savepoint). */
  unit<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export type DueTask = (pass: DuePass) => Promise<number>;

const RETRYABLE = new Set(['40001', '40P01']);

/** A transaction of its own; deadlocks and serialization failures re-run it. */
export async function ownTransaction<T>(database: Database, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.transaction((s) => fn(s.tx));
    } catch (err) {
      const code = pgErrorCode(err);
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

/** Units that join an open transaction, each behind a savepoint. */
export function joinedUnit(tx: Tx): DuePass['unit'] {
  return async (fn) => {
    await tx.execute('SAVEPOINT due_work');
    try {
      const result = await fn(tx);
      await tx.execute('RELEASE SAVEPOINT due_work');
      return result;
    } catch (err) {
      await tx.execute('ROLLBACK TO SAVEPOINT due_work');
      throw err;
    }
  };
}

export class Scheduler {
  private readonly tasks: { name: string; run: DueTask }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPassAt: number | undefined;

  constructor(
    private readonly database: Database,
    /** Real time (or a test's manual clock), before any sandbox offset. */
    private readonly baseNow: () => Date,
    private readonly onError: (name: string, err: unknown) => void,
    /** Clients whose sandbox clock is ahead: the background loop gives each a pass in its time. */
    private readonly offsets: () => Promise<{ clientId: string; offsetMs: number }[]> = async () => [],
  ) {}

  register(name: string, run: DueTask): void {
    this.tasks.push({ name, run });
  }

  private async runTasks(pass: DuePass): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const t of this.tasks) {
      try {
        done[t.name] = await t.run(pass);
      } catch (err) {
        this.onError(t.name, err);
        done[t.name] = 0;
      }
    }
    return done;
  }

  /** Every task once, in the background's way (a transaction per unit); returns items processed. */
  async runDue(clientId?: string, offsetMs = 0): Promise<Record<string, number>> {
    const now = new Date(this.baseNow().getTime() + offsetMs);
    return this.runTasks({ now, clientId, unit: (fn) => ownTransaction(this.database, fn) });
  }

  /** Every task for one client, inside the caller's transaction, at the client's time. */
  async runDueIn(tx: Tx, now: Date, clientId: string): Promise<Record<string, number>> {
    return this.runTasks({ now, clientId, unit: joinedUnit(tx) });
  }

  /** Milliseconds since the background loop last finished a pass (undefined before the first). */
  lagMs(): number | undefined {
    return this.lastPassAt === undefined ? undefined : Date.now() - this.lastPassAt;
  }

  /** Every client in real time, then each client whose sandbox clock runs ahead, in its own time. */
  private async backgroundPass(): Promise<void> {
    await this.runDue();
    for (const { clientId, offsetMs } of await this.offsets()) await this.runDue(clientId, offsetMs);
    this.lastPassAt = Date.now();
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // never overlap with ourselves
      this.running = this.backgroundPass().then(
        () => {
          this.running = undefined;
        },
        () => {
          this.running = undefined;
        },
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
