import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import { API_VERSIONS, DEFAULT_API_VERSION } from '../../platform/versions/index.js';
import { ALL_SCOPES } from '../../shared/scopes.js';
import { type ClientsService, toView } from './clients.service.js';

const tags = ['Admin: clients'];
const Scope = Type.Unsafe<string>({ type: 'string', enum: [...ALL_SCOPES] });
const Client = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  regulated: Type.Boolean(),
  scopes: Type.Array(Type.String()),
  signing_required: Type.Boolean(),
  exchange_spread_bps: Type.Integer({ description: 'Spread on exchanges, in basis points of the mid rate.' }),
  api_version: Type.String({ description: 'The Layer2 API version its responses are shaped for (docs/versions.md).' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const ClientWithSecret = Type.Object({
  ...Client.properties,
  client_secret: Type.String({ description: 'Shown once; stored hashed.' }),
});
const Params = Type.Object({ client_id: Type.String({ maxLength: 128 }) });
const ClientFields = {
  regulated: Type.Optional(Type.Boolean({ description: 'Regulated clients may create customers directly.' })),
  scopes: Type.Optional(Type.Array(Scope, { uniqueItems: true, description: 'Default: every tenant scope.' })),
  signing_required: Type.Optional(Type.Boolean({ description: 'Accept operations must be signed (Ed25519).' })),
  exchange_spread_bps: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 9999, description: 'Spread on exchanges, in basis points of the mid rate.' }),
  ),
  api_version: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: [...API_VERSIONS],
      description: `The Layer2 API version the client's responses are shaped for (default ${DEFAULT_API_VERSION}); a request may ask for another with x-l2f-api-version. See docs/versions.md.`,
    }),
  ),
};

/** The operator's clients API (CONTRACT §1, §12). Requires the admin scope. */
export const clientsRoutes: FastifyPluginAsyncTypebox<{ service: ClientsService }> = async (app, { service }) => {
  const config = { auth: { scope: 'admin' as const, tenant: false } };
  /** Answers holding a client secret: their stored copies (idempotent replays) are sealed by the vault. */
  const secretAnswer = { ...config, sealStoredResponse: true as const };

  app.post(
    '/admin/clients',
    {
      config: secretAnswer,
      schema: {
        tags,
        summary: 'Create a client (tenant)',
        headers: MutationHeaders,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...ClientFields }, { additionalProperties: false }),
        response: { 200: data(ClientWithSecret), ...errorResponses('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS') },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.get(
    '/admin/clients',
    {
      config,
      schema: {
        tags,
        summary: 'List clients',
        description: 'Newest first; filter regulated (true or false); page or cursor style (page and page_size, or cursor).',
        querystring: Type.Object(
          { ...PageQuery, regulated: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
          { additionalProperties: false },
        ),
        response: { 200: listOf('clients', Client), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('clients', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/admin/clients/:client_id',
    {
      config,
      schema: { tags, summary: 'Retrieve a client', params: Params, response: { 200: data(Client), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: toView(await service.get(readContext(request), request.params.client_id)) }),
  );

  app.patch(
    '/admin/clients/:client_id',
    {
      config,
      schema: {
        tags,
        summary: 'Update a client',
        headers: MutationHeaders,
        params: Params,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            ...ClientFields,
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: data(Client), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.update(writeContext(request), request.params.client_id, request.body) }),
  );

  app.post(
    '/admin/clients/:client_id/rotate-secret',
    {
      config: secretAnswer,
      schema: {
        tags,
        summary: 'Rotate a client secret',
        description: 'The old secret, and every token issued with it, stop working at once.',
        headers: MutationHeaders,
        params: Params,
        response: { 200: data(ClientWithSecret), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.rotateSecret(writeContext(request), request.params.client_id) }),
  );
};
