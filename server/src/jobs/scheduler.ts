/**
 * Time-driven work (rail delays, expiries, dormancy): each module registers a task that processes
 * what is due at a given instant, optionally for one client only. Tasks must be safe to run
 * concurrently in several processes (they claim rows with SKIP LOCKED or conditional updates).
 *
 * The background loop runs every `intervalMs` for all clients; the sandbox clock route runs the
 * tasks at once for the client that moved the clock.
 */
import { withClockOffset } from '../shared/clock.js';

export type DueTask = (now: Date, clientId?: string) => Promise<number>;

export class Scheduler {
  private readonly tasks: { name: string; run: DueTask }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private intervalMs = 0;
  /** Real time (ms) of the background loop's last start, last pass start and end (metrics). */
  private startedAt: number | undefined;
  private lastPassStart: number | undefined;
  private lastPassEnd: number | undefined;
  private lastLagMs = 0;

  constructor(
    private readonly now: () => Date,
    private readonly onError: (name: string, err: unknown) => void,
    /** Clients whose sandbox clock is ahead: the background loop gives each a pass in its time. */
    private readonly offsets: () => Promise<{ clientId: string; offsetMs: number }[]> = async () => [],
  ) {}

  register(name: string, run: DueTask): void {
    this.tasks.push({ name, run });
  }

  /** Runs every task once; returns how many items each processed. */
  async runDue(clientId?: string): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const t of this.tasks) {
      try {
        done[t.name] = await t.run(this.now(), clientId);
      } catch (err) {
        this.onError(t.name, err);
        done[t.name] = 0;
      }
    }
    return done;
  }

  /** Every client in real time, then each client whose sandbox clock runs ahead, in its own time. */
  private async backgroundPass(): Promise<void> {
    await this.runDue();
    for (const { clientId, offsetMs } of await this.offsets()) {
      await withClockOffset(offsetMs, () => this.runDue(clientId));
    }
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.intervalMs = intervalMs;
    this.startedAt = Date.now();
    this.timer = setInterval(() => {
      if (this.running) return; // never overlap with ourselves
      const start = Date.now();
      // Due one interval after the previous pass started (or after the loop started).
      this.lastLagMs = Math.max(0, start - ((this.lastPassStart ?? this.startedAt ?? start) + intervalMs));
      this.lastPassStart = start;
      this.running = this.backgroundPass().then(
        () => {
          this.lastPassEnd = Date.now();
          this.running = undefined;
        },
        () => {
          this.lastPassEnd = Date.now();
          this.running = undefined;
        },
      );
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * For metrics: how late the last background pass started (a pass still running when the next
   * is due counts as late too), how long ago one last finished, and how long it took.
   */
  stats(now = Date.now()): { lagSeconds: number; lastPassAgeSeconds: number | undefined; lastPassSeconds: number } {
    let lagMs = this.lastLagMs;
    const previous = this.timer ? (this.lastPassStart ?? this.startedAt) : undefined;
    if (previous !== undefined) lagMs = Math.max(lagMs, now - (previous + this.intervalMs));
    const running = this.lastPassStart !== undefined && (this.lastPassEnd === undefined || this.lastPassEnd < this.lastPassStart);
    return {
      lagSeconds: Math.max(0, lagMs) / 1000,
      lastPassAgeSeconds: this.lastPassEnd === undefined ? undefined : (now - this.lastPassEnd) / 1000,
      lastPassSeconds: this.lastPassStart === undefined ? 0 : ((running ? now : (this.lastPassEnd as number)) - this.lastPassStart) / 1000,
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
