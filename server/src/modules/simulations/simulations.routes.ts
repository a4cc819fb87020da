import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { platformSettings } from '../../db/schema.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';

export const CLOCK_SETTING = 'sandbox_clock_offset_ms';

/**
 * Sandbox simulations (CONTRACT §10), registered only in sandbox mode. The clock: moving it
 * forward persists the offset (so a restart keeps sandbox time) and runs the due work — rail
 * delays, expiries, dormancy — at once for the calling client.
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
      const { clock, database } = app.ledgerline;
      const now = clock.advance(request.body.advance_seconds);
      const offset = clock.offsetMs?.() ?? 0;
      await database.db
        .insert(platformSettings)
        .values({ key: CLOCK_SETTING, value: offset })
        .onConflictDoUpdate({ target: platformSettings.key, set: { value: offset } });
      const processed = await scheduler.runDue(request.auth.tenantId);
      return { data: { now: now.toISOString(), processed } };
    },
  );
};
