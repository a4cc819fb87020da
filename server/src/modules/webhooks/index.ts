export { type AttemptOutcome, type DeliveryOptions, WebhookDelivery } from './webhooks.delivery.js';

import type { Db } from '../../db/client.js';
import { outbox } from '../events/index.js';
import { webhooksRepository } from './webhooks.repository.js';

export type { ClaimedDelivery } from './webhooks.repository.js';
/** The delivery backlog of all clients at `now` (metrics). */
export const webhookBacklog = async (db: Db, now: Date) => ({
  ...(await webhooksRepository.backlog(db, now)),
  undispatchedEvents: await outbox.pending(db),
});
export { encryptStoredWebhookKeys, webhookKeyContext } from './webhooks.keys.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { maxAttempts, RETRY_SCHEDULES } from './webhooks.schedule.js';
export { WebhooksService } from './webhooks.service.js';
export { newKeyPair, signDelivery } from './webhooks.signing.js';
export { checkCallbackUrl, parseCallbackUrl, publicOnlyLookup, UrlRefused } from './webhooks.urls.js';
