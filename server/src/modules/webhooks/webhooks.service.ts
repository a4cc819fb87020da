import type { Mode } from '../../config/index.js';
import type { Tx } from '../../db/client.js';
import type { DeliveryStatus } from '../../db/schema-webhooks.js';
import type { SecretBox } from '../../platform/vault/index.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { isEventType, outbox } from '../events/index.js';
import { webhookKeyContext } from './webhooks.keys.js';
import { type AttemptRow, type DeliveryRow, webhooksRepository as repo, type SubscriptionRow, webhookId } from './webhooks.repository.js';
import { newKeyPair } from './webhooks.signing.js';
import { checkCallbackUrl, UrlRefused } from './webhooks.urls.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function subscriptionView(row: SubscriptionRow) {
  return {
    id: row.id,
    event_type: row.eventType,
    callback_url: row.callbackUrl,
    signature_verification_key: row.publicKey,
    created_at: row.createdAt.toISOString(),
  };
}

function deliveryView(row: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: row.id,
    subscription_id: row.subscriptionId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempt_count: row.attempts,
    next_attempt_at: row.status === 'PENDING' ? iso(row.nextAttemptAt) : null,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    delivered_at: iso(row.deliveredAt),
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      attempted_at: a.attemptedAt.toISOString(),
      duration_ms: a.durationMs,
      status_code: a.statusCode,
      error: a.error,
      succeeded: a.succeeded,
    })),
  };
}

/** Subscriptions, their deliveries, and redelivery (CONTRACT §9; LAYER2_API.md §2.14). */
export class WebhooksService {
  constructor(
    private readonly mode: Mode,
    /** Encrypts each subscription's private key at rest. */
    private readonly box: SecretBox,
  ) {}

  async create(ctx: Context, input: { event_type: string; callback_url: string }) {
    const errors: AppError[] = [];
    if (!isEventType(input.event_type)) {
      errors.push(new AppError('VALIDATION_ERROR', `event_type ${input.event_type} is not a known event type.`, 'event_type'));
    }
    const callbackUrl = input.callback_url.trim();
    try {
      await checkCallbackUrl(callbackUrl, this.mode);
    } catch (err) {
      if (!(err instanceof UrlRefused)) throw err;
      errors.push(new AppError('VALIDATION_ERROR', err.message, 'callback_url'));
    }
    if (errors.length) throw AppError.many(errors.flatMap((e) => e.entries));
    const { publicKeyHex, privateKeyPem } = newKeyPair();
    const id = webhookId('sub');
    const row = await repo.insertSubscription(ctx.db, {
      clientId: ctx.tenantId,
      id,
      eventType: input.event_type,
      callbackUrl,
      publicKey: publicKeyHex,
      privateKey: this.box.encrypt(privateKeyPem, webhookKeyContext(ctx.tenantId, id)),
      createdAt: ctx.now,
    });
    return subscriptionView(row);
  }

  async get(ctx: Context, id: string) {
    const row = await repo.findSubscription(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Subscription', 'id');
    return subscriptionView(row);
  }

  async list(ctx: Context, query: RawPageQuery & { event_type?: string }, basePath: string) {
    const page = parsePageQuery(query);
    const { rows, total } = await repo.listSubscriptions(ctx.db, ctx.tenantId, query.event_type, page);
    const result = buildPage(page, rows, total, basePath, { event_type: query.event_type });
    return { ...result, items: result.items.map(subscriptionView) };
  }

  /** Deletes a subscription: nothing more is sent to it (its pending deliveries are CANCELLED). */
  async delete(ctx: WriteContext, id: string) {
    const row = await repo.deleteSubscription(ctx.tx, ctx.tenantId, id, ctx.now);
    if (!row) throw notFound('Subscription', 'id');
    return { id: row.id };
  }

  /** Deliveries of a subscription or of an event, newest first, each with its attempts. */
  async deliveries(
    ctx: Context,
    of: { subscriptionId: string } | { eventId: string },
    query: RawPageQuery & { status?: DeliveryStatus },
    basePath: string,
  ) {
    if ('subscriptionId' in of) {
      if (!(await repo.findSubscription(ctx.db, ctx.tenantId, of.subscriptionId))) throw notFound('Subscription', 'id');
    } else if (!(await this.eventExists(ctx, of.eventId))) {
      throw notFound('Event', 'id');
    }
    const page = parsePageQuery(query);
    const { rows, total } = await repo.listDeliveries(ctx.db, ctx.tenantId, { ...of, status: query.status }, page);
    const result = buildPage(page, rows, total, basePath, { status: query.status });
    const attempts = await repo.attemptsOf(
      ctx.db,
      ctx.tenantId,
      result.items.map((r) => r.id),
    );
    return {
      ...result,
      items: result.items.map((r) =>
        deliveryView(
          r,
          attempts.filter((a) => a.deliveryId === r.id),
        ),
      ),
    };
  }

  private async eventExists(ctx: Context, eventId: string): Promise<boolean> {
    return (await outbox.find(ctx.db, ctx.tenantId, eventId)) !== undefined;
  }

  /**
   * Sends an event again to the client's live subscriptions of its type (or the one named):
   * a new PENDING delivery each, due now; a delivery still PENDING is made due now instead.
   */
  async redeliver(ctx: WriteContext, eventId: string, subscriptionId?: string) {
    return (async (tx: Tx) => {
      const event = await outbox.lock(tx, ctx.tenantId, eventId);
      if (!event) throw notFound('Event', 'id');
      let subs = await repo.liveSubscriptionsFor(tx, [[ctx.tenantId, event.eventType]]);
      if (subscriptionId !== undefined) {
        const named = await repo.findSubscription(tx, ctx.tenantId, subscriptionId);
        if (!named) throw notFound('Subscription', 'subscription_id');
        if (named.eventType !== event.eventType) {
          throw new AppError(
            'VALIDATION_ERROR',
            `The subscription is for ${named.eventType} events; this event is ${event.eventType}.`,
            'subscription_id',
          );
        }
        subs = [named];
      }
      // Due now in the platform's time, not the tenant's business time (ctx.now, which a sandbox
      // clock moves ahead): the worker claims in platform time and would not send it until that
      // caught up. Business time is platform time plus the tenant's offset, so take it off.
      const now = new Date(ctx.now.getTime() - ctx.tenant.sandboxClockOffsetMs);
      const fresh: Parameters<typeof repo.insertDeliveries>[1] = [];
      for (const sub of subs) {
        const pending = await repo.pendingDelivery(tx, ctx.tenantId, event.id, sub.id);
        if (pending) {
          await repo.updateDelivery(tx, ctx.tenantId, pending.id, { nextAttemptAt: now });
          continue;
        }
        fresh.push({
          clientId: ctx.tenantId,
          id: webhookId('whd'),
          subscriptionId: sub.id,
          eventId: event.id,
          eventType: event.eventType,
          status: 'PENDING',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        });
      }
      await repo.insertDeliveries(tx, fresh);
      // Every live subscription has it now: the dispatcher must not add a second delivery.
      if (subscriptionId === undefined) await outbox.markDispatched(tx, event);
      return { id: event.id, deliveries: subs.length };
    })(ctx.tx);
  }
}
