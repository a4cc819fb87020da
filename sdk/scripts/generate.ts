/**
 * `npm run sdk:generate`: the SDK's types from the server's own OpenAPI document. Builds the app
 * in this process on an in-memory embedded database (no running server, nothing on disk), asks it
 * for /openapi.json, and turns that into TypeScript with openapi-typescript.
 * `--check` (npm run sdk:check, run by CI) fails when the committed file differs from what the
 * current server produces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config/index.js';

/** The generated files' folder; SDK_GENERATED_DIR points elsewhere (the drift check's own test uses a copy). */
const GENERATED = process.env.SDK_GENERATED_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated');
const TARGET = join(GENERATED, 'openapi.ts');
const KEYS_TARGET = join(GENERATED, 'amount-keys.ts');
const EVENT_TYPES_TARGET = join(GENERATED, 'event-types.ts');
const HEADER = [
  '/**',
  ' * Generated from the server\u2019s /openapi.json by `npm run sdk:generate`: do not edit.',
  ' * `npm run sdk:check` (CI) fails when this file drifts from the server.',
  ' */',
  '',
  '/**',
  ' * An exact decimal amount in the asset\u2019s unit, as the server wrote it (`"0.123456789012345678"`,',
  ' * `"12345678901234567.89"`). The API sends amounts as JSON numbers; the SDK reads them as their',
  ' * exact text (a JS number would round 18 decimals). Every `number` of a response is an amount.',
  ' */',
  'export type Amount = string;',
  '',
].join('\n');

async function openapiDocument(): Promise<Record<string, unknown>> {
  // A fixed configuration: sandbox mode (simulation routes are part of the API), no seed data.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    LEDGERLINE_MODE: 'sandbox',
    OPERATOR_CLIENT_ID: 'sdk-generate-operator',
    OPERATOR_CLIENT_SECRET: 'sdk-generate-operator-secret',
    SEED_DEMO: 'false',
    SCHEDULER_INTERVAL_MS: '0',
    WEBHOOK_WORKER: 'false',
    // The embedded store it opens (default: ./data); a second run at once needs its own.
    ...(process.env.DATA_DIR && { DATA_DIR: process.env.DATA_DIR }),
  });
  const app = await buildApp(config);
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json();
  } finally {
    await app.close();
  }
}

const AMOUNT = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Amount'));
const inResponse = (path: string | undefined) => !!path && path.includes('/responses/');
const types = (schema: Record<string, unknown>): unknown[] => (Array.isArray(schema.type) ? schema.type : [schema.type]);

/**
 * The server's responses use `integer` for counts and `number` only for amounts (exact decimals,
 * server/src/platform/money-schemas.ts). Collects the property names that hold a `number` in
 * some response: the SDK's parser reads those as strings. A name that is also an `integer`
 * somewhere in a response would be ambiguous: the generator refuses it rather than guess.
 */
export function amountKeys(doc: Record<string, any>, part: 'responses' | 'requestBody' = 'responses'): string[] {
  const amounts = new Set<string>();
  const integers = new Map<string, string>();
  const visit = (node: unknown, key: string | undefined, where: string) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, key, where);
      return;
    }
    const schema = node as Record<string, any>;
    if (key !== undefined) {
      const t = types(schema);
      const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap((s: Record<string, unknown>) => types(s));
      if (t.includes('number') || nested.includes('number')) amounts.add(key);
      if (t.includes('integer') || nested.includes('integer')) integers.set(key, where);
    }
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties') for (const [name, s] of Object.entries(v as object)) visit(s, name, `${where}.${name}`);
      else if (k === 'items' || k === 'anyOf' || k === 'oneOf' || k === 'allOf') visit(v, k === 'items' ? key : undefined, where);
      else if (k !== 'example' && k !== 'examples' && typeof v === 'object') visit(v, undefined, `${where}/${k}`);
    }
  };
  for (const [path, ops] of Object.entries(doc.paths ?? {}))
    for (const [method, op] of Object.entries(ops as Record<string, any>)) if (op?.[part]) visit(op[part], undefined, `${method} ${path}`);
  const clash = [...amounts].filter((k) => integers.has(k));
  if (clash.length && part === 'responses')
    throw new Error(
      `Response fields that are amounts in one place and integers in another: ${clash.map((k) => `${k} (${integers.get(k)})`).join(', ')}`,
    );
  return [...amounts].sort();
}

