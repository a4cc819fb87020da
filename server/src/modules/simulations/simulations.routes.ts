import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Scheduler } from '../../jobs/scheduler.js';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { writeContext } from '../../platform/unit-of-work.js';

/**
 * Sandbox simulations (CONTRACT §10), registered only in sandbox mode. The clock is the calling
 * client's own (docs/adr/0003): moving it stores the client's offset (every process and restart
 * sees it) and runs the due work — rail delays, expiries, dormancy — at once, in that time, in the
 * same transaction: the move and what it made happen commit together.
 */
export const clockSimulationRoutes: FastifyPluginAsyncTypebox<{ scheduler: Scheduler }> = async (app, { scheduler }) => {
  app.post(
    '/simulations/clock',
    {
      config: { auth: {} },
      schema: {
        tags: ['Sandbox simulations'],
        summary: 'Advance the sandbox clock',
        description:
          'Moves platform time forward (never back) and processes what became due for your client: expiries, rail settlements, dormancy.',
        headers: MutationHeaders,
        body: Type.Object({ advance_seconds: Type.Integer({ minimum: 1, maximum: 10 * 366 * 86400 }) }, { additionalProperties: false }),
        response: {
          200: data(Type.Object({ now: Type.String({ format: 'date-time' }), processed: Type.Record(Type.String(), Type.Integer()) })),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const ctx = writeContext(request);
      const now = await app.ledgerline.services.clients.advanceClock(ctx, request.body.advance_seconds);
      // What became due runs in this request's transaction, in the client's new time.
      const processed = await scheduler.runDueIn(ctx.tx, now, ctx.tenantId);
      return { data: { now: now.toISOString(), processed } };
    },
  );
};
