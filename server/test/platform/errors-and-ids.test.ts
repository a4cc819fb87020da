import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, individualBody, newTenant, type Tenant } from '../helpers.js';
import { STACK_FRAME } from './support.js';

const RID = 'x-l2f-request-id';
const GENERATED = /^req_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: FastifyInstance;
let t: Tenant;
beforeAll(async () => {
  app = await getApp();
  t = await newTenant(app);
});

const auth = () => ({ authorization: `Bearer ${t.api.token}` });
const post = (payload: string | Buffer, contentType: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/customers', headers: { ...auth(), 'content-type': contentType, ...headers }, payload });

describe('error responses', () => {
  it('unknown route: 404 NOT_FOUND in the envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/no-such-thing?x=1', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ errors: [{ code: 'NOT_FOUND', description: 'No route GET /v1/no-such-thing.' }] });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('unknown route without a token is 404 too', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0].code).toBe('NOT_FOUND');
  });

  it('text/plain body on a POST: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post('hello', 'text/plain');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      errors: [{ code: 'UNSUPPORTED_MEDIA_TYPE', description: 'This Content-Type is not supported here; send application/json.' }],
    });
  });

  it('a body over 1 MB: 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...individualBody(), last_name: 'x'.repeat(1024 * 1024) });
    const res = await post(big, 'application/json');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ errors: [{ code: 'PAYLOAD_TOO_LARGE', description: 'The request body is larger than the 1 MB limit.' }] });
  });

  it('malformed JSON: 400 INVALID_JSON', async () => {
    for (const bad of ['{"id": "a",', '{id: 1}', "{'a':1}", '[1,2', 'nul']) {
      const res = await post(bad, 'application/json');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ errors: [{ code: 'INVALID_JSON', description: 'The request body is not valid JSON.' }] });
    }
  });

  it('a __proto__ key: 400 INVALID_JSON, and no prototype is polluted', async () => {
    const res = await post('{"__proto__":{"x":1}}', 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errors: [{ code: 'INVALID_JSON', description: 'The request body contains a forbidden key.' }] });
    const nested = await post(
      JSON.stringify(individualBody()).replace('{"id"', '{"mailing_address2":{"__proto__":{"x":1}},"id"'),
      'application/json',
    );
    expect(nested.statusCode).toBe(400);
    expect(nested.json().errors[0].code).toBe('INVALID_JSON');
    const ctor = await post('{"constructor":{"prototype":{"x":1}}}', 'application/json');
    expect(ctor.statusCode).toBe(400);
    expect(ctor.json().errors[0].code).toBe('INVALID_JSON');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('crafted bodies that are slow to tokenize are refused as INVALID_JSON (token route and API)', async () => {
    const crafted = '\\"'.repeat(400_000); // 800 KB of \" : a string opening at every quote, never closed
    const token = await app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { 'content-type': 'application/json' },
      payload: crafted,
    });
    expect(token.statusCode).toBe(400);
    // The token route answers in RFC 6749's shape (CONTRACT §1), bad bodies included.
    expect(token.json()).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid JSON.' });
    const api = await post(crafted, 'application/json');
    expect(api.statusCode).toBe(400);
    expect(api.json().errors[0].code).toBe('INVALID_JSON');
    const longString = await post(JSON.stringify({ ...individualBody(), last_name: '\\"'.repeat(200_000) }), 'application/json');
    expect(longString.statusCode).toBe(400);
    expect(longString.json().errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'last_name' });
  });

  it('amounts with absurd exponents: 400 AMOUNT_PRECISION, neither a 500 nor a hang', async () => {
    for (const amount of ['1e999999999', '1e-99999999', '"1E+99999999"']) {
      const sim = await app.inject({
        method: 'POST',
        url: '/v1/simulations/deposits',
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: `{"rail":"ACH","asset_type_id":"FIAT_TESTNET_USD","amount":${amount}}`,
      });
      expect(sim.statusCode).toBe(400);
      expect(sim.json().errors).toEqual([{ code: 'AMOUNT_PRECISION', description: 'The amount is out of range.', field: 'amount' }]);
    }
  });

  it('application/json with a charset and vendor +json types are accepted', async () => {
    const a = await post(JSON.stringify(individualBody()), 'application/json; charset=utf-8');
    expect(a.statusCode).toBe(200);
    const b = await post(JSON.stringify(individualBody()), 'application/vnd.api+json');
    expect(b.statusCode).toBe(200);
  });

  it('no error response carries stack frames', async () => {
    const responses = [
      await post('{"id": "a",', 'application/json'),
      await post('x', 'text/plain'),
      await post('{"__proto__":{}}', 'application/json'),
      await post(JSON.stringify({ customer_type: 'ALIEN' }), 'application/json'),
      await app.inject({ method: 'GET', url: '/v1/customers/%E0%A4%A', headers: auth() }),
      await app.inject({ method: 'GET', url: '/v1/customers?page=-1', headers: auth() }),
      await app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: 'Bearer a.b.c' } }),
      await app.inject({ method: 'POST', url: '/oauth2/token?grant_type=client_credentials', headers: { authorization: 'Basic !!!' } }),
      await app.inject({ method: 'GET', url: '/v1/nowhere' }),
    ];
    for (const res of responses) {
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toMatch(STACK_FRAME);
      expect(res.body).not.toContain('at ');
    }
  });
});

describe('x-l2f-request-id', () => {
  it('echoed when sent, on success', async () => {
    const res = await t.api.get('/v1/customers', { [RID]: 'my-trace-0001' });
    expect(res.status).toBe(200);
    expect(res.headers[RID]).toBe('my-trace-0001');
  });

  it('echoed on errors, and used in a 500 description', async () => {
    const res = await post('{', 'application/json', { [RID]: 'trace-err-42' });
    expect(res.statusCode).toBe(400);
    expect(res.headers[RID]).toBe('trace-err-42');
    const unauth = await app.inject({ method: 'GET', url: '/v1/customers', headers: { [RID]: 'trace-401' } });
    expect(unauth.statusCode).toBe(401);
    expect(unauth.headers[RID]).toBe('trace-401');
  });

  it('echoed on a 404 for an unknown route', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/whatever', headers: { [RID]: 'trace-404' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers[RID]).toBe('trace-404');
  });

  it('generated (req_ prefix) when absent', async () => {
    const ok = await t.api.get('/v1/customers');
    expect(ok.headers[RID]).toMatch(GENERATED);
    const notFound = await app.inject({ method: 'GET', url: '/v2/whatever' });
    expect(notFound.headers[RID]).toMatch(GENERATED);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.headers[RID]).toMatch(GENERATED);
    expect(health.headers[RID]).not.toBe(ok.headers[RID]);
  });

  it('generated when the one sent is invalid (too long, spaces, empty)', async () => {
    for (const bad of ['r'.repeat(300), 'has space', '']) {
      const res = await t.api.get('/v1/customers', { [RID]: bad });
      expect(res.status).toBe(200);
      expect(res.headers[RID]).toMatch(GENERATED);
    }
    const err = await app.inject({ method: 'GET', url: '/v1/customers', headers: { [RID]: 'r'.repeat(300) } });
    expect(err.statusCode).toBe(401);
    expect(err.headers[RID]).toMatch(GENERATED);
  });

  it('128 printable characters are kept as they are', async () => {
    const id = `${'a'.repeat(120)}-._~:/@!`;
    const res = await t.api.get('/v1/customers', { [RID]: id });
    expect(res.headers[RID]).toBe(id);
  });
});
