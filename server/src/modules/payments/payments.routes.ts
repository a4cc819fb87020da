import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PaymentsService } from './payments.service.js';

const STATUSES = ['REQUESTED', 'CHANGES_REQUESTED', 'ACCEPTED', 'INPROGRESS', 'EXECUTED', 'FAILURE'];
const Payment = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: STATUSES }),
  created_timestamp: Type.String({ format: 'date-time' }),
  payment_source: Type.Object({
    source_counterparty_id: Type.String(),
    asset_type: Type.Array(Type.String()),
    deposit_instructions: Type.Record(Type.String(), Type.Array(Type.Object({}, { additionalProperties: true })), {
      description: 'Per asset id, how the payer pays: the instructions issued at accept (empty before).',
    }),
  }),
  payment_destination: Type.Object({ destination_account_id: Type.String() }),
  payment_info: Type.Object({ description: Type.String() }),
  deposit_id: Type.Union([Type.String(), Type.Null()], { description: 'The deposit that receives the funds (from accept on).' }),
  accepted_timestamp: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  executed_timestamp: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  received_total: Type.Union([AmountOutput, Type.Null()]),
});
const DocumentError = Type.Object({
  document_id: Type.String(),
  id: Type.String(),
  document: Type.String(),
  status: Type.String(),
  mandatory: Type.Boolean(),
  description: Type.String(),
});
const Status = Type.Object({
  id: Type.String(),
  status: Type.String(),
  document_errors: Type.Array(DocumentError),
  documents: Type.Array(DocumentError),
});
const Params = Type.Object({ payment_id: Type.String({ maxLength: 64 }) });

/** Rail 1.1.2 Payments (collections). Scopes payments:read / payments:write. */
export const paymentsRoutes: FastifyPluginAsyncTypebox<{ service: PaymentsService }> = async (app, { service }) => {
  const tags = ['Payments'];
  const write = { auth: { scope: 'payments:write' as const } };
  const read = { auth: { scope: 'payments:read' as const } };

  app.post(
    '/payments',
    {
      config: write,
      schema: {
        tags,
        summary: 'Request a payment into a customer’s account',
        description:
          'A counterparty of the customer pays into one of the customer’s accounts, in that account’s asset. REQUESTED; or CHANGES_REQUESTED when the payer is not the customer (relationship_to_customer other than SELF): upload the INVOICE named by GET /v1/payments/{id}/status first.',
        headers: MutationHeaders,
        body: Type.Object(
          {
            payment_source: Type.Object(
              {
                source_counterparty_id: Type.String({ minLength: 1, maxLength: 64 }),
                asset_type: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10 }),
              },
              { additionalProperties: false },
            ),
            payment_destination: Type.Object(
              { destination_account_id: Type.String({ minLength: 1, maxLength: 128 }) },
              { additionalProperties: false },
            ),
            payment_info: Type.Object({ description: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(Payment),
          ...errorResponses('NOT_FOUND', 'NOT_TRANSACTABLE', 'ASSET_MISMATCH', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
        },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.post(
    '/payments/:payment_id/accept',
    {
      config: write,
      schema: {
        tags,
        summary: 'Accept a payment: its deposit instructions',
        description:
          'Issues the deposit instructions the payer uses (payment_source.deposit_instructions): ACCEPTED. When the funds arrive on the rail the payment is EXECUTED.',
        headers: MutationHeaders,
        params: Params,
        body: NoBody,
        response: {
          200: data(Payment),
          ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
        },
      },
    },
    async (request) => ({ data: await service.accept(writeContext(request), request.params.payment_id) }),
  );

  app.get(
    '/payments/:payment_id',
    {
      config: read,
      schema: { tags, summary: 'Retrieve a payment', params: Params, response: { 200: data(Payment), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.payment_id) }),
  );

  app.get(
    '/payments/:payment_id/status',
    {
      config: read,
      schema: {
        tags,
        summary: 'What a payment waits for (documents)',
        description: 'Its status and, when it waits for an invoice (CHANGES_REQUESTED), the document to upload in document_errors.',
        params: Params,
        response: { 200: data(Status), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.status(readContext(request), request.params.payment_id) }),
  );

  app.get(
    '/payments',
    {
      config: read,
      schema: {
        tags,
        summary: 'List payments (addition)',
        description: 'Newest first; page or cursor style.',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('payments', Payment), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('payments', await service.list(readContext(request), request.query, basePath(request))),
  );
};
