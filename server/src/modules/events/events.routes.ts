import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope } from '../../platform/route-helpers.js';
import { readContext } from '../../platform/unit-of-work.js';
import type { EventsService } from './events.service.js';

const tags = ['Events'];
const Event = Type.Object({
  id: Type.String({ description: 'The event_id of its webhook deliveries.' }),
  event_type: Type.String(),
  event_date: Type.String({ format: 'date-time' }),
  resource_type: Type.String({ description: 'customer, account, application, transaction, …' }),
  resource_id: Type.String(),
  event_data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Thin: {<resource>: {id, status, …}}; fetch the resource for details.',
  }),
});
const ListEventsQuery = Type.Object(
  {
    ...PageQuery,
    event_type: Type.Optional(Type.String({ maxLength: 100 })),
    resource_type: Type.Optional(Type.String({ maxLength: 100 })),
    resource_id: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** GET /v1/events, GET /v1/events/{event_id} (additions; scope subscriptions:read). */
export const eventsRoutes: FastifyPluginAsyncTypebox<{ service: EventsService }> = async (app, { service }) => {
  const read = { auth: { scope: 'subscriptions:read' as const } };

  app.get(
    '/events',
    {
      config: read,
      schema: {
        tags,
        summary: 'List events (addition)',
        description: 'Your events, newest first. Filters: event_type, resource_type, resource_id. Page or cursor style.',
        querystring: ListEventsQuery,
        response: {
          200: listOf('events', Event),
          ...errorResponses(),
        },
      },
    },
    async (request) => listEnvelope('events', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/events/:event_id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve an event (addition)',
        params: Type.Object({ event_id: Type.String({ maxLength: 64 }) }),
        response: { 200: data(Event), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.event_id) }),
  );
};
