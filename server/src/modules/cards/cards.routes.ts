import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CARD_STATUSES } from '../../db/schema-cards.js';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import type { AuthorizeInput, CardAuthorizations, Prepared } from './cards.authorizations.js';
import {
  AmountBody,
  Authorization,
  AuthorizationWebhook,
  Card,
  CreateCardBody,
  Merchant,
  OptionalAmountBody,
  PatchCardBody,
} from './cards.schemas.js';
import type { CardsService } from './cards.service.js';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const idem = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'] as const;

export const cardsRoutes: FastifyPluginAsyncTypebox<{ cards: CardsService; authorizations: CardAuthorizations }> = async (
  app,
  { cards, authorizations },
) => {
  const tags = ['Cards'];
  const write = { auth: { scope: 'cards:write' as const } };
  const read = { auth: { scope: 'cards:read' as const } };

  app.post(
    '/cards',
    {
      config: write,
      schema: {
        tags,
        summary: 'Issue a card',
        description:
          'A VIRTUAL card is ACTIVE at once; a PHYSICAL one (shipping_address required) is INACTIVE until its holder activates it. ' +
          'Issued on a fiat account of the customer; both must be able to transact. The card number and CVV are never in this answer: ' +
          'read them through /sensitive (scope cards:sensitive).',
        headers: MutationHeaders,
        body: CreateCardBody,
        response: {
          200: data(Card),
          ...errorResponses('NOT_FOUND', 'NOT_TRANSACTABLE', 'ASSET_MISMATCH', 'AMOUNT_PRECISION', ...idem),
        },
      },
    },
    async (request) => ({ data: await cards.create(writeContext(request), request.body) }),
  );

  app.get(
    '/cards',
    {
      config: read,
      schema: {
        tags,
        summary: 'List cards',
        description: 'Newest first by default; both pagination styles; filters customer_id, account_id, status.',
        querystring: Type.Object(
          {
            ...PageQuery,
            customer_id: Type.Optional(Type.String({ maxLength: 128 })),
            account_id: Type.Optional(Type.String({ maxLength: 128 })),
            status: Type.Optional(Type.String({ enum: [...CARD_STATUSES] })),
          },
          { additionalProperties: false },
        ),
        response: { 200: listOf('cards', Card), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('cards', await cards.list(readContext(request), request.query as never, basePath(request))),
  );

  app.put(
    '/cards/authorization-webhook',
    {
      config: write,
      schema: {
        tags,
        summary: 'Set the real-time authorization webhook',
        description:
          'After the platform’s own checks pass, each authorization is POSTed here as {"authorization": …}, signed like event ' +
          'webhooks (x-timestamp, x-signature: Ed25519 over <x-timestamp><raw body>, verified with signature_verification_key). ' +
          'Answer {"approved": true|false} within 2 seconds; no usable answer in time applies timeout_decision (default DECLINE). ' +
          'A refusal declines with DECLINED_BY_CLIENT. Setting it again keeps the key.',
        headers: MutationHeaders,
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048, examples: ['https://example.com/card-decisions'] }),
            timeout_decision: Type.Optional(Type.Union([Type.Literal('APPROVE'), Type.Literal('DECLINE')])),
          },
          { additionalProperties: false, examples: [{ url: 'https://example.com/card-decisions', timeout_decision: 'DECLINE' }] },
        ),
        response: { 200: data(AuthorizationWebhook), ...errorResponses(...idem) },
      },
    },
    async (request) => ({ data: await cards.putWebhook(writeContext(request), request.body) }),
  );

  app.delete(
    '/cards/authorization-webhook',
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove the real-time authorization webhook',
        description: 'Authorizations are decided by the platform’s checks alone again. Answers what was removed.',
        headers: MutationHeaders,
        response: { 200: data(AuthorizationWebhook), ...errorResponses('NOT_FOUND', ...idem) },
      },
    },
    async (request) => ({ data: await cards.deleteWebhook(writeContext(request)) }),
  );

  app.get(
    '/cards/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a card',
        description: 'Never the full card number or the CVV, whatever the token’s scopes.',
        params: Params,
        response: { 200: data(Card), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await cards.get(readContext(request), request.params.id) }),
  );

  app.patch(
    '/cards/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a card',
        description:
          'Both PATCH forms (an updates list, or plain fields): cardholder_name, spending_controls (merged; null removes a control), ' +
          'status: ACTIVE <-> LOCKED, any non-terminal status -> CLOSED (anything else: 400 INVALID_STATUS_TRANSITION). An ' +
          'INACTIVE card is activated through /activate; LOST and STOLEN are reached by /replace. Every change is kept in the ' +
          'card’s history.',
        headers: MutationHeaders,
        params: Params,
        body: PatchCardBody,
        response: {
          200: data(Card),
          ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'NOT_UPDATABLE', 'AMOUNT_PRECISION', ...idem),
        },
      },
    },
    async (request) => ({ data: await cards.update(writeContext(request), request.params.id, request.body as PatchBody) }),
  );

  app.get(
    '/cards/:id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of a card',
        description: 'One entry per changed field (status, cardholder_name, spending_controls.*), newest first.',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope('history', await cards.history(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.post(
    '/cards/:id/activate',
    {
      config: write,
      schema: {
        tags,
        summary: 'Activate a physical card',
        description: 'INACTIVE -> ACTIVE once the holder has the card: last4 must be the card’s last four digits.',
        headers: MutationHeaders,
        params: Params,
        body: Type.Object(
          { last4: Type.String({ pattern: '^[0-9]{4}$' }) },
          { additionalProperties: false, examples: [{ last4: '4242' }] },
        ),
        response: { 200: data(Card), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', ...idem) },
      },
    },
    async (request) => ({ data: await cards.activate(writeContext(request), request.params.id, request.body.last4) }),
  );

  app.post(
    '/cards/:id/replace',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace a card',
        description:
          'Issues a new card (new number) on the same account, holder and controls: ACTIVE at once when VIRTUAL, INACTIVE until ' +
          'activated when PHYSICAL. The old card ends LOST or STOLEN for those reasons, CLOSED for DAMAGED and EXPIRED.',
        headers: MutationHeaders,
        params: Params,
        body: Type.Object(
          { reason: Type.Union([Type.Literal('LOST'), Type.Literal('STOLEN'), Type.Literal('DAMAGED'), Type.Literal('EXPIRED')]) },
          { additionalProperties: false, examples: [{ reason: 'LOST' }] },
        ),
        response: {
          200: data(Card),
          ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'NOT_TRANSACTABLE', ...idem),
        },
      },
    },
    async (request) => ({ data: await cards.replace(writeContext(request), request.params.id, request.body.reason) }),
  );

  app.get(
    '/cards/:id/sensitive',
    {
      config: { auth: { scope: 'cards:sensitive' as const } },
      schema: {
        tags,
        summary: 'Reveal a card’s number and CVV',
        description:
          'Scope cards:sensitive, which the operator grants (no client holds it by default). Every read is recorded as a ' +
          'CARD_SENSITIVE_VIEWED event. Answered with Cache-Control: no-store.',
        params: Params,
        response: {
          200: data(
            Type.Object({
              id: Type.String(),
              pan: Type.String({ pattern: '^[0-9]{16}$', examples: ['4000001234567899'] }),
              cvv: Type.String({ pattern: '^[0-9]{3}$', examples: ['123'] }),
              exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
              exp_year: Type.Integer(),
            }),
          ),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await cards.sensitive(readContext(request), request.params.id) };
    },
  );

  app.get(
    '/cards/:id/authorizations',
    {
      config: read,
      schema: {
        tags,
        summary: 'List a card’s authorizations',
        description: 'Approved and declined, newest first; both pagination styles.',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('authorizations', Authorization), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope('authorizations', await authorizations.list(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.get(
    '/card-authorizations/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a card authorization',
        description: 'A PENDING authorization past expires_at reads CLOSED (EXPIRED).',
        params: Params,
        response: { 200: data(Authorization), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await authorizations.get(readContext(request), request.params.id) }),
  );
};

/** Sandbox simulations of the card network: authorizations, increments, reversals, captures, refunds. */
export const cardSimulationRoutes: FastifyPluginAsyncTypebox<{ authorizations: CardAuthorizations }> = async (app, { authorizations }) => {
  const tags = ['Sandbox simulations'];
  const write = { auth: { scope: 'cards:write' as const } };
  const AuthorizeBody = Type.Object(
    { amount: AmountBody.properties.amount, merchant: Merchant },
    {
      additionalProperties: false,
      examples: [{ amount: 42.5, merchant: { name: 'Blue Bottle Coffee', mcc: '5814', city: 'Oakland', country: 'US' } }],
    },
  );
  const money = ['NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'EXPIRED', 'INSUFFICIENT_FUNDS', 'AMOUNT_PRECISION', ...idem] as const;

  app.post(
    '/simulations/cards/:id/authorizations',
    {
      config: {
        ...write,
        // The client's real-time decision is asked before the unit's transaction opens.
        beforeUnit: (request) =>
          authorizations.prepare(readContext(request), (request.params as { id: string }).id, request.body as AuthorizeInput),
      },
      schema: {
        tags,
        summary: 'Simulate a card authorization',
        description:
          'A merchant asks to hold funds. Checked in this order: CARD_NOT_ACTIVE, CARD_EXPIRED, ACCOUNT_NOT_TRANSACTABLE, ' +
          'MCC_NOT_ALLOWED, COUNTRY_NOT_ALLOWED, PER_AUTHORIZATION_LIMIT, DAILY_LIMIT, MONTHLY_LIMIT, INSUFFICIENT_FUNDS, then ' +
          'your authorization webhook (DECLINED_BY_CLIENT). Approved: PENDING, with a hold on the account (available falls, ' +
          'current does not) for 7 days. Declined: 200 with status DECLINED and its decline_reason; nothing moves.',
        headers: MutationHeaders,
        params: Params,
        body: AuthorizeBody,
        response: { 200: data(Authorization), ...errorResponses('NOT_FOUND', 'AMOUNT_PRECISION', ...idem) },
      },
    },
    async (request) => ({
      data: await authorizations.authorize(
        writeContext(request),
        request.params.id,
        request.body,
        request.prepared as Prepared | undefined,
      ),
    }),
  );

  app.post(
    '/simulations/card-authorizations/:id/increment',
    {
      config: write,
      schema: {
        tags,
        summary: 'Simulate an incremental authorization',
        description:
          'Adds amount to a PENDING authorization. The card\u2019s checks run again in the decline order: card status and expiry, ' +
          'account and customer, MCC and country of the original merchant, per_authorization_limit against the grown amount, ' +
          'daily and monthly limits (the windows of the authorization) plus the amount added; a refusal is 400 CARD_DECLINED, ' +
          'its description beginning with the decline reason. Then the hold grows if the funds allow (else 400 INSUFFICIENT_FUNDS).',
        headers: MutationHeaders,
        params: Params,
        body: AmountBody,
        response: { 200: data(Authorization), ...errorResponses(...money, 'CARD_DECLINED') },
      },
    },
    async (request) => ({ data: await authorizations.increment(writeContext(request), request.params.id, request.body.amount) }),
  );

  app.post(
    '/simulations/card-authorizations/:id/reverse',
    {
      config: write,
      schema: {
        tags,
        summary: 'Simulate a reversal',
        description: 'Releases amount (default: all that remains); releasing all of it closes the authorization (REVERSED).',
        headers: MutationHeaders,
        params: Params,
        body: OptionalAmountBody,
        response: { 200: data(Authorization), ...errorResponses(...money) },
      },
    },
    async (request) => ({
      data: await authorizations.reverse(writeContext(request), request.params.id, request.body?.amount),
    }),
  );

  app.post(
    '/simulations/card-authorizations/:id/capture',
    {
      config: write,
      schema: {
        tags,
        summary: 'Simulate a capture (clearing)',
        description:
          'Posts the purchase (CARD_PURCHASE lines to the card settlement account) and closes the authorization (CAPTURED). ' +
          'amount defaults to what remains (amount less reversed_amount); less releases the rest; more (tips) is allowed up to ' +
          'and including 120% of what remains, floored to the minor unit, if the funds allow; one minor unit beyond that is ' +
          '400 CAPTURE_EXCEEDS_AUTHORIZATION.',
        headers: MutationHeaders,
        params: Params,
        body: OptionalAmountBody,
        response: { 200: data(Authorization), ...errorResponses(...money, 'CAPTURE_EXCEEDS_AUTHORIZATION') },
      },
    },
    async (request) => ({
      data: await authorizations.capture(writeContext(request), request.params.id, request.body?.amount),
    }),
  );

  app.post(
    '/simulations/cards/:id/refunds',
    {
      config: write,
      schema: {
        tags,
        summary: 'Simulate a merchant refund',
        description:
          'Credits the card’s account (CARD_REFUND lines from the card settlement account) at once. The account and its ' +
          'customer must both be able to transact, else 400 NOT_TRANSACTABLE and nothing moves.',
        headers: MutationHeaders,
        params: Params,
        body: AuthorizeBody,
        response: {
          200: data(
            Type.Object({
              id: Type.String(),
              card_id: Type.String(),
              account_id: Type.String(),
              amount: AmountOutput,
              merchant: Merchant,
              transaction_id: Type.String(),
              created_at: Type.String({ format: 'date-time' }),
            }),
          ),
          ...errorResponses('NOT_FOUND', 'NOT_TRANSACTABLE', 'AMOUNT_PRECISION', ...idem),
        },
      },
    },
    async (request) => ({ data: await authorizations.refund(writeContext(request), request.params.id, request.body) }),
  );
};
