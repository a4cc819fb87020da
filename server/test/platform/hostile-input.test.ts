/**
 * Hostile input (issue 10, point 2), refused in one place: every route of /openapi.json is driven
 * with a NUL and with invalid UTF-8 in its path, its query and its body, and must answer a 4xx
 * from the catalogue — never a 5xx (PostgreSQL refuses a NUL in text). Then duplicate keys,
 * foreign charsets, form bodies off the token route, over-long ids and URLs.
 */
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/shared/errors.js';
import { prepareJson } from '../../src/shared/json-amounts.js';
import { basic, getApp, makeApp, newTenant, type Tenant } from '../helpers.js';
import { balances, fundedAccount, USD } from '../ledger/_fixtures.js';

interface Operation {
  method: string;
  path: string;
  op: any;
}

let app: FastifyInstance;
let doc: any;
let t: Tenant;
let operations: Operation[];

beforeAll(async () => {
  app = await getApp();
  doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  t = await newTenant(app);
  operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});

/** The operator acting for the tenant: passes authentication and every scope, on every route. */
const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${t.operator.token}`,
  'x-l2f-client-id': t.clientId,
  ...extra,
});

const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

/** A body the route's schema would nearly accept, every string holding `text`. */
function sample(schema: any, text: string, depth = 0): unknown {
  if (!schema || depth > 6) return text;
  if (schema.$ref) return sample(doc.components.schemas[String(schema.$ref).split('/').pop() as string], text, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const branch = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (branch) return sample({ ...schema, oneOf: undefined, anyOf: undefined, ...branch }, text, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((x: string) => x !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<any>(schema.properties ?? {})) out[k] = sample(v, text, depth + 1);
    return out;
  }
  if (type === 'array') return [sample(schema.items, text, depth + 1)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  return text;
}

function expectCatalogue(res: { statusCode: number; body: string }, what: string): any {
  expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
  const body = JSON.parse(res.body);
  expect(Array.isArray(body.errors), `${what}: ${res.body}`).toBe(true);
  for (const e of body.errors) {
    expect(ERROR_CODES, what).toContain(e.code);
    expect(typeof e.description).toBe('string');
  }
  return body;
}

describe('every route of /openapi.json, with a NUL or invalid UTF-8', () => {
  it('the table covers the API (sanity)', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.some((o) => o.path.includes('{'))).toBe(true);
  });

  it('in a path parameter (%00, %C3%28): 400 VALIDATION_ERROR naming the parameter, on /v1 and /api/v1', async () => {
    const failures: string[] = [];
    for (const { method, path } of operations.filter((o) => o.path.includes('{'))) {
      for (const [bad, problem] of [
        ['x%00y', 'NUL'],
        ['x%C3%28y', 'UTF-8'],
      ] as const) {
        for (const prefix of ['', '/api']) {
          const url = prefix + fill(path, bad);
          const res = await app.inject({ method: method as 'GET', url, headers: headers() });
          const body = expectCatalogue(res, `${method} ${url}`);
          if (res.statusCode !== 400 || body.errors[0].code !== 'VALIDATION_ERROR')
            failures.push(`${problem} ${method} ${url}: ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
    const one = await app.inject({ method: 'GET', url: '/v1/customers/x%00y', headers: headers() });
    expect(one.json()).toEqual({
      errors: [{ code: 'VALIDATION_ERROR', description: 'id must not contain a NUL character (\\u0000 or %00).', field: 'id' }],
    });
  });

  it('in the query string: 400 VALIDATION_ERROR naming the parameter', async () => {
    const failures: string[] = [];
    // The token route answers RFC 6749's shape instead (next tests).
    for (const { method, path, op } of operations.filter((o) => !o.path.includes('oauth2'))) {
      const names = ((op.parameters ?? []) as any[]).filter((p) => p.in === 'query').map((p) => p.name as string);
      for (const name of names.length ? names : ['q']) {
        for (const bad of ['%00', 'a%FFb']) {
          const url = `${fill(path, 'nope')}?${encodeURIComponent(name)}=${bad}`;
          const res = await app.inject({ method: method as 'GET', url, headers: headers() });
          const body = expectCatalogue(res, `${method} ${url}`);
          if (res.statusCode !== 400 || body.errors[0].field !== name) failures.push(`${method} ${url}: ${res.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('in a JSON body (\\u0000 in a string, or bytes that are not UTF-8): 400, never stored', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations.filter((o) => o.op.requestBody?.content?.['application/json'])) {
      const schema = op.requestBody.content['application/json'].schema;
      let withNul = sample(schema, 'a\u0000b') as Record<string, unknown>;
      if (typeof withNul !== 'object' || withNul === null || !JSON.stringify(withNul).includes('\\u0000')) {
        withNul = { note: 'a\u0000b' };
      }
      const url = fill(path, 'nope');
      const nulRes = await app.inject({
        method: method as 'POST',
        url,
        headers: headers({ 'content-type': 'application/json' }),
        payload: JSON.stringify(withNul),
      });
      const nulBody = expectCatalogue(nulRes, `${method} ${url} NUL`);
      if (nulRes.statusCode !== 400 || nulBody.errors[0].code !== 'VALIDATION_ERROR' || !/NUL/.test(nulBody.errors[0].description)) {
        failures.push(`NUL ${method} ${url}: ${nulRes.body}`);
      }
      const latin1 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
      const utfRes = await app.inject({
        method: method as 'POST',
        url,
        headers: headers({ 'content-type': 'application/json' }),
        payload: latin1,
      });
      const utfBody = expectCatalogue(utfRes, `${method} ${url} UTF-8`);
      if (utfRes.statusCode !== 400 || !/UTF-8/.test(utfBody.errors[0].description))
        failures.push(`UTF-8 ${method} ${url}: ${utfRes.body}`);
    }
    expect(failures).toEqual([]);
  });

  it('in a multipart upload (a NUL in the part name and the filename): a catalogue 4xx', async () => {
    const multipart = operations.filter((o) => o.op.requestBody?.content?.['multipart/form-data']);
    expect(multipart.length).toBeGreaterThan(0);
    for (const { method, path } of multipart) {
      const boundary = 'nulboundary';
      const payload = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="fi\u0000le"; filename="a\u0000b.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\u0000\r\n--${boundary}--\r\n`,
      );
      const url = fill(path, 'nope');
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers: headers({ 'content-type': `multipart/form-data; boundary=${boundary}` }),
        payload,
      });
      expectCatalogue(res, `${method} ${url}`);
    }
  });

  it('the NUL entry names the field where it sits, nested or in a list', async () => {
    const res = await t.api.post('/v1/customers', {
      id: 'nul-field',
      customer_type: 'INDIVIDUAL',
      first_name: 'Ada',
      last_name: 'Lovelace',
      mailing_address: { address_line1: '1 Main St\u0000', city: 'NY', postal_code: '10001', country_code: 'US' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        code: 'VALIDATION_ERROR',
        description: 'mailing_address.address_line1 must not contain a NUL character (\\u0000).',
        field: 'mailing_address.address_line1',
      },
    ]);
    expect((await t.api.get('/v1/customers/nul-field')).status).toBe(404);
  });

  it('the token route answers RFC 6749 invalid_request for a NUL, in its query or its form', async () => {
    const q = await app.inject({ method: 'POST', url: '/oauth2/token?grant_type=client_credentials%00' });
    expect([q.statusCode, q.json().error]).toEqual([400, 'invalid_request']);
    const form = await app.inject({
      method: 'POST',
      url: '/api/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${t.clientId}%00&client_secret=x`,
    });
    expect([form.statusCode, form.json().error]).toEqual([400, 'invalid_request']);
    expect(form.json().error_description).toMatch(/NUL/);
    const bad = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=%FF%FE&client_secret=x',
    });
    expect([bad.statusCode, bad.json().error]).toEqual([400, 'invalid_request']);
  });

  it('an unknown route with a NUL is still a catalogue 4xx', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing%00here', headers: headers() });
    expectCatalogue(res, 'unknown route');
  });
});

