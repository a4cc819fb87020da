/**
 * Property-based fuzzing over /openapi.json (issue 10, "Proof"), with fast-check: request bodies
 * generated from each operation's own JSON schema, then spoiled here and there with hostile values
 * (NUL, lone UTF-16 surrogates, invalid UTF-8 bytes, huge and non-finite numbers, deep nesting,
 * wrong types, unicode of every plane, duplicate keys), hostile path ids and query values. The
 * property: never a 5xx, and every refusal is in the catalogue's shape. Bounded (a run count and
 * a time limit) so it stays well under a minute; the ledger balances afterwards.
 * A failure prints fast-check's seed and the shrunk request: rerun with that seed to replay it.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/shared/errors.js';
import { getApp, newTenant, OPERATOR, type Tenant, tokenFor } from '../helpers.js';
import { verifyLedger } from '../ledger/_fixtures.js';

interface Operation {
  method: string;
  path: string;
  query: string[];
  schema: any;
}

let app: FastifyInstance;
let doc: any;
let t: Tenant;
let operatorToken: string;
let operations: Operation[];

beforeAll(async () => {
  app = await getApp();
  doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  t = await newTenant(app);
  operatorToken = await tokenFor(app, OPERATOR.id, OPERATOR.secret);
  operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops)
      // The event stream never ends (server-sent events): not a request/response route.
      .filter(() => !path.endsWith('/stream'))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        query: ((op.parameters ?? []) as any[]).filter((p) => p.in === 'query').map((p) => p.name as string),
        schema: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
}, 120_000);

// ---- hostile values ------------------------------------------------------------------------

/** Raw JSON fragments JSON.stringify cannot write: spliced into the text in place of a marker. */
const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890.123456789',
  '0.0000000000000000000001',
  '-0',
  '1E+2',
  '9007199254740993',
];
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const RAW_FRAGMENTS = [...RAW_NUMBERS, deep(64), deep(5000), `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`];
const rawMarker = (i: number) => `\u0001raw${i}\u0001`;

const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '\uFEFF',
    '\u202Eevil',
    '𝕏'.repeat(300),
    'x'.repeat(5000),
    "' OR 1=1 --",
    '"; DROP TABLE customers; --',
    '../../etc/passwd',
    '$' + '{jndi:ldap://x}',
    '<script>alert(1)</script>',
    'llv1:dek_x:AAAA',
    '*****6789',
    '',
    ' ',
    '0',
    '-1',
    'null',
    'true',
    '1e400',
    '2026-02-30',
    'FIAT_TESTNET_USD',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const wrongType = fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, [], {}, [null], { '': '' }, '');
const rawValue = fc.integer({ min: 0, max: RAW_FRAGMENTS.length - 1 }).map((i) => rawMarker(i));

/** A value for `schema`: often a fitting one (from its enum, examples, type), sometimes hostile. */
function valueFor(schema: any, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.oneof(hostileString, wrongType);
  if (schema.$ref) return valueFor(doc.components.schemas[String(schema.$ref).split('/').pop() as string], depth + 1);
  const branches = schema.oneOf ?? schema.anyOf;
  const hostile = fc.oneof(hostileString, wrongType, rawValue);
  let fitting: fc.Arbitrary<unknown>;
  if (branches?.length) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    fitting = fc.oneof(...branches.map((b: any) => valueFor({ ...rest, ...b }, depth + 1)));
  } else if (schema.const !== undefined) fitting = fc.constant(schema.const);
  else if (schema.enum) fitting = fc.constantFrom(...schema.enum);
  else {
    const type = Array.isArray(schema.type) ? schema.type.find((x: string) => x !== 'null') : schema.type;
    if (type === 'object' || schema.properties) {
      const props = Object.entries<any>(schema.properties ?? {});
      fitting = fc
        .tuple(
          ...props.map(([k, v]) => fc.option(valueFor(v, depth + 1), { nil: undefined, freq: 3 }).map((x) => [k, x] as const)),
          fc.option(fc.tuple(hostileString, hostile), { nil: undefined, freq: 4 }),
        )
        .map((entries) => {
          const out: Record<string, unknown> = {};
          for (const e of entries.slice(0, -1) as [string, unknown][]) if (e[1] !== undefined) out[e[0]] = e[1];
          const extra = entries[entries.length - 1] as [string, unknown] | undefined;
          if (extra) out[extra[0]] = extra[1];
          return out;
        });
    } else if (type === 'array') fitting = fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 });
    else if (type === 'integer') fitting = fc.oneof(fc.integer(), fc.constantFrom(0, 1, 100, -1, 2 ** 53));
    else if (type === 'number') fitting = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 0.01, 1e21));
    else if (type === 'boolean') fitting = fc.boolean();
    else if (type === 'string') {
      const examples = [...(schema.examples ?? []), ...(schema.example !== undefined ? [schema.example] : [])].filter(
        (e) => typeof e === 'string',
      );
      fitting = examples.length ? fc.oneof(fc.constantFrom(...examples), hostileString) : hostileString;
    } else fitting = fc.oneof(hostileString, wrongType);
  }
  return fc.oneof({ weight: 4, arbitrary: fitting }, { weight: 1, arbitrary: hostile });
}

/** The JSON text of a body, raw fragments spliced in, sometimes a key repeated. */
function bodyText(value: unknown, duplicate: boolean): string {
  let text = JSON.stringify(value) ?? 'null';
  RAW_FRAGMENTS.forEach((fragment, i) => {
    text = text.split(JSON.stringify(rawMarker(i))).join(fragment);
  });
  if (duplicate && text.startsWith('{"')) {
    const firstKey = /^\{("(?:[^"\\]|\\.)*"):/.exec(text)?.[1];
    if (firstKey) text = `{${firstKey}:1,${text.slice(1)}`;
  }
  return text;
}

