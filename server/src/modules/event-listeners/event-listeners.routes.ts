import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { SecretBox } from '../../platform/vault/index.js';
import type { Clock } from '../../shared/clock.js';
import { EVENT_TYPES } from '../events/index.js';
import { createListener, deleteListener, findListener, listenerEvents } from './event-listeners.service.js';

const tags = ['Events'];
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const EventListener = Type.Object({
  id: Type.String(),
  signature_verification_key: Type.String({
    description: 'Hex Ed25519 public key: verifies x-signature over <x-timestamp><raw body> of every streamed event.',
  }),
  event_types: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Only these event types; null: all.' }),
  created_at: Type.String({ format: 'date-time' }),
});
const CreateBody = Type.Unsafe<{ event_types?: string[] } | undefined>({
  type: ['object', 'null'],
  properties: {
    event_types: {
      type: 'array',
      items: { type: 'string', enum: [...EVENT_TYPES] },
      maxItems: 100,
      description: 'Only these types (default: all).',
    },
  },
  additionalProperties: false,
  description: 'No body, {}, or {event_types}.',
});
const StreamHeaders = Type.Object(
  { 'last-event-id': Type.Optional(Type.String({ maxLength: 64, description: 'Resume after this event (SSE reconnection).' })) },
  { additionalProperties: true },
);

export interface EventListenersRouteOptions {
  /** Real time: x-timestamp of each signed event, which receivers compare with theirs (as webhook deliveries). */
  signingClock: Clock;
  /** The vault: listeners' private keys at rest. */
  box: SecretBox;
  pollMs?: number;
  lagMs?: number;
}

/**
 * `ledgerline listen` (CONTRACT §16): POST /v1/event-listeners makes a listener with its own key
 * pair; GET /v1/event-listeners/{id}/stream streams the client's new events as server-sent events,
 * each `data` = `{headers: {x-l2f-event-id, x-timestamp, x-signature}, body}` where body is the
 * exact JSON a webhook delivery would POST (§9) and headers its signature by the listener's key.
 */
export const eventListenersRoutes: FastifyPluginAsyncTypebox<EventListenersRouteOptions> = async (app, opts) => {
  const { signingClock } = opts;
  const open = new Set<AbortController>();
  // Streams never go idle: end them when the app closes, or close would wait for them.
  app.addHook('preClose', async () => {
    for (const c of open) c.abort();
  });

  app.post(
    '/event-listeners',
    {
      config: { auth: { scope: 'subscriptions:write' } },
      schema: {
        tags,
        summary: 'Create an event listener (addition)',
        description:
          'A listener streams your events created from now on (GET …/stream), each signed like a webhook delivery with the listener’s own key. Used by `ledgerline listen`.',
        headers: MutationHeaders,
        body: CreateBody,
        response: { 200: data(EventListener), ...errorResponses('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS') },
      },
    },
    async (request) => ({ data: await createListener(writeContext(request), request.body, opts.box) }),
  );

  app.delete(
    '/event-listeners/:id',
    {
      config: { auth: { scope: 'subscriptions:write' } },
      schema: {
        tags,
        summary: 'Delete an event listener (addition)',
        description: 'Its streams end; it cannot be opened again.',
        headers: MutationHeaders,
        params: Params,
        body: NoBody,
        response: { 200: data(Type.Object({ id: Type.String() })), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await deleteListener(writeContext(request), request.params.id) }),
  );

  app.get(
    '/event-listeners/:id/stream',
    {
      config: { auth: { scope: 'subscriptions:read' } },
      schema: {
        tags,
        summary: 'Stream a listener’s events (server-sent events; addition)',
        description:
          'text/event-stream. Each event: `id: <event_id>`, `event: event`, `data: {"headers":{"x-l2f-event-id","x-timestamp","x-signature"},"body":"<raw JSON>"}`. Comments (`: ping`) keep the connection alive. Send Last-Event-ID to resume after an event.',
        params: Params,
        headers: StreamHeaders,
        response: {
          200: { description: 'A stream of server-sent events.', content: { 'text/event-stream': { schema: Type.String() } } },
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const ctx = readContext(request);
      const listener = await findListener(ctx, request.params.id, opts.box);
      const controller = new AbortController();
      open.add(controller);
      reply.hijack();
      const res = reply.raw;
      res.on('close', () => controller.abort());
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-l2f-request-id': request.id,
      });
      res.write(': ready\n\n');
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      try {
        for await (const e of listenerEvents(listener, {
          db: ctx.db,
          nowMs: () => signingClock.now().getTime(),
          pollMs: opts.pollMs ?? 250,
          lagMs: opts.lagMs ?? 10_000,
          signal: controller.signal,
          lastEventId: request.headers['last-event-id'] as string | undefined,
        })) {
          res.write(`id: ${e.id}\nevent: event\ndata: ${JSON.stringify({ headers: e.headers, body: e.body })}\n\n`);
        }
      } catch (err) {
        if (!controller.signal.aborted) request.log.error({ err }, 'event listener stream failed');
      } finally {
        clearInterval(ping);
        open.delete(controller);
        res.end();
      }
    },
  );
};
