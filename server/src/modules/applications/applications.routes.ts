import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { basePath, listEnvelope, MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { PatchBody } from '../../shared/patch.js';
import { HistoryEntry } from '../history/index.js';
import {
  AccessCode,
  Application,
  ApplicationIndividual,
  ApplicationState,
  CreateApplicationBody,
  type CreateApplicationBodyT,
  CreateApplicationIndividualBody,
  ListApplicationsQuery,
  PatchApplicationBody,
  PatchApplicationIndividualBody,
} from './applications.schemas.js';
import type { ApplicationsService } from './applications.service.js';

const tags = ['Applications'];
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IndividualParams = Type.Object({ id: Type.String({ maxLength: 64 }), individual_id: Type.String({ maxLength: 64 }) });
const idem = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'] as const;

export const applicationsRoutes: FastifyPluginAsyncTypebox<{ service: ApplicationsService }> = async (app, { service }) => {
  const read = { auth: { scope: 'applications:read' as const } };
  // Answers may hold tax reference and passport numbers (in clear for customers:sensitive): their
  // stored copies for idempotent replays are sealed by the vault.
  const write = { auth: { scope: 'applications:write' as const }, sealStoredResponse: true as const };

  app.post(
    '/applications',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create an application',
        description:
          'INDIVIDUAL or CORPORATION (application_type). customer_details may be partial: what is missing is listed by GET /v1/applications/{id}/status. customer_id and account_to_open.account_id must be free; the product and asset must be enabled for your client.',
        headers: MutationHeaders,
        body: CreateApplicationBody,
        response: { 200: data(Application), ...errorResponses('DUPLICATE_ID', ...idem) },
      },
    },
    async (request) => ({
      data: await service.create(writeContext(request), request.body as CreateApplicationBodyT, request.apiVersion !== '1.0.5'),
    }),
  );

  app.get(
    '/applications',
    {
      config: read,
      schema: {
        tags,
        summary: 'List applications',
        description:
          'Newest first. Filters: status, application_type, customer_id, terms_and_conditions_accepted, information_attested, customer_name, email_address. Page or cursor style.',
        querystring: ListApplicationsQuery,
        response: { 200: listOf('applications', Application), ...errorResponses() },
      },
    },
    async (request) => listEnvelope('applications', await service.list(readContext(request), request.query, basePath(request))),
  );

  app.get(
    '/applications/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Retrieve an application',
        params: Params,
        response: { 200: data(Application), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.id) }),
  );

  app.patch(
    '/applications/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Update an application',
        description:
          'Layer2 form {updates:[{field, value}]} (customer_details.first_name, account_to_open.product_id, terms_and_conditions_accepted, …) or a plain object of fields. Validated and applied whole; only while INCOMPLETE, READY_FOR_SUBMISSION or CHANGES_REQUESTED.',
        headers: MutationHeaders,
        params: Params,
        body: PatchApplicationBody,
        response: { 200: data(Application), ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'DUPLICATE_ID', ...idem) },
      },
    },
    async (request) => ({ data: await service.update(writeContext(request), request.params.id, request.body as PatchBody) }),
  );

  app.get(
    '/applications/:id/status',
    {
      config: read,
      schema: {
        tags,
        summary: 'What the application still needs',
        description:
          'Computed on every call: missing or to-change fields, application errors, and every required document with its id and status.',
        params: Params,
        response: { 200: data(ApplicationState), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.status(readContext(request), request.params.id) }),
  );

  app.get(
    '/applications/:id/history',
    {
      config: read,
      schema: {
        tags,
        summary: 'Change history of an application',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: listOf('history', HistoryEntry), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) =>
      listEnvelope('history', await service.history(readContext(request), request.params.id, request.query, basePath(request))),
  );

  app.post(
    '/applications/:id/submit',
    {
      config: write,
      schema: {
        tags,
        summary: 'Submit an application',
        description:
          'Only from READY_FOR_SUBMISSION. The application goes SUBMITTED then PROCESSING; in sandbox it is decided at once (names containing REJECT are rejected, REVIEW wait for an operator decision, others are approved).',
        headers: MutationHeaders,
        params: Params,
        response: { 200: data(Application), ...errorResponses('NOT_FOUND', 'INVALID_STATUS_TRANSITION', 'DUPLICATE_ID', ...idem) },
      },
    },
    async (request) => ({ data: await service.decisions.submit(writeContext(request), request.params.id) }),
  );

  app.post(
    '/applications/:id/accesscode',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create an access code for the hosted onboarding flow',
        description: 'A random code, stored hashed, valid 24 hours.',
        headers: MutationHeaders,
        params: Params,
        response: { 200: data(AccessCode), ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', ...idem) },
      },
    },
    async (request) => ({ data: await service.accessCode(writeContext(request), request.params.id) }),
  );

  // Individuals: Layer2 spells the path /individual (singular); /individuals is accepted too.
  for (const [segment, hide] of [
    ['individual', false],
    ['individuals', true],
  ] as const) {
    const base = `/applications/:id/${segment}`;
    const individualErrors = errorResponses('NOT_FOUND', 'INVALID_CUSTOMER_TYPE', 'NOT_UPDATABLE', ...idem);
    app.post(
      base,
      {
        config: write,
        schema: {
          hide,
          tags,
          summary: 'Add an individual (officer, owner, …) to a corporate application',
          headers: MutationHeaders,
          params: Params,
          body: CreateApplicationIndividualBody,
          response: { 200: data(ApplicationIndividual), ...individualErrors },
        },
      },
      async (request) => ({ data: await service.individuals.add(writeContext(request), request.params.id, request.body) }),
    );
    app.get(
      `${base}/:individual_id`,
      {
        config: read,
        schema: {
          hide,
          tags,
          summary: 'Retrieve an individual of an application',
          params: IndividualParams,
          response: { 200: data(ApplicationIndividual), ...errorResponses('NOT_FOUND') },
        },
      },
      async (request) => ({ data: await service.individuals.get(readContext(request), request.params.id, request.params.individual_id) }),
    );
    app.patch(
      `${base}/:individual_id`,
      {
        config: write,
        schema: {
          hide,
          tags,
          summary: 'Update an individual of an application',
          headers: MutationHeaders,
          params: IndividualParams,
          body: PatchApplicationIndividualBody,
          response: { 200: data(ApplicationIndividual), ...individualErrors },
        },
      },
      async (request) => ({
        data: await service.individuals.update(
          writeContext(request),
          request.params.id,
          request.params.individual_id,
          request.body as PatchBody,
        ),
      }),
    );
    app.delete(
      `${base}/:individual_id`,
      {
        config: write,
        schema: {
          hide,
          tags,
          summary: 'Delete an individual of an application',
          description: 'Permanent; the individual’s documents are deleted too.',
          headers: MutationHeaders,
          params: IndividualParams,
          response: { 200: data(Type.Object({ id: Type.String() })), ...individualErrors },
        },
      },
      async (request) => ({
        data: await service.individuals.remove(writeContext(request), request.params.id, request.params.individual_id),
      }),
    );
  }
};
