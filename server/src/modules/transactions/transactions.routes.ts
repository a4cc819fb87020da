import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { basePath, listEnvelope } from '../../platform/route-helpers.js';
import { readContext } from '../../platform/unit-of-work.js';
import type { Family } from '../accounts/index.js';
import type { TransactionsService } from './transactions.service.js';

const Date_ = Type.String({ format: 'date', description: 'YYYY-MM-DD (UTC)' });
export const Transaction = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    asset_type_id: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    value: Type.Unsafe<number>({
      type: 'number',
      description: 'Signed from the account’s view: positive = money in, negative = money out.',
    }),
    balance_after: Type.Union([AmountOutput, Type.Null()], { description: 'Posted balance after this line (POSTED only).' }),
    transaction_date: Type.String({ format: 'date-time' }),
    transaction_posted_date: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    transaction_status: Type.String({ enum: ['AUTHORIZED', 'PENDING', 'POSTED', 'CANCELLED'] }),
    transaction_type: Type.String(),
    category_type: Type.String({ enum: ['ADJUSTMENT', 'DEPOSIT', 'EXCHANGE', 'TRANSFER', 'WITHDRAWAL', 'PAYMENT'] }),
    category_id: Type.String(),
  },
  { additionalProperties: true },
);
const List = listOf('transactions', Transaction);
const Order = Type.Union([Type.Literal('DESC'), Type.Literal('ASC')]);

/** Per-account transactions (under each account family) and the bulk list. Scope accounts:read. */
export const accountTransactionsRoutes: FastifyPluginAsyncTypebox<{ service: TransactionsService; family: Family }> = async (
  app,
  { service, family },
) => {
  const config = { auth: { scope: 'accounts:read' as const } };
  const tags = [family === 'deposits' ? 'Accounts' : 'Payment accounts'];
  app.get(
    `/accounts/${family}/:account_id/transactions`,
    {
      config,
      schema: {
        tags,
        summary: 'List the transactions of an account',
        description: 'Newest first (order=ASC for oldest first); start_date and end_date filter by transaction date.',
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object(
          { ...PageQuery, order: Type.Optional(Order), start_date: Type.Optional(Date_), end_date: Type.Optional(Date_) },
          { additionalProperties: false },
        ),
        response: { 200: List, ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'transactions',
        await service.forAccount(readContext(request), family, request.params.account_id, request.query, basePath(request)),
      ),
  );
  app.get(
    `/accounts/${family}/:account_id/transactions/:transaction_id`,
    {
      config,
      schema: {
        tags,
        summary: 'Retrieve a transaction of an account',
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }), transaction_id: Type.String({ maxLength: 64 }) }),
        response: { 200: data(Transaction), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({
      data: await service.one(readContext(request), family, request.params.account_id, request.params.transaction_id),
    }),
  );
};

export const bulkTransactionsRoutes: FastifyPluginAsyncTypebox<{ service: TransactionsService }> = async (app, { service }) => {
  app.get(
    '/transactions',
    {
      config: { auth: { scope: 'accounts:read' } },
      schema: {
        tags: ['Transactions'],
        summary: 'List transactions across accounts (reconciliation)',
        querystring: Type.Object(
          {
            ...PageQuery,
            order: Type.Optional(Order),
            start_date: Type.Optional(Date_),
            end_date: Type.Optional(Date_),
            account_id: Type.Optional(Type.String({ maxLength: 128 })),
            category_id: Type.Optional(Type.String({ maxLength: 128 })),
            category_type: Type.Optional(Type.String({ enum: ['ADJUSTMENT', 'DEPOSIT', 'EXCHANGE', 'TRANSFER', 'WITHDRAWAL', 'PAYMENT'] })),
            transaction_status: Type.Optional(Type.String({ enum: ['AUTHORIZED', 'PENDING', 'POSTED', 'CANCELLED'] })),
          },
          { additionalProperties: false },
        ),
        response: { 200: List, ...errorResponses() },
      },
    },
    async (request) => listEnvelope('transactions', await service.bulk(readContext(request), request.query, basePath(request))),
  );
};
