import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../../src/db/client.js';
import { registerErrorHandling } from '../../src/platform/errors.plugin.js';
import { registerGroupAnswers, unitOfWorkPlugin } from '../../src/platform/unit-of-work.js';
import type { AuthContext } from '../../src/shared/context.js';
import { getApp, newTenant } from '../helpers.js';

export { type ManualClock, manualClock } from '../clock.js';

/** The decoded JSON of one JWT segment (0 = header, 1 = payload). */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Node stack frame lines, as they would leak into a response body. */
export const STACK_FRAME = /\n\s+at |\bat [\w.<>]+ \(|node:internal|\.ts:\d+:\d+/;

/**
 * A small app of its own around the unit of work (platform/unit-of-work.ts), on the test app's
 * database, for a file's probe routes: every request authenticates as one new tenant holding
 * transfers:write. Add the routes, then `await app.ready()`.
 */
export async function unitOfWorkProbe(
  opts: { onGroupCommit?: (route: string, size: number) => void } = {},
): Promise<{ app: FastifyInstance; database: Database }> {
  const main = await getApp();
  const t = await newTenant(main);
  const client = await main.ledgerline.services.clients.find(t.clientId);
  if (!client) throw new Error('no client');
  const auth: AuthContext = { caller: client, tenant: client, tenantId: client.id, operator: false, scopes: new Set(['transfers:write']) };
  const app = Fastify();
  registerErrorHandling(app);
  await app.register(
    fp(
      async (a) => {
        a.decorateRequest('auth', null as unknown as AuthContext);
        a.addHook('onRequest', async (request) => {
          request.auth = auth;
        });
      },
      { name: 'auth' },
    ),
  );
  registerGroupAnswers(app);
  await app.register(unitOfWorkPlugin, {
    database: main.ledgerline.database,
    baseNow: () => new Date(),
    realNow: () => new Date(),
    ttlDays: 1,
    box: main.ledgerline.vault,
    ...(opts.onGroupCommit && { onGroupCommit: opts.onGroupCommit }),
  });
  return { app, database: main.ledgerline.database };
}
