import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import { Account, AddressLease, ListAccountsQuery, OpenAccountBody, PatchAccountBody } from './accounts.schemas.js';
import type { AccountsService, Family } from './accounts.service.js';

const Params = Type.Object({ account_id: Type.String({ maxLength: 128 }) });

/** /v1/accounts/{family}: deposits now; payments (PAYMENT_BASIC) reuse the same routes. */
export const accountsRoutes: FastifyPluginAsyncTypebox<{ service: AccountsService; family: Family }> = async (app, { service, family }) => {
  const tags = [family === 'deposits' ? 'Accounts' : 'Payment accounts'];
  const read = { auth: { scope: 'accounts:read' as const } };
  const write = { auth: { scope: 'accounts:write' as const } };
  const base = `/accounts/${family}`;

  app.post(
    base,
    {
      config: write,
      schema: {
        tags,
        summary: 'Open an account',
        description:
          'For a customer whose status allows it, with a product and asset enabled for your client. account_id is your own id (unique per client).',
        headers: MutationHeaders,
        body: OpenAccountBody,
        response: {
          200: data(Account),
          ...errorResponses(
            'NOT_FOUND',
            'DUPLICATE_ID',
            'NOT_TRANSACTABLE',
            'L2F_STATUS_RESERVED',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.open(writeContext(request), family, request.body) }),
  );

  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: 'List accounts',
        description: 'Newest first. Filters: customer_id, product_type, status. Page or cursor style.',
        querystring: ListAccountsQuery,
        response: { 200: listOf('accounts', Account), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('accounts', await service.list(readContext(request), family, request.query, basePath(request))),
  );

  app.get(
    `${base}/:account_id`,
    {
      config: read,
      schema: { tags, summary: 'Retrieve an account', params: Params, response: { 200: data(Account), ...errorResponses('NOT_FOUND') } },
    },
    async (request) => ({ data: await service.get(readContext(request), family, request.params.account_id) }),
  );

  app.patch(
    `${base}/:account_id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Update an account status',
        description: 'Only status is updatable. Closing needs a zero balance; _L2F statuses belong to the operator.',
        headers: MutationHeaders,
        params: Params,
        body: PatchAccountBody,
        response: {
          200: data(Account),
          ...errorResponses(
            'NOT_FOUND',
            'NOT_UPDATABLE',
            'INVALID_STATUS_TRANSITION',
            'L2F_STATUS_RESERVED',
            'NON_ZERO_BALANCE',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({
      data: await service.update(writeContext(request), family, request.params.account_id, request.body as PatchBody),
    }),
  );

  app.get(
    `${base}/:account_id/history`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of an account',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'history',
        await service.history(readContext(request), family, request.params.account_id, request.query, basePath(request)),
      ),
  );

  // Payment accounts lease addresses with terms (payors module); deposit accounts have a fixed one.
  if (family !== 'deposits') return;
  app.post(
    `${base}/:account_id/address`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Request a crypto deposit address',
        description: 'Crypto accounts only. Fixed-address products answer the same address every time.',
        headers: MutationHeaders,
        params: Params,
        response: { 200: data(AddressLease), ...errorResponses('NOT_FOUND', 'ASSET_MISMATCH', 'NOT_TRANSACTABLE') },
      },
    },
    async (request) => ({ data: await service.requestAddress(writeContext(request), family, request.params.account_id) }),
  );
};
