import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Database } from '../../db/client.js';
import { data, errorResponses } from '../http-schemas.js';
import { MutationHeaders, NoBody } from '../route-helpers.js';
import type { Vault } from './vault.js';

const tags = ['Admin: keys'];
const Key = Type.Object({
  id: Type.String(),
  purpose: Type.Union([Type.Literal('encryption'), Type.Literal('lookup')]),
  active: Type.Boolean(),
  master_key_id: Type.String({ description: 'The master key wrapping this data key (mk_…, derived from the key).' }),
  current: Type.Boolean({ description: 'Wrapped by the current LEDGERLINE_MASTER_KEY.' }),
  created_at: Type.String({ format: 'date-time' }),
  rewrapped_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/**
 * The vault's data keys, for the operator (CONTRACT §17): which master key wraps each, and the
 * rotation that re-wraps them all with the current one (start with the new key in
 * LEDGERLINE_MASTER_KEY and the old one in LEDGERLINE_PREVIOUS_MASTER_KEYS, call rotate, then
 * drop the old key). Same as `npm run keys -- rotate` (server/src/platform/vault/keys-cli.ts).
 */
export const vaultRoutes: FastifyPluginAsyncTypebox<{ vault: Vault; database: Database }> = async (app, { vault, database }) => {
  // Rotation opens its own transaction (data keys only, compare-and-set): not a request's unit of work.
  const config = { auth: { scope: 'admin' as const, tenant: false }, unitOfWork: false as const };
  app.get(
    '/admin/keys',
    {
      config,
      schema: {
        tags,
        summary: 'Data keys of the vault',
        response: { 200: data(Type.Object({ master_key_id: Type.String(), keys: Type.Array(Key) })), ...errorResponses() },
      },
    },
    async () => ({ data: { master_key_id: vault.masterKeyId, keys: await vault.status(database.db) } }),
  );
  app.post(
    '/admin/keys/rotate',
    {
      config,
      schema: {
        tags,
        summary: 'Re-wrap every data key with the current master key',
        description:
          'Master key rotation: data keys wrapped by a previous master key (LEDGERLINE_PREVIOUS_MASTER_KEYS) are re-wrapped by LEDGERLINE_MASTER_KEY. Encrypted values are not rewritten. Idempotent.',
        headers: MutationHeaders,
        body: NoBody,
        response: {
          200: data(Type.Object({ master_key_id: Type.String(), rewrapped: Type.Integer(), keys: Type.Array(Key) })),
          ...errorResponses(),
        },
      },
    },
    async () => ({ data: await vault.rewrapAll(database) }),
  );
};
