import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { SigningKeysService } from './signing-keys.service.js';

const Key = Type.Object({
  id: Type.String(),
  public_key: Type.String({ description: 'Raw 32-byte key, hex' }),
  created_at: Type.String({ format: 'date-time' }),
});
const tags = ['Request signing'];

/**
 * The caller's own signing keys. Neither Layer2 nor the contract names a scope for them (Layer2
 * registers keys in its console), so they take the scopes of what they protect, money leaving
 * accounts: `accounts:write` to register or revoke a key (a read-only token must not add a key
 * that would sign accepts), `accounts:read` to list them. Every client holds both by default.
 */
export const signingKeysRoutes: FastifyPluginAsyncTypebox<{ service: SigningKeysService }> = async (app, { service }) => {
  const write = { auth: { scope: 'accounts:write' as const } };
  const read = { auth: { scope: 'accounts:read' as const } };
  app.post(
    '/signing-keys',
    {
      config: write,
      schema: {
        tags,
        summary: 'Register an Ed25519 public key',
        headers: MutationHeaders,
        body: Type.Object(
          { public_key: Type.String({ minLength: 1, maxLength: 1000, description: '32-byte hex, DER SPKI hex, or PEM SPKI' }) },
          { additionalProperties: false },
        ),
        response: { 200: data(Key), ...errorResponses('DUPLICATE_ID') },
      },
    },
    async (request) => ({ data: await service.register(writeContext(request), request.body.public_key) }),
  );
  app.get(
    '/signing-keys',
    {
      config: read,
      schema: {
        tags,
        summary: 'List active signing keys',
        response: { 200: data(Type.Object({ signing_keys: Type.Array(Key) })), ...errorResponses() },
      },
    },
    async (request) => ({ data: { signing_keys: await service.list(readContext(request)) } }),
  );
  app.delete(
    '/signing-keys/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Revoke a signing key',
        headers: MutationHeaders,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: data(Type.Object({ id: Type.String() })), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.revoke(writeContext(request), request.params.id) }),
  );
};
