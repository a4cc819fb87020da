import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, basic, getApp, individualBody, makeApp, newTenant, operatorApi, tokenFor } from '../helpers.js';
import { jwtPart, type ManualClock, manualClock } from './support.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

describe('Bearer authentication', () => {
  it('no Authorization header: 401 UNAUTHORIZED in the errors envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/customers' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', description: 'An Authorization: Bearer <access_token> header is required.' }],
    });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('a Basic header on an API route: 401 UNAUTHORIZED', async () => {
    const t = await newTenant(app);
    const res = await app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization: basic(t.clientId, t.secret) } });
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe('UNAUTHORIZED');
  });

  it('a garbage token: 401 UNAUTHORIZED', async () => {
    const res = await new Api(app, 'not-a-jwt').get('/v1/customers');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', description: 'The access token is not valid.' }] });
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('a tampered token (payload changed, signature kept): 401 UNAUTHORIZED', async () => {
    const t = await newTenant(app, { tokenScope: 'customers:read' });
    const [h, , s] = t.api.token.split('.');
    const payload = { ...jwtPart(t.api.token, 1), scope: 'customers:read customers:write admin' };
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const res = await new Api(app, forged).post('/v1/customers', individualBody());
    expect(res.status).toBe(401);
    expect(res.body.errors).toEqual([{ code: 'UNAUTHORIZED', description: 'The access token is not valid.' }]);
  });

  it('a token whose signature is altered: 401 UNAUTHORIZED', async () => {
    const t = await newTenant(app);
    const [h, p, s = ''] = t.api.token.split('.');
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const res = await new Api(app, `${h}.${p}.${flipped}`).get('/v1/customers');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].code).toBe('UNAUTHORIZED');
  });

  it('a tenant may not send x-l2f-client-id for another client: 403 FORBIDDEN', async () => {
    const a = await newTenant(app);
    const b = await newTenant(app);
    const res = await a.api.get('/v1/customers', { 'x-l2f-client-id': b.clientId });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([
      { code: 'FORBIDDEN', description: 'Only the platform operator may use x-l2f-client-id.', field: 'x-l2f-client-id' },
    ]);
  });

  it('the operator on a tenant route without x-l2f-client-id: 400 naming the header', async () => {
    const op = await operatorApi(app);
    const res = await op.get('/v1/customers');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'x-l2f-client-id' });
  });
});

describe('scopes', () => {
  it('a token with a subset of scopes: 403 INSUFFICIENT_SCOPE on a route needing another', async () => {
    const t = await newTenant(app, { tokenScope: 'customers:read' });
    expect((await t.api.get('/v1/customers')).status).toBe(200);
    const res = await t.api.post('/v1/customers', individualBody());
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      errors: [{ code: 'INSUFFICIENT_SCOPE', description: 'This operation requires the scope customers:write.' }],
    });
  });

  it('removing customers:write from the client: its existing token gets 403 on POST /v1/customers', async () => {
    const t = await newTenant(app);
    const op = await operatorApi(app);
    expect((await t.api.post('/v1/customers', individualBody())).status).toBe(200);
    const patched = await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: ['customers:read', 'accounts:read'] });
    expect(patched.status).toBe(200);
    expect(patched.body.data.scopes).toEqual(['customers:read', 'accounts:read']);

    const res = await t.api.post('/v1/customers', individualBody());
    expect(res.status).toBe(403);
    expect(res.body.errors[0].code).toBe('INSUFFICIENT_SCOPE');
    expect((await t.api.get('/v1/customers')).status).toBe(200);
  });
});

describe('token lifetime (controllable clock)', () => {
  let clock: ManualClock;
  let timed: FastifyInstance;
  beforeAll(async () => {
    clock = manualClock();
    timed = await makeApp({ TOKEN_TTL_SECONDS: '60' }, { clock });
  });
  afterAll(async () => {
    await timed.close();
  });

  it('expires_in follows TOKEN_TTL_SECONDS', async () => {
    const t = await newTenant(timed);
    const res = await timed.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { authorization: basic(t.clientId, t.secret) },
    });
    expect(res.json().expires_in).toBe(60);
  });

  it('a token past its TTL: 401 TOKEN_EXPIRED; a new token works', async () => {
    const t = await newTenant(timed);
    expect((await t.api.get('/v1/customers')).status).toBe(200);
    clock.advance(59);
    expect((await t.api.get('/v1/customers')).status).toBe(200);
    clock.advance(2);
    const res = await t.api.get('/v1/customers');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ code: 'TOKEN_EXPIRED', description: 'The access token has expired; request a new one.' }] });
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token", error_description="token expired"');

    const fresh = new Api(timed, await tokenFor(timed, t.clientId, t.secret));
    expect((await fresh.get('/v1/customers')).status).toBe(200);
  });

  it('rotate-secret: the old secret fails, older tokens are 401, the new secret works', async () => {
    const t = await newTenant(timed);
    const op = await operatorApi(timed);
    expect((await t.api.get('/v1/customers')).status).toBe(200);
    clock.advance(2);

    const rotated = await op.post(`/v1/admin/clients/${t.clientId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.data.client_secret;
    expect(newSecret).not.toBe(t.secret);

    const old = await timed.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { authorization: basic(t.clientId, t.secret) },
    });
    expect(old.statusCode).toBe(401);
    expect(old.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });

    const stale = await t.api.get('/v1/customers');
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', description: 'The access token is no longer valid.' }] });

    const fresh = new Api(timed, await tokenFor(timed, t.clientId, newSecret));
    expect((await fresh.get('/v1/customers')).status).toBe(200);
    expect((await fresh.post('/v1/customers', individualBody())).status).toBe(200);
  });
});
