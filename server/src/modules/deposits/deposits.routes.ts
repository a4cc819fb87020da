import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountInput, AmountOutput } from '../../platform/money-schemas.js';
import { AcceptHeaders, basePath, listEnvelope, MutationHeaders, NoBody } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { DepositsService } from './deposits.service.js';
import type { IncomingFundsService } from './incoming.service.js';

const STATUSES = ['REQUESTED', 'ACCEPTED', 'EXECUTED', 'FAILURE', 'RETURNED'];
const Deposit = Type.Object({}, { additionalProperties: true, description: 'DepositPush or DepositPull' });
const Params = Type.Object({ deposit_id: Type.String({ maxLength: 64 }) });
const Incoming = Type.Object({}, { additionalProperties: true });
const IncomingPayment = Type.Object(
  {
    id: Type.String(),
    status: Type.String({ enum: ['CREDITED', 'RETURNED', 'SUSPENSE', 'ASSIGNED'] }),
    matched: Type.Boolean(),
    returned: Type.Boolean(),
    return_reason: Type.Union([Type.String({ enum: ['ACCOUNT_DISABLED', 'ACCOUNT_CLOSED'] }), Type.Null()]),
    virtual_account_id: Type.Union([Type.String(), Type.Null()]),
    rail: Type.String(),
    asset_type_id: Type.String(),
    amount: AmountOutput,
    account_id: Type.Union([Type.String(), Type.Null()]),
    deposit_id: Type.Union([Type.String(), Type.Null()]),
    transaction_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  {
    additionalProperties: true,
    examples: [
      {
        id: 'inc_01938b2e-7c1a-7d3e-9f00-1a2b3c4d5e6f',
        status: 'RETURNED',
        matched: true,
        returned: true,
        return_reason: 'ACCOUNT_DISABLED',
        virtual_account_id: 'va_01938b2e-7c1a-7d3e-9f00-1a2b3c4d5e6f',
        rail: 'ACH',
        asset_type_id: 'FIAT_TESTNET_USD',
        amount: 125.5,
        account_id: 'acct-ops-usd',
        deposit_id: null,
        transaction_id: null,
        created_at: '2026-01-02T03:04:05.000Z',
      },
    ],
  },
);

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
          'Matched like real funds: fiat by the memo of your deposit instructions, or by the bank details of one of your virtual accounts (account_number and routing_number on ACH or FEDWIRE, iban on SEPA_CT); crypto by the receiving address. Details of an ACTIVE virtual account credit its account (a deposit whose deposit_source names the virtual_account_id); details of a DISABLED or CLOSED one refuse the funds: the answer is {id, matched: true, returned: true, return_reason: ACCOUNT_DISABLED or ACCOUNT_CLOSED, virtual_account_id}, the return is listed under GET /v1/virtual-accounts/{id}/incoming-payments, and nothing is credited. Unmatched funds (unknown details too) go to suspense.',
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
            account_number: Type.Optional(
              Type.String({
                pattern: '^[0-9]{4,17}$',
                description: 'The beneficiary’s account number (ACH, FEDWIRE): a virtual account’s.',
              }),
            ),
            routing_number: Type.Optional(
              Type.String({ pattern: '^[0-9]{9}$', description: 'The beneficiary bank’s ABA routing number, with account_number.' }),
            ),
            iban: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{11,40}$',
                description: 'The beneficiary’s IBAN (SEPA_CT): a virtual account’s. Spaces and lower case are accepted.',
              }),
            ),
          },
          {
            additionalProperties: false,
            examples: [
              {
                rail: 'ACH',
                asset_type_id: 'FIAT_TESTNET_USD',
                amount: 125.5,
                account_number: '583920174652',
                routing_number: '101000048',
              },
            ],
          },
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

/** Arrivals at a virtual account's details: what was credited and what was returned. */
export const virtualAccountIncomingRoutes: FastifyPluginAsyncTypebox<{ incoming: IncomingFundsService }> = async (app, { incoming }) => {
  app.get(
    '/virtual-accounts/:virtual_account_id/incoming-payments',
    {
      config: { auth: { scope: 'accounts:read' } },
      schema: {
        tags: ['Virtual accounts'],
        summary: 'Payments sent to a virtual account’s details',
        description:
          'Every payment that named these details, newest first: CREDITED (deposit_id and transaction_id of the credit) or RETURNED to the sender because the virtual account was DISABLED or CLOSED (return_reason ACCOUNT_DISABLED or ACCOUNT_CLOSED; nothing was credited).',
        params: Type.Object({ virtual_account_id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('incoming_payments', IncomingPayment), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'incoming_payments',
        await incoming.ofVirtualAccount(readContext(request), request.params.virtual_account_id, request.query, basePath(request)),
      ),
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
        description: 'Newest first; filters rail and asset_type_id; page or cursor style (page and page_size, or cursor).',
        querystring: Type.Object(
          {
            ...PageQuery,
            rail: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
            asset_type_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: listOf('items', Incoming), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('items', await incoming.suspense(readContext(request), request.query, basePath(request))),
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
