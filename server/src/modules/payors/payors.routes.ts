import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput } from '../../platform/money-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import { AppError } from '../../shared/errors.js';
import { toMinor } from '../../shared/money.js';
import { type AccountsService, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { CreatePayorBody, type PayorsService } from './payors.service.js';

const Payor = Type.Object(
  {},
  { additionalProperties: true, description: 'id, customer_id, names, contact, state, country_code, created_at' },
);
const CustomerParams = Type.Object({ id: Type.String({ maxLength: 128 }) });

export const payorsRoutes: FastifyPluginAsyncTypebox<{ service: PayorsService; accounts: AccountsService }> = async (
  app,
  { service, accounts },
) => {
  const tags = ['Payors'];
  const create = {
    config: { auth: { scope: 'customers:write' as const } },
    schema: {
      tags,
      summary: 'Create a payor of a customer',
      headers: MutationHeaders,
      params: CustomerParams,
      body: CreatePayorBody,
      response: { 200: data(Payor), ...errorResponses('NOT_FOUND', 'DUPLICATE_ID', 'NOT_UPDATABLE', 'L2F_STATUS_RESERVED') },
    },
  };
  app.post('/customers/:id/payor', create, async (request) => ({
    data: await service.create(writeContext(request), request.params.id, request.body),
  }));
  app.post('/customers/:id/payors', { ...create, schema: { ...create.schema, hide: true } }, async (request) => ({
    data: await service.create(writeContext(request), request.params.id, request.body),
  }));
  app.get(
    '/customers/:id/payors',
    {
      config: { auth: { scope: 'customers:read' } },
      schema: {
        tags,
        summary: 'List the payors of a customer (addition)',
        params: CustomerParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: listOf('payors', Payor),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request) =>
      listEnvelope('payors', await service.list(readContext(request), request.params.id, request.query, basePath(request))),
  );
  app.get(
    '/customers/:id/payors/:payor_id',
    {
      config: { auth: { scope: 'customers:read' } },
      schema: {
        tags,
        summary: 'Retrieve a payor (addition)',
        params: Type.Object({ id: Type.String({ maxLength: 128 }), payor_id: Type.String({ maxLength: 128 }) }),
        response: { 200: data(Payor), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.id, request.params.payor_id) }),
  );

  // Payment accounts: a leased address for an expected payment, attributed to a payor.
  app.post(
    '/accounts/payments/:account_id/address',
    {
      config: { auth: { scope: 'accounts:write' } },
      schema: {
        tags: ['Payment accounts'],
        summary: 'Lease a payment address',
        description:
          'A new address per call, valid for a day or 10 payments or the expected amount, whichever comes first. Funds after that go to suspense.',
        headers: MutationHeaders,
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }) }),
        body: Type.Object(
          {
            amount: AmountInput,
            payor_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            payment_reference: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(Type.Object({}, { additionalProperties: true })),
          ...errorResponses('NOT_FOUND', 'ASSET_MISMATCH', 'AMOUNT_PRECISION'),
        },
      },
    },
    async (request) => {
      const ctx = writeContext(request);
      const account = await findAccount(ctx.tx, ctx.tenantId, request.params.account_id);
      if (account?.family !== 'payments') throw new AppError('NOT_FOUND', 'Account not found', 'account_id');
      const asset = assetOf(account.assetTypeId);
      if (asset?.kind !== 'CRYPTO') throw new AppError('ASSET_MISMATCH', 'Payment addresses exist for crypto accounts only.', 'account_id');
      const expected = toMinor(request.body.amount, asset.decimals);
      if (request.body.payor_id && !(await service.exists(ctx, account.customerId, request.body.payor_id))) {
        throw new AppError('NOT_FOUND', 'Payor not found for this account’s customer', 'payor_id');
      }
      return {
        data: await accounts.requestAddress(ctx, 'payments', account.id, {
          expectedAmount: expected,
          payorId: request.body.payor_id ?? null,
          paymentReference: request.body.payment_reference ?? null,
        }),
      };
    },
  );
};
