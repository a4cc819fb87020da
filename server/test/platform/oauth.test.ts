import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { TENANT_SCOPES } from '../../src/shared/scopes.js';
import { Api, basic, getApp, newTenant } from '../helpers.js';
import { jwtPart } from './support.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await getApp();
});

async function token(url: string, headers: Record<string, string> = {}, payload?: string) {
  const res = await app.inject({ method: 'POST', url, headers, ...(payload !== undefined && { payload }) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

describe('POST /oauth2/token: successful grants', () => {
  it('Layer2 style: Basic credentials, grant_type and +-separated scope in the query string', async () => {
    const t = await newTenant(app);
    const res = await token('/oauth2/token?grant_type=client_credentials&scope=customers:read+accounts:read', {
      authorization: basic(t.clientId, t.secret),
      ...FORM,
      accept: 'application/json',
      'cache-control': 'no-cache',
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.expires_in).toBe(900);
    expect(res.body.scope).toBe('customers:read accounts:read');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(jwtPart(res.body.access_token, 0)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const payload = jwtPart(res.body.access_token, 1);
    expect(payload.sub).toBe(t.clientId);
    expect(payload.scope).toBe('customers:read accounts:read');
    expect(payload.exp).toBe((payload.iat as number) + 900);

    const api = new Api(app, res.body.access_token);
    expect((await api.get('/v1/customers')).status).toBe(200);
  });

  it('space-separated scope (percent-encoded) is accepted too, at /api/oauth2/token', async () => {
    const t = await newTenant(app);
    const res = await token('/api/oauth2/token?grant_type=client_credentials&scope=customers:write%20customers:read', {
      authorization: basic(t.clientId, t.secret),
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('customers:write customers:read');
    expect(res.body.token_type).toBe('Bearer');
  });

  it('form body: client_id, client_secret, grant_type and scope', async () => {
    const t = await newTenant(app);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.clientId,
      client_secret: t.secret,
      scope: 'customers:read',
    });
    const res = await token('/oauth2/token', FORM, form.toString());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'customers:read' });
    expect(jwtPart(res.body.access_token, 0).alg).toBe('EdDSA');
  });

  it('form body with a charset parameter in the Content-Type', async () => {
    const t = await newTenant(app);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: t.secret });
    const res = await token('/api/oauth2/token', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, form.toString());
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe(TENANT_SCOPES.join(' '));
  });

  it('no scope requested: every scope the client holds', async () => {
    const t = await newTenant(app, { scopes: ['customers:read', 'accounts:write'] });
    const res = await token('/oauth2/token?grant_type=client_credentials', { authorization: basic(t.clientId, t.secret) });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('customers:read accounts:write');
    expect(jwtPart(res.body.access_token, 1).scope).toBe('customers:read accounts:write');
  });

  it('a default client gets every tenant scope', async () => {
    const t = await newTenant(app);
    const res = await token('/oauth2/token?grant_type=client_credentials', { authorization: basic(t.clientId, t.secret) });
    expect(res.body.scope.split(' ')).toEqual([...TENANT_SCOPES]);
  });
});

describe('POST /oauth2/token: RFC 6749 errors', () => {
  it('missing grant_type: 400 invalid_request', async () => {
    const t = await newTenant(app);
    const res = await token('/oauth2/token', { authorization: basic(t.clientId, t.secret) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'grant_type is required.' });
  });

  it('grant_type=password: 400 unsupported_grant_type', async () => {
    const t = await newTenant(app);
    const res = await token('/oauth2/token?grant_type=password&username=a&password=b', { authorization: basic(t.clientId, t.secret) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'Only the client_credentials grant is supported.',
    });
  });

  it('wrong secret: 401 invalid_client with WWW-Authenticate', async () => {
    const t = await newTenant(app);
    const res = await token('/oauth2/token?grant_type=client_credentials', { authorization: basic(t.clientId, `${t.secret}x`) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="ledgerline"');
  });

  it('unknown client: 401 invalid_client (same answer as a wrong secret)', async () => {
    const res = await token('/oauth2/token?grant_type=client_credentials', { authorization: basic('cli_nobody', 'whatever-secret') });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="ledgerline"');
  });

  it('wrong secret in the form: 401 invalid_client', async () => {
    const t = await newTenant(app);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: 'nope' });
    const res = await token('/oauth2/token', FORM, form.toString());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    // No Basic challenge for form credentials (RFC 6749 §5.2): a browser would open its own prompt.
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('no credentials at all: 401 invalid_client', async () => {
    const res = await token('/oauth2/token?grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="ledgerline"');
  });

  it('a scope the client does not hold: 400 invalid_scope', async () => {
    const t = await newTenant(app, { scopes: ['customers:read'] });
    const res = await token('/oauth2/token?grant_type=client_credentials&scope=customers:read+customers:write', {
      authorization: basic(t.clientId, t.secret),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_scope', error_description: 'Scope not available to this client: customers:write.' });
  });

  it('an unknown scope, or admin for a tenant: 400 invalid_scope', async () => {
    const t = await newTenant(app);
    for (const scope of ['payments:fly', 'admin']) {
      const res = await token(`/oauth2/token?grant_type=client_credentials&scope=${scope}`, { authorization: basic(t.clientId, t.secret) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_scope', error_description: `Scope not available to this client: ${scope}.` });
    }
  });

  it('Basic credentials and form credentials together: 400 invalid_request', async () => {
    const t = await newTenant(app);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: t.secret });
    const res = await token('/oauth2/token', { ...FORM, authorization: basic(t.clientId, t.secret) }, form.toString());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'Send client credentials either by HTTP Basic or in the form, not both.',
    });
  });
});
