import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EXCHANGE_STATUSES } from '../../db/schema-exchanges.js';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput, AmountOutput } from '../../platform/money-schemas.js';
import { AcceptHeaders, basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { ExchangesService } from './exchanges.service.js';
import type { TableRates } from './rates.js';

const Exchange = Type.Object({
  id: Type.String(),
  status: Type.String({ enum: [...EXCHANGE_STATUSES] }),
  exchange_type: Type.String({ enum: ['QUOTE', 'MARKET'] }),
  action: Type.String({ enum: ['FIX_SOURCE', 'FIX_DESTINATION'] }),
  created_timestamp: Type.String({ format: 'date-time' }),
  valid_until: Type.String({ format: 'date-time' }),
  executed_timestamp: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  rate: Type.String({ description: 'Your rate after spread: destination units per source unit (exact decimal text).' }),
  mid_rate: Type.String(),
  spread_bps: Type.Integer(),
  fee: AmountOutput,
  maximum_slippage: Type.Union([Type.String(), Type.Null()]),
  rejection_reason: Type.Union([Type.String(), Type.Null()]),
  source_details: Type.Object({ source_account_id: Type.String(), asset_type_id: Type.String(), amount_to_debit: AmountOutput }),
  destination_details: Type.Object({ destination_account_id: Type.String(), asset_type_id: Type.String(), amount_to_credit: AmountOutput }),
});
const Request = Type.Object(
  {
    source_account_id: Type.String({ minLength: 1, maxLength: 128 }),
    destination_account_id: Type.String({ minLength: 1, maxLength: 128 }),
    amount: AmountInput,
    action: Type.Union([Type.Literal('FIX_SOURCE'), Type.Literal('FIX_DESTINATION')]),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ exchange_id: Type.String({ maxLength: 64 }) });

export const exchangesRoutes: FastifyPluginAsyncTypebox<{ service: ExchangesService }> = async (app, { service }) => {
  const tags = ['Exchanges'];
  const write = { auth: { scope: 'exchanges:write' as const } };
  const read = { auth: { scope: 'exchanges:read' as const } };
  const createErrors = errorResponses(
    'NOT_FOUND',
    'ASSET_MISMATCH',
    'AMOUNT_PRECISION',
    'NOT_TRANSACTABLE',
    'IDEMPOTENCY_KEY_REUSED',
    'IDEMPOTENCY_IN_PROGRESS',
  );
  for (const [path, type] of [
    ['/exchanges/quote', 'QUOTE'],
    ['/exchanges/market', 'MARKET'],
  ] as const) {
    app.post(
      path,
      {
        config: write,
        schema: {
          tags,
          summary: type === 'QUOTE' ? 'Quote an exchange' : 'Request a market exchange (indicative price)',
          description: 'FIX_SOURCE: amount is debited; FIX_DESTINATION: amount is credited. Accept within valid_until.',
          headers: MutationHeaders,
          body: Request,
          response: { 200: data(Exchange), ...createErrors },
        },
      },
      async (request) => ({ data: await service.create(writeContext(request), type, request.body) }),
    );
  }
  app.post(
    '/exchanges/:exchange_id/accept',
    {
      config: { ...write, signature: 'accept' },
      schema: {
        tags,
        summary: 'Accept an exchange',
        description: 'Re-prices; executes only within maximum_slippage (fraction, default 0.01), otherwise the exchange is REJECTED.',
        headers: AcceptHeaders,
        params: Params,
        body: Type.Union([
          Type.Object(
            {
              maximum_slippage: Type.Optional(
                Type.Unsafe<string | number>({
                  anyOf: [
                    { type: 'number', minimum: 0 },
                    { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
                  ],
                }),
              ),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        response: {
          200: data(Exchange),
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
    async (request) => ({ data: await service.accept(writeContext(request), request.params.exchange_id, request.body?.maximum_slippage) }),
  );
  app.get(
    '/exchanges/:exchange_id',
    {
      config: read,
      schema: { tags, summary: 'Retrieve an exchange', params: Params, response: { 200: data(Exchange), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.exchange_id) }),
  );
  app.get(
    '/exchanges',
    {
      config: read,
      schema: {
        tags,
        summary: 'List exchanges (addition)',
        querystring: Type.Object(
          { ...PageQuery, status: Type.Optional(Type.String({ enum: [...EXCHANGE_STATUSES] })) },
          { additionalProperties: false },
        ),
        response: {
          200: listOf('exchanges', Exchange),
          ...errorResponses(),
        },
      },
    },
    async (request) => listEnvelope('exchanges', await service.list(readContext(request), request.query, basePath(request))),
  );
};

/** Operator: the sandbox rate table (CONTRACT §12). */
export const ratesRoutes: FastifyPluginAsyncTypebox<{ rates: TableRates }> = async (app, { rates }) => {
  const Rate = Type.Object({
    base: Type.String(),
    quote: Type.String(),
    mid: Type.String(),
    updated_at: Type.String({ format: 'date-time' }),
  });
  const config = { auth: { scope: 'admin' as const, tenant: false } };
  app.get(
    '/admin/rates',
    {
      config,
      schema: {
        tags: ['Admin: rates'],
        summary: 'Mid rates',
        response: { 200: data(Type.Object({ rates: Type.Array(Rate) })), ...errorResponses() },
      },
    },
    async (request) => ({ data: { rates: await rates.list(readContext(request).db) } }),
  );
  app.put(
    '/admin/rates',
    {
      config,
      schema: {
        tags: ['Admin: rates'],
        summary: 'Set mid rates',
        description: 'Replaces the given pairs (by currency code, e.g. ETH/USD); the inverse is implied. Other pairs cross through USD.',
        headers: MutationHeaders,
        body: Type.Object(
          {
            rates: Type.Array(
              Type.Object(
                {
                  base: Type.String({ pattern: '^[A-Z0-9]{2,10}$' }),
                  quote: Type.String({ pattern: '^[A-Z0-9]{2,10}$' }),
                  mid: Type.Unsafe<string | number>({
                    anyOf: [
                      { type: 'number', exclusiveMinimum: 0 },
                      { type: 'string', pattern: '^\\d{1,30}(\\.\\d{1,30})?$' },
                    ],
                  }),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 200 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: data(Type.Object({ rates: Type.Array(Rate) })), ...errorResponses() },
      },
    },
    async (request) => ({ data: { rates: await rates.set(writeContext(request), request.body.rates) } }),
  );
};