describe('duplicate keys', () => {
  it('"amount":1,…,"amount":1000 is refused (400 INVALID_JSON, field amount) and moves nothing', async () => {
    const acc = await fundedAccount(t, USD);
    const raw = `{"account_id":"${acc.id}","amount":1,"transaction_type":"CREDIT_CORRECTION","reason":"dup","amount":1000}`;
    const res = await t.operator.request('POST', '/v1/admin/adjustments', raw, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        code: 'INVALID_JSON',
        description: 'The request body repeats the key "amount" in one object: each key may appear once.',
        field: 'amount',
      },
    ]);
    expect(await balances(t.api, acc.id)).toEqual({ current: '0', available: '0' });
    // The same body without the repeat moves what it says.
    const once = `{"account_id":"${acc.id}","amount":1,"transaction_type":"CREDIT_CORRECTION","reason":"once"}`;
    expect((await t.operator.request('POST', '/v1/admin/adjustments', once, { 'content-type': 'application/json' })).status).toBe(200);
    expect(await balances(t.api, acc.id)).toEqual({ current: '1', available: '1' });
  });

  it('nested duplicates name their path; the same key in sibling objects is fine', async () => {
    expect(() => prepareJson('{"a":{"b":1,"b":2}}')).toThrow(/repeats the key "b"/);
    try {
      prepareJson('{"updates":[{"field":"x","value":1},{"field":"y","value":2,"value":3}]}');
      expect.unreachable();
    } catch (err) {
      expect((err as { entries: unknown[] }).entries).toEqual([
        {
          code: 'INVALID_JSON',
          description: 'The request body repeats the key "value" in one object: each key may appear once.',
          field: 'updates.1.value',
        },
      ]);
    }
    // Escaped and plain spellings of one key are the same key.
    expect(() => prepareJson('{"amount":1,"\\u0061mount":2}')).toThrow(/repeats the key "amount"/);
    expect(prepareJson('{"updates":[{"field":"x","value":1},{"field":"y","value":2}]}')).toBe(
      '{"updates":[{"field":"x","value":"1"},{"field":"y","value":"2"}]}',
    );
    expect(prepareJson('{"a":[1,{"amount":2.50}],"amount":-3e2}')).toBe('{"a":[1,{"amount":"2.50"}],"amount":"-3e2"}');
  });
});

