import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import {
  CreateCustomerBody,
  CreateIndividualBody,
  Customer,
  Individual,
  ListCustomersQuery,
  PatchCustomerBody,
  PatchIndividualBody,
} from './customers.schemas.js';
import type { CustomersService } from './customers.service.js';

const tags = ['Customers'];
const CustomerParams = Type.Object({ id: Type.String({ maxLength: 128 }) });
const IndividualParams = Type.Object({ id: Type.String({ maxLength: 128 }), individual_id: Type.String({ maxLength: 64 }) });
const PlainPageQuery = Type.Object(PageQuery, { additionalProperties: false });

export const customersRoutes: FastifyPluginAsyncTypebox<{ service: CustomersService }> = async (app, { service }) => {
  const read = { auth: { scope: 'customers:read' as const } };
  // Answers may hold tax reference and passport numbers (in clear for customers:sensitive): their
  // stored copies for idempotent replays are sealed by the vault.
  const write = { auth: { scope: 'customers:write' as const }, sealStoredResponse: true as const };

  app.post(
    '/customers',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a customer (regulated clients only)',
        description:
          'Creates an INDIVIDUAL or CORPORATION customer without KYC/KYB. Only regulated clients may; others onboard through applications. The customer starts ACTIVE.',
        headers: MutationHeaders,
        body: CreateCustomerBody,
        response: { 200: data(Customer), ...errorResponses('DUPLICATE_ID', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS') },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.get(
    '/customers',
    {
      config: read,
      schema: {
        tags,
        summary: 'List customers',
        description: 'Newest first. Filters: type, status. Page style (page, page_size) or cursor style (limit, cursor).',
        querystring: ListCustomersQuery,
        response: { 200: listOf('customers', Customer), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('customers', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/customers/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve a customer',
        params: CustomerParams,
        response: { 200: data(Customer), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.id) }),
  );

  app.patch(
    '/customers/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update a customer',
        description:
          'Layer2 form {updates:[{field, value}], updated_by, reason} or a plain object of fields (email, phone, address are aliases). Validated and applied whole. status follows the status rules; _L2F statuses belong to the operator.',
        headers: MutationHeaders,
        params: CustomerParams,
        body: PatchCustomerBody,
        response: {
          200: data(Customer),
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
    async (request) => ({ data: await service.update(writeContext(request), request.params.id, request.body as PatchBody) }),
  );

  app.get(
    '/customers/:id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of a customer',
        params: CustomerParams,
        querystring: PlainPageQuery,
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope('history', await service.history(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.post(
    '/customers/:id/individuals',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add an individual (officer, owner, …) to a corporate customer',
        headers: MutationHeaders,
        params: CustomerParams,
        body: CreateIndividualBody,
        response: {
          200: data(Individual),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_CUSTOMER_TYPE',
            'NOT_UPDATABLE',
            'L2F_STATUS_RESERVED',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.addIndividual(writeContext(request), request.params.id, request.body) }),
  );

  app.get(
    '/customers/:id/individuals',
    {
      config: read,
      schema: {
        tags,
        summary: 'List the individuals of a corporate customer',
        params: CustomerParams,
        querystring: PlainPageQuery,
        response: { 200: listOf('individuals', Individual), ...errorResponses('NOT_FOUND', 'INVALID_CUSTOMER_TYPE') },
      },
    },
    async (request) =>
      listEnvelope('individuals', await service.listIndividuals(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.get(
    '/customers/:id/individuals/:individual_id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve an individual',
        params: IndividualParams,
        response: { 200: data(Individual), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.getIndividual(readContext(request), request.params.id, request.params.individual_id) }),
  );

  app.patch(
    '/customers/:id/individuals/:individual_id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update an individual',
        description: 'Both PATCH forms; role and ownership_percentage are aliases of individual_type and percentage_ownership.',
        headers: MutationHeaders,
        params: IndividualParams,
        body: PatchIndividualBody,
        response: {
          200: data(Individual),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_CUSTOMER_TYPE',
            'NOT_UPDATABLE',
            'L2F_STATUS_RESERVED',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({
      data: await service.updateIndividual(
        writeContext(request),
        request.params.id,
        request.params.individual_id,
        request.body as PatchBody,
      ),
    }),
  );

  app.get(
    '/customers/:id/individuals/:individual_id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of an individual',
        params: IndividualParams,
        querystring: PlainPageQuery,
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope(
        'history',
        await service.individualHistory(
          readContext(request),
          request.params.id,
          request.params.individual_id,
          request.query,
          basePath(request),
        ),
      ),
  );
};
