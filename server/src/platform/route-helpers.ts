import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { PageResult } from '../shared/pagination.js';

/** Headers every mutating route documents (validation is done by the platform plugins). */
export const MutationHeaders = Type.Object(
  {
    'x-l2f-idempotency-id': Type.Optional(Type.String({ description: 'Idempotency key (CONTRACT §7): safe retries.' })),
    'x-l2f-request-id': Type.Optional(Type.String({ description: 'Your id for this request; echoed in the response.' })),
  },
  { additionalProperties: true },
);

/** The path the request came in on, without its query: list links point back at it. */
export const basePath = (request: FastifyRequest): string => (request.url.split('?')[0] as string).replace(/\/+$/, '');

/** The list envelope of CONTRACT §2/§3. */
export function listEnvelope<K extends string, T>(key: K, page: Omit<PageResult<unknown>, 'items'> & { items: T[] }) {
  return { data: { [key]: page.items } as { [P in K]: T[] }, links: page.links, pagination: page.pagination };
}
