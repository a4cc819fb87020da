import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import {
  CreateVirtualAccountBody,
  EXAMPLE_SEPA,
  EXAMPLE_US,
  ListVirtualAccountsQuery,
  PatchVirtualAccountBody,
  VirtualAccount,
} from './virtual-accounts.schemas.js';
import type { Rail, VirtualAccountsService } from './virtual-accounts.service.js';

const AccountParams = Type.Object({ account_id: Type.String({ maxLength: 128 }) });
const Params = Type.Object({ virtual_account_id: Type.String({ maxLength: 64 }) });
const one = (example: unknown) => Type.Object({ data: VirtualAccount }, { examples: [{ data: example }] });

/** Virtual accounts (scopes accounts:read / accounts:write). */
export const virtualAccountsRoutes: FastifyPluginAsyncTypebox<{ service: VirtualAccountsService }> = async (app, { service }) => {
  const tags = ['Virtual accounts'];
  const read = { auth: { scope: 'accounts:read' as const } };
  const write = { auth: { scope: 'accounts:write' as const } };

  app.post(
    '/accounts/deposits/:account_id/virtual-accounts',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a virtual account: bank details for a deposit account',
        description:
          'Dedicated bank details that route incoming money to this account: an account number at the sandbox bank’s ABA routing number for ACH and FEDWIRE (a USD account), an IBAN and BIC for SEPA_CT (a EUR account). The details are unique and ACTIVE at once: funds sent to them credit the account. A crypto account or one of another currency answers ASSET_MISMATCH; an account (or customer) that cannot transact, NOT_TRANSACTABLE.',
        headers: MutationHeaders,
        params: AccountParams,
        body: CreateVirtualAccountBody,
        response: {
          200: one(EXAMPLE_US),
          ...errorResponses('NOT_FOUND', 'ASSET_MISMATCH', 'NOT_TRANSACTABLE', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
        },
      },
    },
    async (request) => ({
      data: await service.create(writeContext(request), request.params.account_id, {
        rail: request.body.rail as Rail,
        name: request.body.name,
      }),
    }),
  );

  app.get(
    '/accounts/deposits/:account_id/virtual-accounts',
    {
      config: read,
      schema: {
        tags,
        summary: 'List an account’s virtual accounts',
        description: 'Newest first (ties by id); filters status and rail; page or cursor style. CLOSED ones stay listed.',
        params: AccountParams,
        querystring: ListVirtualAccountsQuery,
        response: {
          200: Type.Object(listOf('virtual_accounts', VirtualAccount).properties, { examples: [listExample([EXAMPLE_US])] }),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request) =>
      listEnvelope(
        'virtual_accounts',
        await service.list(readContext(request), request.params.account_id, request.query, basePath(request)),
      ),
  );

  app.get(
    '/virtual-accounts/:virtual_account_id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a virtual account',
        description: 'Its details, status and the account it credits.',
        params: Params,
        response: { 200: one(EXAMPLE_SEPA), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.virtual_account_id) }),
  );

  app.patch(
    '/virtual-accounts/:virtual_account_id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Disable, re-enable or close a virtual account; rename it',
        description:
          'status ACTIVE ⇄ DISABLED, or CLOSED (terminal: INVALID_STATUS_TRANSITION afterwards; the details are never reused). Funds sent to DISABLED or CLOSED details are returned to the sender, never credited. name is your label. Every change is kept in the history.',
        headers: MutationHeaders,
        params: Params,
        body: PatchVirtualAccountBody,
        response: {
          200: one({ ...EXAMPLE_US, status: 'DISABLED', updated_at: '2026-01-03T03:04:05.000Z' }),
          ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'INVALID_STATUS_TRANSITION', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
        },
      },
    },
    async (request) => ({
      data: await service.update(writeContext(request), request.params.virtual_account_id, request.body as PatchBody),
    }),
  );

  app.get(
    '/virtual-accounts/:virtual_account_id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of a virtual account',
        description: 'Status and name changes: who, updated_by, reason, before, after, when. Newest first.',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'history',
        await service.history(readContext(request), request.params.virtual_account_id, request.query, basePath(request)),
      ),
  );
};

function listExample(items: unknown[]) {
  const self = '/v1/accounts/deposits/acct-ops-usd/virtual-accounts?page=0&page_size=20';
  return {
    data: { virtual_accounts: items },
    links: { self, first: self, prev: self, next: self, last: self },
    pagination: { has_more: false, next_cursor: null },
  };
}
