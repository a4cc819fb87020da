import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { writeContext } from '../../platform/unit-of-work.js';
import { AdminDecisionBody, Application, SimulationDecisionBody } from './applications.schemas.js';
import type { ApplicationsService } from './applications.service.js';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const decisionErrors = errorResponses(
  'NOT_FOUND',
  'INVALID_STATUS_TRANSITION',
  'DUPLICATE_ID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
);
const what =
  'On a PROCESSING application. APPROVED creates the customer (with its individuals) and the account_to_open in one transaction; CHANGES_REQUESTED names the fields (customer_details.<field>, customer_id, account_to_open.<field>, terms_and_conditions_accepted, information_attested, individuals.<id>.<field>) and documents (ids) to fix.';

/** The operator's decision (CONTRACT §12): with x-l2f-client-id, a reason recorded in the history. */
export const applicationAdminRoutes: FastifyPluginAsyncTypebox<{ service: ApplicationsService }> = async (app, { service }) => {
  app.post(
    '/admin/applications/:id/decision',
    {
      config: { auth: { scope: 'admin' }, sealStoredResponse: true },
      schema: {
        tags: ['Admin: onboarding'],
        summary: 'Decide an application (operator)',
        description: what,
        headers: MutationHeaders,
        params: Params,
        body: AdminDecisionBody,
        response: { 200: data(Application), ...decisionErrors },
      },
    },
    async (request) => ({ data: await service.decisions.decide(writeContext(request), request.params.id, request.body) }),
  );
};

/** Sandbox only (CONTRACT §10): the same decision, by the client itself. */
export const applicationSimulationRoutes: FastifyPluginAsyncTypebox<{ service: ApplicationsService }> = async (app, { service }) => {
  app.post(
    '/simulations/applications/:id/decision',
    {
      config: { auth: { scope: 'applications:write' }, sealStoredResponse: true },
      schema: {
        tags: ['Sandbox simulations'],
        summary: 'Simulate the decision on an application (sandbox)',
        description: what,
        headers: MutationHeaders,
        params: Params,
        body: SimulationDecisionBody,
        response: { 200: data(Application), ...decisionErrors },
      },
    },
    async (request) => ({ data: await service.decisions.decide(writeContext(request), request.params.id, request.body) }),
  );
};
