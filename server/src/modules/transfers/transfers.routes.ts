import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { data, ErrorEntry, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput, AmountOutput } from '../../platform/money-schemas.js';
import { AcceptHeaders, basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, settleEach, writeContext } from '../../platform/unit-of-work.js';
import { BATCH_MAX, transferBatch } from './transfers.batch.js';
import { TRANSFER_STATUSES } from './transfers.machine.js';
import type { Party } from './transfers.repository.js';
import type { TransfersService } from './transfers.service.js';

const Transfer = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: [...TRANSFER_STATUSES] }),
  created_timestamp: Type.String({ format: 'date-time' }),
  valid_until: Type.String({ format: 'date-time', description: 'Accept before this instant; afterwards the transfer EXPIRES.' }),
  executed_timestamp: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  source_details: Type.Object({ source_account_id: Type.String(), asset_type_id: Type.String(), amount_to_debit: AmountOutput }),
  destination_details: Type.Object({ destination_account_id: Type.String(), asset_type_id: Type.String(), amount_to_credit: AmountOutput }),
});
const Params = Type.Object({ transfer_id: Type.String({ maxLength: 64 }) });
const TransferBody = Type.Object(
  {
    source_account_id: Type.String({ minLength: 1, maxLength: 128 }),
    destination_account_id: Type.String({ minLength: 1, maxLength: 128 }),
    amount: AmountInput,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const transfersRoutes: FastifyPluginAsyncTypebox<{ service: TransfersService }> = async (app, { service }) => {
  const tags = ['Transfers'];
  const write = { auth: { scope: 'transfers:write' as const } };
  const read = { auth: { scope: 'transfers:read' as const } };

  app.post(
    '/transfers',
    {
      config: {
        ...write,
        prefetch: (request) => service.partiesSql(request.auth.tenantId, [request.body as Static<typeof TransferBody>]),
        // Concurrent creates share one transaction: one claim statement, one insert, one COMMIT.
        coalesce: {
          prefetch: (requests) =>
            service.partiesSql(
              (requests[0] as (typeof requests)[number]).auth.tenantId,
              requests.map((r) => r.body as Static<typeof TransferBody>),
            ),
          run: async (ctx, members) =>
            settleEach(
              await service.createMany(
                ctx,
                members.map((m) => ({
                  input: m.request.body as Static<typeof TransferBody>,
                  parties: m.prefetched as unknown as Party[] | undefined,
                })),
              ),
              (transfer) => ({ data: transfer }),
            ),
        },
      },
      schema: {
        tags,
        summary: 'Request a transfer between two accounts of one asset',
        headers: MutationHeaders,
        body: TransferBody,
        response: {
          200: data(Transfer),
          ...errorResponses(
            'NOT_FOUND',
            'ASSET_MISMATCH',
            'AMOUNT_PRECISION',
            'NOT_TRANSACTABLE',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.post(
    '/transfers/batch',
    {
      // Executing moves money as accept does: signed when the client requires signing.
      config: { ...write, signature: (request) => (request.body as { execute?: unknown } | undefined)?.execute === true },
      schema: {
        tags,
        summary: 'Create (and execute) many transfers at once (addition)',
        description:
          'Up to 1,000 transfers. Each item answers its own result, in order: the transfer, or its errors (fields prefixed ' +
          '`transfers.<index>.`). With `execute` they are executed at once (funds checked item by item, in order); with ' +
          '`atomic` nothing takes effect unless every item can (a 400 naming each refusal). Idempotent as a whole. ' +
          'With `execute`, signed with x-signature/x-timestamp when your client requires signing (as accept is).',
        headers: MutationHeaders,
        body: Type.Object(
          {
            transfers: Type.Array(
              Type.Object(
                {
                  id: Type.Optional(
                    Type.String({
                      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$',
                      description: 'Your id for the transfer (else one is made).',
                    }),
                  ),
                  ...TransferBody.properties,
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: BATCH_MAX },
            ),
            execute: Type.Optional(Type.Boolean({ default: false, description: 'Execute each transfer now.' })),
            atomic: Type.Optional(Type.Boolean({ default: false, description: 'All or none.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(
            Type.Object({
              results: Type.Array(Type.Union([Type.Object({ transfer: Transfer }), Type.Object({ errors: Type.Array(ErrorEntry) })])),
            }),
          ),
          ...errorResponses('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS', 'INSUFFICIENT_FUNDS', 'NOT_TRANSACTABLE', 'DUPLICATE_ID'),
        },
      },
    },
    async (request) => ({ data: await transferBatch(writeContext(request), service, request.body) }),
  );

  app.post(
    '/transfers/:transfer_id/accept',
    {
      config: {
        ...write,
        signature: 'accept',
        // Concurrent accepts share one transaction and one transfer_accept_many (group commit),
        // sent with their claim: one round trip, then the stored answers with COMMIT.
        coalesce: {
          distinct: (request) => (request.params as Static<typeof Params>).transfer_id,
          opening: ({ requests, now, runs }) =>
            service.acceptManySql(
              (requests[0] as FastifyRequest).auth.tenantId,
              now,
              requests.map((r) => (r.params as Static<typeof Params>).transfer_id),
              runs,
            ),
          run: async (ctx, members) => settleEach(await service.acceptedInGroup(ctx, members), (transfer) => ({ data: transfer })),
        },
      },
      schema: {
        tags,
        summary: 'Accept (execute) a transfer',
        description: 'Executes atomically. Signed with x-signature/x-timestamp when your client requires signing.',
        headers: AcceptHeaders,
        params: Params,
        body: NoBody,
        response: {
          200: data(Transfer),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATUS_TRANSITION',
            'EXPIRED',
            'INSUFFICIENT_FUNDS',
            'NOT_TRANSACTABLE',
            'SIGNATURE_REQUIRED',
            'SIGNATURE_INVALID',
            'TIMESTAMP_OUT_OF_WINDOW',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.accept(writeContext(request), request.params.transfer_id) }),
  );

  app.post(
    '/transfers/:transfer_id/cancel',
    {
      config: write,
      schema: {
        tags,
        summary: 'Cancel a requested transfer',
        headers: MutationHeaders,
        params: Params,
        body: NoBody,
        response: { 200: data(Transfer), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION') },
      },
    },
    async (request) => ({ data: await service.cancel(writeContext(request), request.params.transfer_id) }),
  );

  app.get(
    '/transfers/:transfer_id',
    {
      config: read,
      schema: { tags, summary: 'Retrieve a transfer', params: Params, response: { 200: data(Transfer), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.transfer_id) }),
  );

  app.get(
    '/transfers',
    {
      config: read,
      schema: {
        tags,
        summary: 'List transfers (addition)',
        querystring: Type.Object(
          { ...PageQuery, status: Type.Optional(Type.String({ enum: [...TRANSFER_STATUSES] })) },
          { additionalProperties: false },
        ),
        response: {
          200: listOf('transfers', Transfer),
          ...errorResponses(),
        },
      },
    },
    async (request) => listEnvelope('transfers', await service.list(readContext(request), request.query, basePath(request))),
  );
};
