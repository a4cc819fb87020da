export { type AttemptOutcome, type DeliveryOptions, WebhookDelivery } from './webhooks.delivery.js';
export type { ClaimedDelivery } from './webhooks.repository.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { maxAttempts, RETRY_SCHEDULES } from './webhooks.schedule.js';
export { WebhooksService } from './webhooks.service.js';
export { newKeyPair, signDelivery } from './webhooks.signing.js';