/** A path segment: an ordinary id, or a hostile one (already percent-encoded as sent on the wire). */
const pathSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
  fc.constantFrom('%00', 'a%00b', '%C3%28', '%ED%A0%80', '%FF%FE', '%F0%9D%95%8F', 'x'.repeat(3000), '..%2F..', '%2e%2e', '%20', '%22%27'),
  hostileString.map((s) => {
    try {
      return encodeURIComponent(s) || 'x';
    } catch {
      return '%ED%A0%80'; // a lone surrogate has no UTF-8: send its would-be bytes, which are not UTF-8
    }
  }),
);

const queryValue = fc.oneof(
  fc.constantFrom('%00', '%FF', '%C3%28', '-1', '0', '99999999999999999999', 'x'.repeat(3000), 'DESC', 'true', '2026-13-45', ''),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{0,20}$/),
);

/** The binary tail of a body: sometimes bytes that are not UTF-8 are spliced in. */
const byteSpoil = fc.constantFrom<Buffer | undefined>(
  undefined,
  undefined,
  undefined,
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0x00]),
);

function expectCatalogueAnswer(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string): void {
  expect(res.statusCode, `${what} -> ${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  if (what.includes('/oauth2/token')) return; // RFC 6749's own shape, tested in oauth.test.ts
  const body = JSON.parse(res.body);
  expect(Array.isArray(body.errors), `${what} -> ${res.body.slice(0, 500)}`).toBe(true);
  expect(body.errors.length).toBeGreaterThan(0);
  for (const e of body.errors) {
    expect(ERROR_CODES, `${what} -> ${res.body.slice(0, 500)}`).toContain(e.code);
    expect(typeof e.description).toBe('string');
  }
}

describe('fuzzing every route of /openapi.json (fast-check)', () => {
  it('the table covers the API (sanity)', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.filter((o) => o.schema).length).toBeGreaterThan(40);
  });

  it('bodies, path ids and queries from the schemas, spoiled with hostile values: never a 5xx, always the catalogue shape', {
    timeout: 90_000,
  }, async () => {
    const request = fc.record({
      operation: fc.constantFrom(...operations),
      segments: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
      query: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('page', 'limit', 'cursor', 'status', 'customer_id', 'q'), fc.stringMatching(/^[a-z_]{1,12}$/)),
          queryValue,
        ),
        {
          maxLength: 3,
        },
      ),
      ownQuery: fc.boolean(),
      apiPrefix: fc.boolean(),
      duplicate: fc.boolean(),
      bytes: byteSpoil,
      seedBody: fc.constant(undefined),
    });
    let runs = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        request.chain((r) =>
          r.operation.schema ? valueFor(r.operation.schema).map((body) => ({ ...r, seedBody: body })) : fc.constant(r),
        ),
        async (r) => {
          runs++;
          const { operation } = r;
          let i = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () => r.segments[i++ % r.segments.length] as string);
          const names = r.ownQuery && operation.query.length ? operation.query : [];
          const pairs = [...r.query, ...names.slice(0, 2).map((n, k) => [n, r.query[k]?.[1] ?? '%00'] as [string, string])];
          const qs = pairs.map(([k, v]) => `${k}=${v}`).join('&');
          const url = `${r.apiPrefix ? '/api' : ''}${path}${qs ? `?${qs}` : ''}`;
          const admin = operation.path.startsWith('/v1/admin/');
          const headers: Record<string, string> = {
            authorization: `Bearer ${admin ? operatorToken : t.api.token}`,
          };
          let payload: Buffer | undefined;
          if (operation.method !== 'GET' && operation.method !== 'DELETE') {
            const text = bodyText(r.seedBody ?? {}, r.duplicate);
            payload = r.bytes ? Buffer.concat([Buffer.from(text.slice(0, -1)), r.bytes, Buffer.from(text.slice(-1))]) : Buffer.from(text);
            headers['content-type'] = 'application/json';
          }
          const res = await app.inject({ method: operation.method as 'POST', url, headers, ...(payload && { payload }) });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expectCatalogueAnswer(res, `${operation.method} ${url} ${payload ? payload.toString('latin1').slice(0, 300) : ''}`);
        },
      ),
      { numRuns: 3000, interruptAfterTimeLimit: 45_000 },
    );
    // Bounded by time on a busy machine, but never vacuous: most requests get past the parsers.
    console.log(`fuzz: ${runs} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(runs).toBeGreaterThan(150);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(3);
    await verifyLedger(app);
  });

  it('raw hostile bodies on every JSON route: never a 5xx, always the catalogue shape', { timeout: 90_000 }, async () => {
    const routes = operations.filter((o) => o.schema);
    const raw = fc.oneof(
      fc.constantFrom(
        deep(5000),
        `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
        '{"amount":1,"amount":1000}',
        '{"a":1e400}',
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        '{',
        '[]',
        '"x"',
        'null',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
      ),
      fc.json({ depthSize: 'medium' }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), raw, async (operation, body) => {
        runs++;
        const url = operation.path.replace(/\{[^}]+\}/g, 'fuzz-id');
        const admin = operation.path.startsWith('/v1/admin/');
        const res = await app.inject({
          method: operation.method as 'POST',
          url,
          headers: { authorization: `Bearer ${admin ? operatorToken : t.api.token}`, 'content-type': 'application/json' },
          payload: body,
        });
        expectCatalogueAnswer(res, `${operation.method} ${url} ${body.slice(0, 200)}`);
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 25_000 },
    );
    expect(runs).toBeGreaterThan(100);
    // Nothing the fuzz sent leaked into the prototype of plain objects.
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