describe('Content-Type', () => {
  it('a charset other than UTF-8 is 415 UNSUPPORTED_MEDIA_TYPE; charset=UTF-8 is accepted', async () => {
    for (const charset of ['utf-16', 'latin1', 'ISO-8859-1', '"windows-1252"']) {
      const res = await t.api.request('POST', '/v1/customers', '{}', { 'content-type': `application/json; charset=${charset}` });
      expect(res.status, charset).toBe(415);
      expect(res.body.errors[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.errors[0].description).toMatch(/UTF-8/);
    }
    const ok = await t.api.request(
      'POST',
      '/v1/customers',
      JSON.stringify({ id: 'utf8-ok', customer_type: 'INDIVIDUAL', first_name: 'Zoë', last_name: 'Ångström' }),
      {
        'content-type': 'application/json; charset=UTF-8',
      },
    );
    expect(ok.status, ok.raw).toBe(200);
    expect(ok.body.data.first_name).toBe('Zoë');
  });

  it('a form body (curl -d) off the token route is 415, saying to send application/json', async () => {
    const res = await t.api.request('POST', '/v1/customers', '{"id":"x","customer_type":"INDIVIDUAL"}', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.body.errors).toEqual([
      { code: 'UNSUPPORTED_MEDIA_TYPE', description: 'This Content-Type is not supported here; send application/json.' },
    ]);
  });

  it('the token route still takes its form, and refuses a foreign charset the RFC 6749 way', async () => {
    const form = `grant_type=client_credentials&client_id=${t.clientId}&client_secret=${encodeURIComponent(t.secret)}`;
    const good = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form,
    });
    expect(good.statusCode).toBe(200);
    const foreign = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' },
      payload: form,
    });
    expect([foreign.statusCode, foreign.json().error]).toEqual([415, 'invalid_request']);
    const basicOk = await app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { authorization: basic(t.clientId, t.secret) },
    });
    expect(basicOk.statusCode).toBe(200);
  });
});

describe('over-long ids and URLs', () => {
  it('a 5,000-character id: 414 URI_TOO_LONG in the catalogue shape', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/customers/${'a'.repeat(5000)}`, headers: headers() });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({
      errors: [
        { code: 'URI_TOO_LONG', description: 'A path segment of the URL is longer than 256 characters: no identifier is that long.' },
      ],
    });
    expect(res.headers['x-l2f-request-id']).toMatch(/^req_/);
  });

  it('a malformed percent escape in the path: 400 VALIDATION_ERROR in the catalogue shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/customers/abc%ZZ%ff', headers: headers() });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe('VALIDATION_ERROR');
  });

  it('a 128-character id (the longest allowed) still reaches its route', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/customers/${'b'.repeat(128)}`, headers: headers() });
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0].code).toBe('NOT_FOUND');
  });
});

describe('over-long request line (a real socket: Node refuses it before Fastify)', () => {
  let listening: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    listening = await makeApp();
    await listening.listen({ port: 0, host: '127.0.0.1' });
    port = (listening.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await listening.close();
  });

  function raw(request: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(request));
      let out = '';
      socket.on('data', (d) => {
        out += d.toString('latin1');
      });
      socket.on('error', (err) => (out ? resolve(out) : reject(err)));
      socket.on('close', () => resolve(out));
    });
  }

  it('a 20 KB URL: 431 HEADERS_TOO_LARGE in the catalogue shape', async () => {
    const res = await raw(`GET /v1/customers?cursor=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1.1 431 /);
    const body = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({
      errors: [
        { code: 'HEADERS_TOO_LARGE', description: 'The request line and headers are larger than 16 KB: the URL or a header is too long.' },
      ],
    });
  });

  it('raw bytes that are not UTF-8 in the request line: a catalogue 400', async () => {
    const res = await raw(
      Buffer.concat([Buffer.from('GET /v1/customers?status=A'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
    );
    expect(res).toMatch(/^HTTP\/1.1 400 /);
    const body = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4));
    expect(body.errors[0].code).toBe('VALIDATION_ERROR');
  });
});
