/** Every sandbox simulation needs a scope (issue 10, point 3): a read-only token cannot move time. */
import { describe, expect, it } from 'vitest';
import { CLOCK_SCOPES } from '../../src/modules/simulations/simulations.routes.js';
import { Api, getApp, newTenant, tokenFor } from '../helpers.js';

describe('scopes of the simulation routes', () => {
  it('every /v1/simulations route of /openapi.json declares at least one scope', async () => {
    const app = await getApp();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const routes = Object.entries<any>(doc.paths)
      .filter(([path]) => path.startsWith('/v1/simulations'))
      .flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const unscoped = routes.filter(({ op }) => !(op.security?.[0]?.oauth2?.length > 0)).map((r) => r.route);
    expect(unscoped).toEqual([]);
    const clock = routes.find((r) => r.route === 'POST /v1/simulations/clock');
    expect(clock?.op.security).toEqual([{ oauth2: [...CLOCK_SCOPES] }]);
  });

  it('POST /v1/simulations/clock: a customers:read token is 403 INSUFFICIENT_SCOPE and time does not move', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const reader = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:read'));
    const res = await reader.post('/v1/simulations/clock', { advance_seconds: 86_400 });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([
      {
        code: 'INSUFFICIENT_SCOPE',
        description: `This operation requires the scopes ${CLOCK_SCOPES.join(', ')}; the token lacks ${CLOCK_SCOPES.join(', ')}.`,
      },
    ]);
    expect((await app.ledgerline.services.clients.withClockOffsets()).some((c) => c.clientId === t.clientId)).toBe(false);

    // Holding only some of them is not enough.
    const partial = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:write accounts:write'));
    const refused = await partial.post('/v1/simulations/clock', { advance_seconds: 60 });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].description).toMatch(
      /the token lacks transfers:write, withdrawals:write, deposits:write, exchanges:write\.$/,
    );

    const all = new Api(app, await tokenFor(app, t.clientId, t.secret, CLOCK_SCOPES.join(' ')));
    expect((await all.post('/v1/simulations/clock', { advance_seconds: 60 })).status).toBe(200);
  });
});