/**
 * A discriminator without a `mapping` makes openapi-typescript type the property as the schema's
 * *name* (`customer_type: "CorporationCustomer"`), while the server sends its value
 * (`"CORPORATION"`). Adds the mapping from each referenced schema's single allowed value.
 */
export function mapDiscriminators(doc: Record<string, any>): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, any>;
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as Record<string, any>;
    const prop = n.discriminator?.propertyName;
    if (
      typeof prop === 'string' &&
      !n.discriminator.mapping &&
      Array.isArray(n.oneOf) &&
      n.oneOf.every((o: any) => typeof o?.$ref === 'string')
    ) {
      const mapping: Record<string, string> = {};
      for (const { $ref } of n.oneOf as { $ref: string }[]) {
        const p = schemas[$ref.replace('#/components/schemas/', '')]?.properties?.[prop];
        const value = p?.const ?? (Array.isArray(p?.enum) && p.enum.length === 1 ? p.enum[0] : undefined);
        if (typeof value === 'string') mapping[value] = $ref;
      }
      if (Object.keys(mapping).length === n.oneOf.length) n.discriminator = { ...n.discriminator, mapping };
    }
    for (const v of Object.values(n)) visit(v);
  };
  visit(doc);
}

/** The event types a subscription may name: the enum of POST /v1/subscriptions' event_type. */
export function eventTypes(doc: Record<string, any>): string[] {
  const resolve = (schema: Record<string, any> | undefined): Record<string, any> | undefined =>
    schema?.$ref ? doc.components?.schemas?.[String(schema.$ref).replace('#/components/schemas/', '')] : schema;
  const body = resolve(doc.paths?.['/v1/subscriptions']?.post?.requestBody?.content?.['application/json']?.schema);
  const values = resolve(body?.properties?.event_type)?.enum;
  if (!Array.isArray(values) || !values.length || !values.every((v) => typeof v === 'string')) {
    throw new Error('POST /v1/subscriptions declares no enum of event types for event_type');
  }
  return values;
}

export async function generate(): Promise<{ types: string; keys: string; eventTypes: string }> {
  const doc = await openapiDocument();
  mapDiscriminators(doc);
  const ast = await openapiTS(doc as never, {
    alphabetize: false,
    // A response's `number` is an amount, read as its exact text: typed `Amount` (a string).
    transform: (schema, options) => (schema.type === 'number' && inResponse(options.path) ? AMOUNT : undefined),
  });
  const keys = [
    HEADER.split('\n/**\n * An exact')[0],
    '/** Response fields that hold an amount (a JSON `number` in the server\u2019s document): read as exact text. */',
    `export const AMOUNT_KEYS: ReadonlySet<string> = new Set(${JSON.stringify(amountKeys(doc))});`,
    '/** Request fields that take an amount: a JS number there must be exact (the SDK refuses one that is not). */',
    `export const AMOUNT_INPUT_KEYS: ReadonlySet<string> = new Set(${JSON.stringify(amountKeys(doc, 'requestBody'))});`,
    '',
  ].join('\n');
  const events = [
    HEADER.split('\n/**\n * An exact')[0],
    '/** Every event type a subscription may name, in the server\u2019s order (its /openapi.json). */',
    `export const EVENT_TYPES = ${JSON.stringify(eventTypes(doc))} as const;`,
    'export type EventType = (typeof EVENT_TYPES)[number];',
    '',
  ].join('\n');
  return { types: HEADER + astToString(ast), keys, eventTypes: events };
}

const check = process.argv.includes('--check');
const fresh = await generate();
const files: [string, string][] = [
  [TARGET, fresh.types],
  [KEYS_TARGET, fresh.keys],
  [EVENT_TYPES_TARGET, fresh.eventTypes],
];
if (check) {
  for (const [file, text] of files) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      /* missing: drift */
    }
    if (committed !== text) {
      console.error(`${file} differs from the server's /openapi.json: run \`npm run sdk:generate\` and commit the result.`);
      process.exit(1);
    }
  }
  console.log('SDK types match the server.');
} else {
  for (const [file, text] of files) {
    writeFileSync(file, text);
    console.log(`Wrote ${file}`);
  }
}
