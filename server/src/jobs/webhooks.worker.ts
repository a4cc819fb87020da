import type { FastifyBaseLogger } from 'fastify';
import type { AttemptOutcome, ClaimedDelivery, WebhookDelivery } from '../modules/webhooks/index.js';

export interface WebhookWorkerOptions {
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** How often an idle worker looks for work. */
  pollMs?: number;
  /** Attempts in flight at once (per process). */
  concurrency?: number;
  /** On stop, how long in-flight attempts may finish before they are abandoned. */
  stopGraceMs?: number;
  /** Deliver this client's deliveries only (a dedicated worker); default: everyone's. */
  clientId?: string;
  /** Told the outcome of every attempt (metrics). */
  onOutcome?: (outcome: AttemptOutcome) => void;
}

const DISPATCH_BATCH = 100;
/** Batches per dispatch pass, so one pass stays short even with a backlog. */
const DISPATCH_PASSES = 10;

/**
 * The webhook worker: dispatches events into deliveries and performs due attempts, in a loop
 * while started. Safe to run in several processes at once (all claims are FOR UPDATE SKIP
 * LOCKED). Attempts run concurrently, up to `concurrency`, outside any database transaction.
 * On stop: no new claims; attempts in flight get `stopGraceMs` to finish, then are abandoned and
 * their claims released (so another process, or this one after a restart, sends them again).
 */
export class WebhookWorker {
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly stopGraceMs: number;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopController = new AbortController();

  constructor(
    readonly delivery: WebhookDelivery,
    private readonly opts: WebhookWorkerOptions,
  ) {
    this.pollMs = opts.pollMs ?? 500;
    this.concurrency = opts.concurrency ?? 16;
    this.stopGraceMs = opts.stopGraceMs ?? 3_000;
  }

  get started(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopController = new AbortController();
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loopDone;
    if (this.inFlight.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.stopGraceMs);
        }),
      ]);
      clearTimeout(timer);
      this.stopController.abort();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /**
   * One full pass, awaited: dispatch every pending event, then claim and attempt what is due (of
   * one client only, when given). For tests and tools; the loop does the same continuously.
   */
  async runOnce(opts: { clientId?: string } = {}): Promise<{ dispatched: number; attempted: number }> {
    const dispatched = await this.dispatchAll(Number.POSITIVE_INFINITY); // every one, however many are waiting
    const claimed = await this.delivery.claim(this.concurrency, opts.clientId ?? this.opts.clientId);
    await Promise.all(claimed.map((c) => this.track(c)));
    return { dispatched, attempted: claimed.length };
  }

  /** Dispatches batches until none is left or `passes` were made (the loop bounds it to stay responsive). */
  private async dispatchAll(passes = DISPATCH_PASSES): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < passes; pass++) {
      const n = await this.delivery.dispatch(DISPATCH_BATCH);
      total += n;
      // Rows are taken whole (a statement's events): fewer than the batch does not mean the queue is empty.
      if (n === 0) break;
    }
    return total;
  }

  private track(c: ClaimedDelivery): Promise<unknown> {
    const p = this.delivery
      .attempt(c, this.stopController.signal)
      .then((outcome) => this.opts.onOutcome?.(outcome))
      .catch((err) => this.opts.log.error({ err, delivery_id: c.id }, 'webhook attempt could not be recorded; its claim will expire'))
      .finally(() => {
        this.inFlight.delete(p);
        this.wake?.(); // a slot is free
      });
    this.inFlight.add(p);
    return p;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = (await this.dispatchAll()) > 0;
        const free = this.concurrency - this.inFlight.size;
        if (free > 0 && this.running) {
          const claimed = await this.delivery.claim(free, this.opts.clientId);
          for (const c of claimed) void this.track(c);
          busy ||= claimed.length === free;
        }
      } catch (err) {
        busy = false;
        this.opts.log.warn({ err }, 'webhook worker pass failed; retrying');
      }
      if (!this.running) break;
      await this.sleep(busy ? 0 : this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
