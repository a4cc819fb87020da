import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WITHDRAWAL_STATUSES } from '../../db/schema-money.js';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput, AmountOutput } from '../../platform/money-schemas.js';
import { AcceptHeaders, basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { WithdrawalLifecycle } from './withdrawals.lifecycle.js';
import { receipt, receiptPdf } from './withdrawals.receipt.js';
import { PURPOSES, RAILS } from './withdrawals.rules.js';
import type { WithdrawalsService } from './withdrawals.service.js';

const Withdrawal = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: [...WITHDRAWAL_STATUSES] }),
  created_timestamp: Type.String({ format: 'date-time' }),
  valid_until: Type.String({ format: 'date-time' }),
  withdrawal_rail: Type.String(),
  source_account_id: Type.String(),
  destination_counterparty_id: Type.String(),
  asset_type_id: Type.String(),
  amount: AmountOutput,
  purpose: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  memo: Type.Union([Type.String(), Type.Null()]),
  rail_reference: Type.Union([Type.String(), Type.Null()]),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  accepted_timestamp: Type.Union([Type.String(), Type.Null()]),
  executed_timestamp: Type.Union([Type.String(), Type.Null()]),
  returned_timestamp: Type.Union([Type.String(), Type.Null()]),
});
const Params = Type.Object({ withdrawal_id: Type.String({ maxLength: 64 }) });
const Status = Type.Object(
  {},
  {
    additionalProperties: true,
    description: '{id, status, fields, field_errors, documents, document_errors[{document_id, document, status}]}',
  },
);
const Receipt = Type.Object({}, { additionalProperties: true });

export const withdrawalsRoutes: FastifyPluginAsyncTypebox<{ service: WithdrawalsService }> = async (app, { service }) => {
  const tags = ['Withdrawals'];
  const write = { auth: { scope: 'withdrawals:write' as const } };
  const read = { auth: { scope: 'withdrawals:read' as const } };
  const withHeaders = { headers: MutationHeaders, params: Params, body: NoBody };

  app.post(
    '/withdrawals',
    {
      config: write,
      schema: {
        tags,
        summary: 'Request a withdrawal to a counterparty',
        headers: MutationHeaders,
        body: Type.Object(
          {
            withdrawal_rail: Type.String({ enum: [...RAILS] }),
            source_account_id: Type.String({ minLength: 1, maxLength: 128 }),
            destination_counterparty_id: Type.String({ minLength: 1, maxLength: 64 }),
            amount: AmountInput,
            purpose: Type.String({ enum: [...PURPOSES] }),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            memo: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(Withdrawal),
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
    '/withdrawals/:withdrawal_id/accept',
    {
      config: { ...write, signature: 'accept' },
      schema: {
        tags,
        summary: 'Accept a withdrawal (funds go on hold, then leave)',
        ...withHeaders,
        headers: AcceptHeaders,
        response: {
          200: data(Withdrawal),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATUS_TRANSITION',
            'EXPIRED',
            'INSUFFICIENT_FUNDS',
            'NOT_TRANSACTABLE',
            'SIGNATURE_REQUIRED',
            'SIGNATURE_INVALID',
            'TIMESTAMP_OUT_OF_WINDOW',
          ),
        },
      },
    },
    async (request) => ({ data: await service.accept(writeContext(request), request.params.withdrawal_id) }),
  );
  app.post(
    '/withdrawals/:withdrawal_id/cancel',
    {
      config: write,
      schema: {
        tags,
        summary: 'Cancel a withdrawal before the funds leave',
        ...withHeaders,
        response: { 200: data(Withdrawal), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION') },
      },
    },
    async (request) => ({ data: await service.cancel(writeContext(request), request.params.withdrawal_id) }),
  );
  app.get(
    '/withdrawals/:withdrawal_id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a withdrawal',
        params: Params,
        response: { 200: data(Withdrawal), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.withdrawal_id) }),
  );
  app.get(
    '/withdrawals/:withdrawal_id/status',
    {
      config: read,
      schema: {
        tags,
        summary: 'What the withdrawal waits for (documents)',
        params: Params,
        response: { 200: data(Status), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.status(readContext(request), request.params.withdrawal_id) }),
  );
  app.get(
    '/withdrawals/:withdrawal_id/receipt',
    {
      config: read,
      schema: {
        tags,
        summary: 'Transmission receipt (JSON, or PDF with Accept: application/pdf)',
        params: Params,
        response: { 200: data(Receipt), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION') },
      },
    },
    async (request, reply) => {
      if ((request.headers.accept ?? '').includes('application/pdf')) {
        const { institutionName: name, institutionAddress: address } = app.ledgerline.config;
        const pdf = await receiptPdf(service, readContext(request), request.params.withdrawal_id, { name, address });
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${request.params.withdrawal_id}.pdf"`)
          .send(pdf as never);
      }
      return { data: await receipt(service, readContext(request), request.params.withdrawal_id) };
    },
  );
  app.get(
    '/withdrawals',
    {
      config: read,
      schema: {
        tags,
        summary: 'List withdrawals (addition)',
        querystring: Type.Object(
          {
            ...PageQuery,
            status: Type.Optional(Type.String({ enum: [...WITHDRAWAL_STATUSES] })),
            account_id: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: listOf('withdrawals', Withdrawal),
          ...errorResponses(),
        },
      },
    },
    async (request) => listEnvelope('withdrawals', await service.list(readContext(request), request.query, basePath(request))),
  );
};

export const withdrawalSimulationRoutes: FastifyPluginAsyncTypebox<{ lifecycle: WithdrawalLifecycle }> = async (app, { lifecycle }) => {
  app.post(
    '/simulations/withdrawals/:withdrawal_id/:action',
    {
      config: { auth: { scope: 'withdrawals:write' } },
      schema: {
        tags: ['Sandbox simulations'],
        summary: 'The rail settles, fails or returns a withdrawal',
        headers: MutationHeaders,
        params: Type.Object({
          withdrawal_id: Type.String({ maxLength: 64 }),
          action: Type.Union([Type.Literal('settle'), Type.Literal('fail'), Type.Literal('return')]),
        }),
        body: Type.Union([
          Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 200: data(Withdrawal), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION') },
      },
    },
    async (request) => ({
      data: await lifecycle.simulate(writeContext(request), request.params.withdrawal_id, request.params.action, request.body?.reason),
    }),
  );
};
