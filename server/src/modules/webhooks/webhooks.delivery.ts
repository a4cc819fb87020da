import type { Mode } from '../../config/index.js';
import type { Database } from '../../db/client.js';
import { ownTransaction } from '../../jobs/scheduler.js';
import type { SecretBox } from '../../platform/vault/index.js';
import type { Clock } from '../../shared/clock.js';
import { outbox } from '../events/index.js';
import { privateKeyPem } from './webhooks.keys.js';
import { type ClaimedDelivery, webhooksRepository as repo } from './webhooks.repository.js';
import { maxAttempts, retryDelaySeconds } from './webhooks.schedule.js';
import { type SendResult, sendWebhook } from './webhooks.sender.js';
import { signDelivery } from './webhooks.signing.js';

export interface DeliveryOptions {
  mode: Mode;
  /** Per attempt: no answer within this many milliseconds is a failure. */
  timeoutMs: number;
  /**
   * The clock of x-timestamp: real time, which receivers compare with theirs, even when the
   * sandbox clock (events, retry schedule) was moved forward. Default: the platform clock.
   */
  signingClock?: Clock;
  /** Opens the subscriptions' private keys (stored encrypted). */
  box: SecretBox;
}

/** What became of one attempt. */
export type AttemptOutcome = 'DELIVERED' | 'RETRY' | 'FAILED' | 'ABANDONED' | 'SUPERSEDED';

/** Margin of a claim beyond the attempt's timeout, for recording it. */
const LEASE_MARGIN_MS = 5_000;

/**
 * The delivery engine (CONTRACT §9), driven by jobs/webhooks.worker.ts. Every step is a short
 * transaction of its own; the HTTP POST happens between two of them, never inside one:
 *  1. dispatch: undispatched events -> one PENDING delivery per matching live subscription;
 *  2. claim: due deliveries get locked_until = now + timeout + margin (FOR UPDATE SKIP LOCKED, so
 *     several workers share the work; a crashed worker's claim simply expires);
 *  3. send: the signed envelope, with a timeout;
 *  4. record: the attempt row, and DELIVERED, or the next attempt per the retry schedule, or FAILED.
 */
export class WebhookDelivery {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    readonly options: DeliveryOptions,
  ) {}

  get leaseMs(): number {
    return this.options.timeoutMs + LEASE_MARGIN_MS;
  }

  /** One batch of events; returns how many were dispatched. */
  dispatch(batch = 100): Promise<number> {
    return ownTransaction(this.database, async (tx) => {
      const now = this.clock.now();
      const queued = await outbox.claim(tx, batch);
      // The events themselves are read only for the kinds (client, type) somebody subscribes to.
      const kinds = new Map(queued.map((ev) => [`${ev.clientId}\n${ev.eventType}`, [ev.clientId, ev.eventType] as [string, string]]));
      const subs = await repo.liveSubscriptionsFor(tx, [...kinds.values()]);
      if (subs.length) {
        const wanted = new Set(subs.map((sub) => `${sub.clientId}\n${sub.eventType}`));
        const claimed = await outbox.written(
          tx,
          queued.filter((ev) => wanted.has(`${ev.clientId}\n${ev.eventType}`)),
        );
        await repo.createDeliveries(tx, claimed, subs, now);
      }
      return queued.length;
    });
  }

  /** Claims up to `limit` due deliveries (of one client only, when given). */
  claim(limit: number, clientId?: string): Promise<ClaimedDelivery[]> {
    return ownTransaction(this.database, (tx) => {
      const now = this.clock.now();
      return repo.claimDue(tx, now, new Date(now.getTime() + this.leaseMs), limit, clientId);
    });
  }

  /** The body and headers of one attempt: a fresh timestamp and signature every time. */
  envelope(c: ClaimedDelivery): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify({
      event_id: c.eventId,
      event_date: c.eventDate.toISOString(),
      event_type: c.eventType,
      event_data: c.eventData,
    });
    const timestamp = String(Math.floor((this.options.signingClock ?? this.clock).now().getTime() / 1000));
    return {
      body,
      headers: {
        'x-l2f-event-id': c.eventId,
        'x-timestamp': timestamp,
        'x-signature': signDelivery(privateKeyPem(this.options.box, c.clientId, c.subscriptionId, c.privateKey), timestamp, body),
      },
    };
  }

  /** Sends a claimed delivery and records the outcome. `stop` abandons it (the claim is released). */
  async attempt(c: ClaimedDelivery, stop: AbortSignal): Promise<AttemptOutcome> {
    const startedAt = this.clock.now();
    const { body, headers } = this.envelope(c);
    const result = await sendWebhook({
      url: c.callbackUrl,
      body,
      headers,
      timeoutMs: this.options.timeoutMs,
      mode: this.options.mode,
      stop,
    });
    if (result.abandoned) {
      await repo.release(this.database.db, c);
      return 'ABANDONED';
    }
    return this.record(c, startedAt, result);
  }

  private record(c: ClaimedDelivery, attemptedAt: Date, result: SendResult): Promise<AttemptOutcome> {
    return ownTransaction(this.database, async (tx) => {
      const current = await repo.lockDelivery(tx, c.clientId, c.id);
      if (!current) return 'SUPERSEDED';
      const attempt = current.attempts + 1;
      const succeeded = result.error === null;
      await repo.insertAttempt(tx, {
        clientId: c.clientId,
        deliveryId: c.id,
        attempt,
        attemptedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.error,
        succeeded,
      });
      const now = this.clock.now();
      const base = { attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error };
      // The row is still ours unless our claim expired and another worker took it (or the
      // subscription was deleted): then only a success changes its status.
      const ours = current.status === 'PENDING' && current.lockedUntil?.getTime() === c.lockedUntil.getTime();
      if (succeeded && current.status === 'PENDING') {
        await repo.updateDelivery(tx, c.clientId, c.id, {
          ...base,
          status: 'DELIVERED',
          deliveredAt: now,
          nextAttemptAt: null,
          lockedUntil: null,
        });
        return 'DELIVERED';
      }
      if (!ours) {
        await repo.updateDelivery(tx, c.clientId, c.id, base);
        return 'SUPERSEDED';
      }
      const delay = attempt >= maxAttempts(this.options.mode) ? undefined : retryDelaySeconds(this.options.mode, attempt);
      if (delay === undefined) {
        await repo.updateDelivery(tx, c.clientId, c.id, { ...base, status: 'FAILED', nextAttemptAt: null, lockedUntil: null });
        return 'FAILED';
      }
      await repo.updateDelivery(tx, c.clientId, c.id, {
        ...base,
        nextAttemptAt: new Date(now.getTime() + delay * 1000),
        lockedUntil: null,
      });
      return 'RETRY';
    });
  }
}
