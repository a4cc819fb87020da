import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import type { CounterpartyLinking } from './counterparties.link.js';
import {
  AvailableAccount,
  Counterparty,
  CreateCounterpartyBody,
  type CreateCounterpartyBodyT,
  LinkAccountsBody,
  LinkConnectBody,
  LinkDetailsBody,
  ListCounterpartiesQuery,
  PatchCounterpartyBody,
  ScreeningBody,
} from './counterparties.schemas.js';
import type { CounterpartiesService } from './counterparties.service.js';

const tags = ['Counterparties'];
const Params = Type.Object({ id: Type.String({ maxLength: 128 }) });
const idem = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'] as const;
const linkErrors = errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'L2F_STATUS_RESERVED', ...idem);

export const counterpartiesRoutes: FastifyPluginAsyncTypebox<{ service: CounterpartiesService; linking: CounterpartyLinking }> = async (
  app,
  { service, linking },
) => {
  const read = { auth: { scope: 'accounts:read' as const } };
  // Answers may hold tax reference and passport numbers (in clear for customers:sensitive): their
  // stored copies for idempotent replays are sealed by the vault.
  const write = { auth: { scope: 'accounts:write' as const }, sealStoredResponse: true as const };

  app.post(
    '/counterparties',
    {
      config: write,
      // The body is checked against its own counterparty_type's schema only (compiled on first use).
      validatorCompiler: ({ schema, httpPart }) => (httpPart === 'body' ? service.validateCreateBody : service.ajv.compile(schema)),
      schema: {
        tags,
        summary: 'Register a counterparty',
        description:
          'An external bank account or wallet of a customer, by counterparty_type; fields required per type and per rail in docs/counterparties.md. Starts PENDING (screening); in sandbox screening runs at once (profile.name containing REJECT: CLOSED, REVIEW: stays PENDING, EDD: EDD, else ACTIVE). Answers the whole counterparty (Layer2 answers {id}).',
        headers: MutationHeaders,
        body: CreateCounterpartyBody,
        response: {
          200: data(Counterparty),
          ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'L2F_STATUS_RESERVED', ...idem),
        },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body as CreateCounterpartyBodyT) }),
  );

  app.get(
    '/counterparties',
    {
      config: read,
      schema: {
        tags,
        summary: 'List counterparties',
        description:
          'Newest first. Filters: customer_id, counterparty_type, status. Page style (page, page_size) or cursor style (limit, cursor).',
        querystring: ListCounterpartiesQuery,
        response: { 200: listOf('counterparties', Counterparty), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('counterparties', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/counterparties/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a counterparty',
        params: Params,
        response: { 200: data(Counterparty), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.id) }),
  );

  app.patch(
    '/counterparties/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a counterparty',
        description:
          'Both PATCH forms. While PENDING every field but id, customer_id and counterparty_type may change (the result is validated whole). Once screened (ACTIVE, EDD, FROZEN, DORMANT) only description, profile.email, profile.telephone_number and profile.address (not its country_code) may change: other fields answer NOT_UPDATABLE. status follows the status rules; a PENDING counterparty is cleared by screening only (the client may close it).',
        headers: MutationHeaders,
        params: Params,
        body: PatchCounterpartyBody,
        response: {
          200: data(Counterparty),
          ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'INVALID_STATUS_TRANSITION', 'L2F_STATUS_RESERVED', ...idem),
        },
      },
    },
    async (request) => ({ data: await service.update(writeContext(request), request.params.id, request.body as PatchBody) }),
  );

  app.get(
    '/counterparties/:id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of a counterparty',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope('history', await service.history(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.post(
    '/counterparties/:id/link/details',
    {
      config: write,
      schema: {
        tags,
        summary: 'Start linking a FIAT_US_LINKED counterparty (MX widget URL)',
        description: 'Answers the counterparty with mx_widget_url, a single-use URL of the linking widget (simulated in sandbox).',
        headers: MutationHeaders,
        params: Params,
        body: LinkDetailsBody,
        response: {
          200: data(
            Type.Object(
              { mx_widget_url: Type.String() },
              { additionalProperties: true, description: 'The counterparty, with mx_widget_url' },
            ),
          ),
          ...linkErrors,
        },
      },
    },
    async (request) => ({ data: await linking.details(writeContext(request), request.params.id, request.body) }),
  );

  app.post(
    '/counterparties/:id/link/accounts',
    {
      config: write,
      schema: {
        tags,
        summary: 'Accounts the linked member holds',
        description: 'member_guid comes from the widget. Answers the counterparty with available_accounts (account numbers masked).',
        headers: MutationHeaders,
        params: Params,
        body: LinkAccountsBody,
        response: {
          200: data(
            Type.Object(
              { available_accounts: Type.Array(AvailableAccount) },
              { additionalProperties: true, description: 'The counterparty, with available_accounts' },
            ),
          ),
          ...linkErrors,
        },
      },
    },
    async (request) => ({ data: await linking.accounts(writeContext(request), request.params.id, request.body) }),
  );

  app.post(
    '/counterparties/:id/link/connect',
    {
      config: write,
      schema: {
        tags,
        summary: 'Connect one of the available accounts',
        description:
          'Fills account_information (account_name, abbreviated_account_number); the counterparty can then be used for ACH pulls. Answers the counterparty (Layer2 answers {id}).',
        headers: MutationHeaders,
        params: Params,
        body: LinkConnectBody,
        response: { 200: data(Counterparty), ...linkErrors },
      },
    },
    async (request) => ({ data: await linking.connect(writeContext(request), request.params.id, request.body) }),
  );
};

/** Sandbox only (CONTRACT §10): decide the screening of a PENDING counterparty. */
export const counterpartySimulationRoutes: FastifyPluginAsyncTypebox<{ service: CounterpartiesService }> = async (app, { service }) => {
  app.post(
    '/simulations/counterparties/:id/screening',
    {
      config: { auth: { scope: 'accounts:write' }, sealStoredResponse: true },
      schema: {
        tags: ['Sandbox simulations'],
        summary: 'Simulate the screening decision on a counterparty (sandbox)',
        description: 'On a PENDING counterparty: ACTIVE, EDD, or REJECTED (the counterparty is CLOSED).',
        headers: MutationHeaders,
        params: Params,
        body: ScreeningBody,
        response: { 200: data(Counterparty), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', ...idem) },
      },
    },
    async (request) => ({ data: await service.simulateScreening(writeContext(request), request.params.id, request.body) }),
  );
};
