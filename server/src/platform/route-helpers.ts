import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { PageResult } from '../shared/pagination.js';

/** Headers every mutating route documents (validation is done by the platform plugins). */
export const MutationHeaders = Type.Object(
  {
    'x-l2f-idempotency-id': Type.Optional(
      Type.String({ description: 'Idempotency key: a retry with the same key gets the stored answer, and nothing runs twice.' }),
    ),
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

/** Request signing headers (CONTRACT §8), documented on the accept routes. */
export const SignatureHeaders = Type.Object(
  {
    'x-signature': Type.Optional(
      Type.String({ description: 'Ed25519 signature (hex or base64) of <x-timestamp><METHOD><path?query><raw body>.' }),
    ),
    'x-timestamp': Type.Optional(Type.String({ pattern: '^\\d{1,12}$', description: 'Unix seconds; within 300 s of the server clock.' })),
  },
  { additionalProperties: true },
);

/**
 * Routes without a body accept none, an empty body with Content-Type: application/json, or {}
 * (CONTRACT §2). The JSON parser turns an empty body into undefined.
 */
export const NoBody = Type.Unsafe<Record<string, never> | undefined>({
  type: ['object', 'null'],
  maxProperties: 0,
  description: 'No body, an empty body, or {}.',
});

/** Accept routes take the mutation headers and the signing headers. */
export const AcceptHeaders = Type.Object({ ...MutationHeaders.properties, ...SignatureHeaders.properties }, { additionalProperties: true });
