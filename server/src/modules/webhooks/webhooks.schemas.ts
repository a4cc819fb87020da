import { type Static, Type } from 'typebox';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../db/schema-webhooks.js';
import { listOf, PageQuery } from '../../platform/http-schemas.js';
import { EVENT_TYPES } from '../events/index.js';
import { MAX_URL_LENGTH } from './webhooks.urls.js';

const ro = (description = 'read-only, ignored') => Type.Optional(Type.Unknown({ description }));

export const EventTypeSchema = Type.String({ enum: [...EVENT_TYPES], description: 'One event type per subscription.' });

export const Subscription = Type.Object({
  id: Type.String(),
  event_type: Type.String(),
  callback_url: Type.String(),
  signature_verification_key: Type.String({
    description: 'Hex Ed25519 public key (32 bytes): verifies x-signature over <x-timestamp><raw body> of every delivery.',
  }),
  created_at: Type.String({ format: 'date-time' }),
});

export const CreateSubscriptionBody = Type.Object(
  {
    event_type: EventTypeSchema,
    callback_url: Type.String({
      minLength: 1,
      maxLength: MAX_URL_LENGTH,
      description:
        'Where deliveries are POSTed. Sandbox: http or https, localhost allowed. Production: https, and the host must resolve to public addresses only.',
    }),
    id: ro(),
    signature_verification_key: ro(),
    created_at: ro(),
  },
  { additionalProperties: false },
);
export type CreateSubscriptionBodyT = Static<typeof CreateSubscriptionBody>;

export const ListSubscriptionsQuery = Type.Object(
  { ...PageQuery, event_type: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

const DeliveryStatusSchema = Type.Unsafe<DeliveryStatus>({ type: 'string', enum: [...DELIVERY_STATUSES] });

export const Attempt = Type.Object({
  attempt: Type.Integer({ description: '1 for the first attempt of this delivery.' }),
  attempted_at: Type.String({ format: 'date-time' }),
  duration_ms: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'The HTTP status answered; null when there was no answer.' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed (HTTP status, timeout, refused address, …).' }),
  succeeded: Type.Boolean(),
});

export const Delivery = Type.Object({
  id: Type.String(),
  subscription_id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  status: Type.String({
    enum: [...DELIVERY_STATUSES],
    description: 'PENDING (more attempts to come), DELIVERED (a 2xx), FAILED (retries exhausted), CANCELLED (subscription deleted).',
  }),
  attempt_count: Type.Integer(),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  delivered_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  attempts: Type.Array(Attempt, { description: 'Every attempt, oldest first.' }),
});

export const ListDeliveriesQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(DeliveryStatusSchema) },
  { additionalProperties: false },
);

export const DeliveryList = listOf('deliveries', Delivery);
export const SubscriptionList = listOf('subscriptions', Subscription);

/** None, an empty body, {} (CONTRACT §2), or a subscription to redeliver to. */
export const RedeliverBody = Type.Unsafe<{ subscription_id?: string } | undefined>({
  type: ['object', 'null'],
  properties: { subscription_id: { type: 'string', maxLength: 64, description: 'Only this subscription (default: every live one).' } },
  additionalProperties: false,
});
