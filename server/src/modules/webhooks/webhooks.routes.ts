import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import {
  CreateSubscriptionBody,
  DeliveryList,
  ListDeliveriesQuery,
  ListSubscriptionsQuery,
  RedeliverBody,
  Subscription,
  SubscriptionList,
} from './webhooks.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

const tags = ['Webhooks'];
const SubscriptionParams = Type.Object({ subscription_id: Type.String({ maxLength: 64 }) });
const EventParams = Type.Object({ event_id: Type.String({ maxLength: 64 }) });

export const webhooksRoutes: FastifyPluginAsyncTypebox<{ service: WebhooksService }> = async (app, { service }) => {
  const read = { auth: { scope: 'subscriptions:read' as const } };
  const write = { auth: { scope: 'subscriptions:write' as const } };

  app.post(
    '/subscriptions',
    {
      config: write,
      schema: {
        tags,
        summary: 'Subscribe to an event type',
        description:
          'One event type per subscription. The answer carries signature_verification_key: the hex Ed25519 public key that verifies x-signature over <x-timestamp><raw body> of every delivery.',
        headers: MutationHeaders,
        body: CreateSubscriptionBody,
        response: { 200: data(Subscription), ...errorResponses('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS') },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.get(
    '/subscriptions',
    {
      config: read,
      schema: {
        tags,
        summary: 'List subscriptions',
        description: 'Live subscriptions, newest first. Filter: event_type (addition). Page or cursor style.',
        querystring: ListSubscriptionsQuery,
        response: { 200: SubscriptionList, ...errorResponses() },
      },
    },
    async (request) => listEnvelope('subscriptions', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/subscriptions/:subscription_id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a subscription (addition)',
        params: SubscriptionParams,
        response: { 200: data(Subscription), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.subscription_id) }),
  );

  app.delete(
    '/subscriptions/:subscription_id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a subscription',
        description: 'Nothing more is sent to it: its pending deliveries become CANCELLED.',
        headers: MutationHeaders,
        params: SubscriptionParams,
        body: NoBody,
        response: { 200: data(Type.Object({ id: Type.String() })), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.delete(writeContext(request), request.params.subscription_id) }),
  );

  app.get(
    '/subscriptions/:subscription_id/deliveries',
    {
      config: read,
      schema: {
        tags,
        summary: 'Deliveries of a subscription, with every attempt (addition)',
        description: 'Newest first. Filter: status. Page or cursor style.',
        params: SubscriptionParams,
        querystring: ListDeliveriesQuery,
        response: { 200: DeliveryList, ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'deliveries',
        await service.deliveries(
          readContext(request),
          { subscriptionId: request.params.subscription_id },
          request.query,
          basePath(request),
        ),
      ),
  );

  app.get(
    '/events/:event_id/deliveries',
    {
      config: read,
      schema: {
        tags: ['Events'],
        summary: 'Deliveries of an event, with every attempt (addition)',
        description: 'Newest first. Filter: status. Page or cursor style.',
        params: EventParams,
        querystring: ListDeliveriesQuery,
        response: { 200: DeliveryList, ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'deliveries',
        await service.deliveries(readContext(request), { eventId: request.params.event_id }, request.query, basePath(request)),
      ),
  );

  app.post(
    '/events/:event_id/redeliver',
    {
      config: write,
      schema: {
        tags: ['Events'],
        summary: 'Send an event again (addition)',
        description:
          "A new delivery, due now, to each of your live subscriptions of the event's type (or only to subscription_id); a delivery still pending is made due now instead. Answers how many subscriptions it goes to.",
        headers: MutationHeaders,
        params: EventParams,
        body: RedeliverBody,
        response: {
          200: data(Type.Object({ id: Type.String(), deliveries: Type.Integer() })),
          ...errorResponses('NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
        },
      },
    },
    async (request) => ({
      data: await service.redeliver(writeContext(request), request.params.event_id, request.body?.subscription_id),
    }),
  );
};
