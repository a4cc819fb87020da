import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput } from '../../platform/money-schemas.js';
import { AcceptHeaders, basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { DepositsService } from './deposits.service.js';
import type { IncomingFundsService } from './incoming.service.js';

const STATUSES = ['REQUESTED', 'ACCEPTED', 'EXECUTED', 'FAILURE', 'RETURNED'];
const Deposit = Type.Object({}, { additionalProperties: true, description: 'DepositPush or DepositPull (LAYER2_API.md §2.8)' });
const Params = Type.Object({ deposit_id: Type.String({ maxLength: 64 }) });
const Incoming = Type.Object({}, { additionalProperties: true });

export const depositsRoutes: FastifyPluginAsyncTypebox<{ service: DepositsService }> = async (app, { service }) => {
  const tags = ['Deposits'];
  const write = { auth: { scope: 'deposits:write' as const } };
  const read = { auth: { scope: 'deposits:read' as const } };
  app.post(
    '/deposits',
    {
      config: write,
      schema: {
        tags,
        summary: 'Request a deposit (PUSH instructions or an ACH PULL)',
        headers: MutationHeaders,
        body: Type.Object(
          {
            deposit_type: Type.Union([Type.Literal('PUSH'), Type.Literal('PULL')]),
            deposit_destination: Type.Object(
              {
                destination_account_id: Type.String({ minLength: 1, maxLength: 128 }),
                asset_type_id: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
              },
              { additionalProperties: false },
            ),
            deposit_source: Type.Optional(
              Type.Object(
                {
                  source_counterparty_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
                  asset_type_id: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
                  deposit_instructions: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
                },
                { additionalProperties: false },
              ),
            ),
            deposit_details: Type.Optional(
              Type.Object(
                { amount: AmountInput, reference: Type.Optional(Type.String({ maxLength: 80 })) },
                { additionalProperties: false },
              ),
            ),
            id: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
            status: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
            created_timestamp: Type.Optional(Type.Unknown({ description: 'read-only, ignored' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(Deposit),
          ...errorResponses(
            'NOT_FOUND',
            'NOT_TRANSACTABLE',
            'ASSET_MISMATCH',
            'AMOUNT_PRECISION',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );
  app.post(
    '/deposits/:deposit_id/accept',
    {
      config: { ...write, signature: 'accept' },
      schema: {
        tags,
        summary: 'Accept an ACH pull (starts it; irreversible)',
        headers: AcceptHeaders,
        params: Params,
        body: NoBody,
        response: {
          200: data(Deposit),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATUS_TRANSITION',
            'NOT_TRANSACTABLE',
            'SIGNATURE_REQUIRED',
            'SIGNATURE_INVALID',
            'TIMESTAMP_OUT_OF_WINDOW',
          ),
        },
      },
    },
    async (request) => ({ data: await service.accept(writeContext(request), request.params.deposit_id) }),
  );
  app.get(
    '/deposits/:deposit_id',
    {
      config: read,
      schema: { tags, summary: 'Retrieve a deposit', params: Params, response: { 200: data(Deposit), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.deposit_id) }),
  );
  app.get(
    '/deposits',
    {
      config: read,
      schema: {
        tags,
        summary: 'List deposits (addition)',
        querystring: Type.Object(
          {
            ...PageQuery,
            status: Type.Optional(Type.String({ enum: STATUSES })),
            deposit_type: Type.Optional(Type.String({ enum: ['PUSH', 'PULL'] })),
            account_id: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: listOf('deposits', Deposit),
          ...errorResponses(),
        },
      },
    },
    async (request) => listEnvelope('deposits', await service.list(readContext(request), request.query, basePath(request))),
  );
};

/** Sandbox: funds arriving on a rail, and pull returns (CONTRACT §10). */
export const depositSimulationRoutes: FastifyPluginAsyncTypebox<{ service: DepositsService; incoming: IncomingFundsService }> = async (
  app,
  { service, incoming },
) => {
  const tags = ['Sandbox simulations'];
  app.post(
    '/simulations/deposits',
    {
      config: { auth: { scope: 'deposits:write' } },
      schema: {
        tags,
        summary: 'Funds arrive on a rail',
        description:
          'Matched like real funds: fiat by the memo of your deposit instructions, crypto by the receiving address. Unmatched funds go to suspense.',
        headers: MutationHeaders,
        body: Type.Object(
          {
            rail: Type.String({ enum: ['ACH', 'FEDWIRE', 'SWIFT', 'SEPA_CT', 'FPS', 'CHAPS', 'IMPS', 'SPEI', 'UAEFTS', 'EFT', 'CRYPTO'] }),
            asset_type_id: Type.String({ minLength: 1, maxLength: 64 }),
            amount: AmountInput,
            memo: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
            wallet_address: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
            originator: Type.Optional(
              Type.Object(
                {
                  name: Type.Optional(Type.String({ maxLength: 140 })),
                  account_number: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{1,34}$' })),
                  routing_number: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
                  blockchain_address: Type.Optional(Type.String({ maxLength: 120 })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: data(Incoming), ...errorResponses('AMOUNT_PRECISION') },
      },
    },
    async (request) => ({ data: await incoming.arrive(writeContext(request), request.body) }),
  );
  app.post(
    '/simulations/deposits/:deposit_id/return',
    {
      config: { auth: { scope: 'deposits:write' } },
      schema: {
        tags,
        summary: 'The rail returns an ACH pull',
        headers: MutationHeaders,
        params: Params,
        body: Type.Union([
          Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 200: data(Deposit), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'INSUFFICIENT_FUNDS') },
      },
    },
    async (request) => ({ data: await service.returnPull(writeContext(request), request.params.deposit_id, request.body?.reason) }),
  );
};

/** Operator: unmatched incoming funds (CONTRACT §10). */
export const suspenseRoutes: FastifyPluginAsyncTypebox<{ incoming: IncomingFundsService }> = async (app, { incoming }) => {
  const tags = ['Admin: ledger'];
  app.get(
    '/admin/suspense',
    {
      config: { auth: { scope: 'admin', tenant: false } },
      schema: {
        tags,
        summary: 'Unmatched incoming funds',
        response: { 200: data(Type.Object({ items: Type.Array(Incoming) })), ...errorResponses() },
      },
    },
    async (request) => ({ data: { items: await incoming.suspense(readContext(request)) } }),
  );
  app.post(
    '/admin/suspense/:id/assign',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags,
        summary: 'Assign unmatched funds to an account (operator, with x-l2f-client-id)',
        headers: MutationHeaders,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ account_id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: {
          200: data(Incoming),
          ...errorResponses('NOT_FOUND', 'ASSET_MISMATCH', 'NOT_TRANSACTABLE', 'INVALID_STATUS_TRANSITION'),
        },
      },
    },
    async (request) => ({ data: await incoming.assign(writeContext(request), request.params.id, request.body.account_id) }),
  );
};
