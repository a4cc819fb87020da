/**
 * Layer2's published OpenAPI documents (../shared/layer2/), loaded for the conformance test:
 * their operations, a validator for any of their schemas, and request bodies built from them.
 *
 * The validator is Ajv (strict: false, formats on) over each document with two kinds of change,
 * both written out below so that a reader can judge them:
 *  1. OpenAPI's `discriminator`, which JSON Schema validators ignore, is applied as OpenAPI defines
 *     it: a schema with a discriminator validates an object against the schema its mapping names
 *     for the object's value, and a schema named in a mapping is the one for those values only.
 *     (Without this a `oneOf` of look-alike variants — GET withdrawal's ACH and FEDWIRE — can never
 *     be satisfied by anything.) A mapped value whose variant's own enum refuses it stays refused.
 *  2. The two slips of LAYER2_API.md §5.6 that a fair validator must correct, and only those:
 *     DocumentError.document_id's enum, and Payment(Base).status's enum (see `correctSlips`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
type Json = Record<string, any>;

export type Version = '1.0.5' | '1.1.2';
export const VERSIONS: Version[] = ['1.0.5', '1.1.2'];

/**
 * `../shared/layer2` beside the repository (CI lays shared/ next to the clone); a worktree nested
 * deeper finds it in the nearest ancestor that has one; LAYER2_DIR overrides.
 */
export const LAYER2_DIR = ((): string => {
  if (process.env.LAYER2_DIR) return process.env.LAYER2_DIR;
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  let dir = dirname(repo);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'shared', 'layer2');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(repo), 'shared', 'layer2');
})();
const FILES: Record<Version, string> = { '1.0.5': 'openapi-1.0.5.yaml', '1.1.2': 'rail-openapi-1.1.2.json' };

export function specsAvailable(): string | undefined {
  for (const v of VERSIONS) {
    const file = join(LAYER2_DIR, FILES[v]);
    if (!existsSync(file)) return `Layer2's documents are not at ${file}`;
  }
  return undefined;
}

export interface Operation {
  /** `POST /v1/withdrawals/{}/cancel`: method and path with every template as `{}`. */
  key: string;
  method: string;
  path: string;
  operationId: string;
  requestSchema?: Json;
  requestContentType?: string;
  responses: Record<string, { contentType?: string; schema?: Json }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
export const opKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

export class Spec {
  readonly doc: Json;
  readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly id: string;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly version: Version) {
    const text = readFileSync(join(LAYER2_DIR, FILES[version]), 'utf8');
    const raw = version === '1.0.5' ? YAML.parse(text, { merge: true, maxAliasCount: -1 }) : JSON.parse(text);
    this.doc = applyDiscriminators(correctSlips(raw));
    this.id = `layer2-${version}`;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ ...this.doc, $id: this.id });
    this.operations = [];
    for (const [path, item] of Object.entries(this.doc.paths as Json)) {
      for (const method of METHODS) {
        const op = (item as Json)[method];
        if (!op) continue;
        const content = op.requestBody?.content as Json | undefined;
        const ct = content ? Object.keys(content)[0] : undefined;
        const responses: Operation['responses'] = {};
        for (const [status, r] of Object.entries((op.responses ?? {}) as Json)) {
          const rc = (r as Json).content as Json | undefined;
          const rct = rc ? Object.keys(rc)[0] : undefined;
          responses[status] = { ...(rct && { contentType: rct }), ...(rct && rc?.[rct]?.schema && { schema: rc[rct].schema }) };
        }
        this.operations.push({
          key: opKey(method, path),
          method: method.toUpperCase(),
          path,
          operationId: op.operationId,
          ...(ct && { requestContentType: ct, requestSchema: content?.[ct]?.schema }),
          responses,
        });
      }
    }
  }

  op(key: string): Operation | undefined {
    return this.operations.find((o) => o.key === key);
  }

  /** A validator for a schema of this document (a `$ref` or an inline schema from `paths`). */
  validator(schema: Json): ValidateFunction {
    const k = JSON.stringify(schema);
    let fn = this.cache.get(k);
    if (!fn) {
      fn = this.ajv.compile(rebase(schema, this.id));
      this.cache.set(k, fn);
    }
    return fn;
  }

  /** Errors of `value` against `schema`, as short readable lines (empty when valid). */
  errors(schema: Json, value: unknown): string[] {
    const fn = this.validator(schema);
    if (fn(value)) return [];
    return (fn.errors ?? [])
      .filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf')
      .map(
        (e) =>
          `${e.instancePath || '/'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join('|')})` : ''}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`,
      )
      .filter((line, i, all) => all.indexOf(line) === i)
      .slice(0, 6);
  }

  /** Every property name this document declares anywhere (components and inline schemas). */
  propertyNames(): Set<string> {
    const out = new Set<string>();
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(walk);
      const props = (node as Json).properties;
      if (props && typeof props === 'object' && !Array.isArray(props)) for (const k of Object.keys(props)) out.add(k);
      for (const v of Object.values(node as Json)) walk(v);
    };
    walk(this.doc);
    return out;
  }

  /**
   * additionalProperties:false, as far as another document goes: the keys of `value` that `schema`
   * does not declare at their place (through $ref, allOf, oneOf/anyOf and discriminator branches)
   * and that are in `names` (the other document's property names), as `path: key`. Keys neither
   * document has (Ledgerline's documented additions) are not this check's business.
   */
  undeclared(schema: Json, value: unknown, names: Set<string>, path = ''): string[] {
    if (Array.isArray(value)) {
      const items = this.collect(schema, (s) => (s.items ? [s.items] : []));
      return value.flatMap((v, i) => items.flatMap((it) => this.undeclared(it, v, names, `${path}/${i}`)));
    }
    if (!value || typeof value !== 'object') return [];
    const out: string[] = [];
    for (const [k, v] of Object.entries(value as Json)) {
      const subs = this.collect(schema, (s) => (s.properties?.[k] ? [s.properties[k]] : []));
      if (!subs.length) {
        if (names.has(k)) out.push(`${path || '/'}: ${k}`);
        continue;
      }
      out.push(...[...new Set(subs.flatMap((sub) => this.undeclared(sub, v, names, `${path}/${k}`)))]);
    }
    return [...new Set(out)];
  }

  /** `pick` over every schema `schema` may stand for ($ref, allOf, oneOf, anyOf, if/then). */
  private collect(schema: Json, pick: (s: Json) => Json[], depth = 0, seen = new Set<Json>()): Json[] {
    if (!schema || typeof schema !== 'object' || depth > 20 || seen.has(schema)) return [];
    seen.add(schema);
    const s = schema.$ref ? this.pointer(schema.$ref) : schema;
    if (s !== schema) return this.collect(s, pick, depth + 1, seen);
    const out = [...pick(s)];
    for (const k of ['allOf', 'oneOf', 'anyOf'] as const)
      for (const part of (s[k] ?? []) as Json[]) out.push(...this.collect(part, pick, depth + 1, seen));
    if (s.then) out.push(...this.collect(s.then, pick, depth + 1, seen));
    return out;
  }

  resolve(schema: Json): Json {
    let s = schema;
    while (s?.$ref) s = this.pointer(s.$ref);
    return s;
  }

  pointer(ref: string): Json {
    const parts = ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    return parts.reduce<Json>((node, p) => node?.[p], this.doc);
  }

  /**
   * A request body built from the document's own schema: every property (optional and read-only
   * ones too: clients send back what they received), enums at their first value, strings by what
   * the field holds. `overrides` (deep-merged; `undefined` removes a field) set what the scenario
   * needs: real ids, a discriminator value, a sensible enum value.
   */
  sample(schema: Json, overrides: Json = {}): Json {
    return merge(this.build(schema, '', overrides, 0), overrides) as Json;
  }

  private build(schema: Json, name: string, overrides: unknown, depth: number): unknown {
    if (depth > 12) return undefined;
    if (schema.$ref) return this.build(this.pointer(schema.$ref), name, overrides, depth + 1);
    const o = (overrides && typeof overrides === 'object' && !Array.isArray(overrides) ? overrides : {}) as Json;
    const disc = schema['x-discriminator'] as { propertyName: string; mapping: Record<string, string> } | undefined;
    if (disc) {
      const value = o[disc.propertyName] ?? Object.keys(disc.mapping)[0];
      const target = disc.mapping[value];
      if (target) return this.build(this.pointer(target), name, overrides, depth + 1);
    }
    if (schema.oneOf || schema.anyOf) return this.build((schema.oneOf ?? schema.anyOf)[0], name, overrides, depth + 1);
    if (schema.enum) return schema.enum[0];
    const type = schema.type ?? (schema.properties || schema.allOf ? 'object' : undefined);
    if (type === 'object') {
      let out: Json = {};
      for (const part of (schema.allOf ?? []) as Json[]) out = merge(out, this.build(part, name, overrides, depth + 1)) as Json;
      for (const [k, s] of Object.entries((schema.properties ?? {}) as Json)) {
        const v = this.build(s as Json, k, o[k], depth + 1);
        if (v !== undefined) out[k] = merge(out[k], v);
      }
      return out;
    }
    if (type === 'array') {
      const item = this.build(schema.items ?? {}, name, undefined, depth + 1);
      return item === undefined ? [] : [item];
    }
    if (type === 'boolean') return true;
    if (type === 'integer') return name === 'percentage_ownership' ? 30 : 1;
    if (type === 'number') return name === 'maximum_slippage' ? 0.05 : 10;
    if (type === 'string') return stringFor(name, schema);
    return undefined;
  }
}

/** A string a real client would put in this field. */
function stringFor(name: string, schema: Json): string {
  if (schema.format === 'date') return name === 'established_on' ? '2015-03-01' : '1990-12-10';
  if (schema.format === 'date-time') return '2024-01-02T03:04:05.000Z';
  const n = name.toLowerCase();
  const pick = (): string => {
    if (n === 'established_on') return '2015-03-01';
    if (n === 'ui_message_webview_url_scheme') return 'ledgerline';
    if (/country|nationality|citizenship|jurisdictions/.test(n)) return 'US';
    if (n === 'state' || n === 'state_of_incorporation') return 'NY';
    if (n === 'postal_code') return '10001';
    if (n === 'city') return 'New York';
    if (/telephone|phone/.test(n)) return '+14155550101';
    if (/email/.test(n)) return 'ada@example.com';
    if (/website|url/.test(n)) return 'https://example.com/hooks';
    if (n === 'ip_address') return '203.0.113.7';
    if (n === 'tax_reference_number' || n === 'corporate_tax_reference_number') return '123456789';
    if (n === 'passport_number') return 'P1234567';
    if (n === 'asset_type_id' || n === 'asset_type') return 'FIAT_TESTNET_USD';
    if (n === 'naics') return '541511';
    if (n === 'routing_number' || n === 'account_routing_number') return '021000021';
    if (n === 'account_number') return '123456789';
    if (n === 'swift_bic') return 'CHASUS33XXX';
    if (n === 'first_name' || n === 'contact_first_name') return 'Ada';
    if (n === 'last_name' || n === 'contact_last_name') return 'Lovelace';
    if (n === 'middle_name') return 'Byron';
    if (n === 'name' || n === 'account_holder_name' || n === 'company_name' || n === 'registered_name') return 'Ada Lovelace';
    if (n === 'memo') return 'INV42';
    if (n === 'title') return 'CEO';
    return 'Sample text';
  };
  let s = pick();
  if (schema.maxLength !== undefined && s.length > schema.maxLength) s = s.slice(0, schema.maxLength);
  return s;
}

/** Deep merge of plain objects; arrays and scalars in `b` replace; `undefined` in `b` deletes. */
export function merge(a: unknown, b: unknown): unknown {
  if (!b || typeof b !== 'object' || Array.isArray(b) || !a || typeof a !== 'object' || Array.isArray(a)) {
    return b === undefined ? a : b;
  }
  const out: Json = { ...(a as Json) };
  for (const [k, v] of Object.entries(b as Json)) {
    if (v === undefined) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** `#/components/...` inside `schema` -> `<id>#/components/...`, so Ajv resolves them in the document. */
function rebase(schema: Json, id: string): Json {
  return JSON.parse(JSON.stringify(schema), (k, v) => (k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${id}${v}` : v));
}

/**
 * LAYER2_API.md §5.6: "A validator over both documents must correct at least the first two slips".
 * Those two, and no other:
 *  - DocumentError.document_id carries the upload-status enum (MISSING…) though it is described as
 *    the document's id: a real id never validates. Treated as a string.
 *  - Payment.status / PaymentBase.status's enum is [ACCEPTED] while its description defines
 *    REQUESTED, ACCEPTED, INPROGRESS, EXECUTED, FAILURE. The description is taken.
 * (Both exist only in 1.1.2; the other slips of §5.6 are left as published.)
 */
function correctSlips(doc: Json): Json {
  const s = doc.components?.schemas as Json;
  if (s?.DocumentError?.properties?.document_id?.enum) delete s.DocumentError.properties.document_id.enum;
  for (const name of ['Payment', 'PaymentBase']) {
    const status = s?.[name]?.properties?.status;
    if (status?.enum) status.enum = ['REQUESTED', 'ACCEPTED', 'INPROGRESS', 'EXECUTED', 'FAILURE'];
  }
  return doc;
}

/**
 * OpenAPI discriminators made explicit for a JSON Schema validator (see the file comment):
 *  - every schema named in a mapping accepts only the values that map to it;
 *  - a schema with a discriminator (and a mapping) checks its own properties, then dispatches
 *    with if/then to the mapped schema; variants that extend it with allOf get a copy without the
 *    discriminator, so the dispatch does not recurse.
 * The sample builder reads the mapping from `x-discriminator`.
 */
function applyDiscriminators(doc: Json): Json {
  const schemas = doc.components.schemas as Json;
  const valuesOf = new Map<string, { prop: string; values: string[] }>();
  const bases: string[] = [];
  const walk = (node: unknown, visit: (n: Json) => void) => {
    if (!node || typeof node !== 'object') return;
    if (!Array.isArray(node)) visit(node as Json);
    for (const v of Object.values(node as Json)) walk(v, visit);
  };
  walk(doc, (n) => {
    const d = n.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
    if (!d?.mapping) return;
    for (const [value, ref] of Object.entries(d.mapping)) {
      const name = ref.split('/').pop() as string;
      const entry = valuesOf.get(name) ?? { prop: d.propertyName, values: [] };
      entry.values.push(value);
      valuesOf.set(name, entry);
    }
  });
  for (const [name, s] of Object.entries(schemas)) if ((s as Json).discriminator?.mapping) bases.push(name);
  // Plain copies of the bases, for the allOf of their variants.
  for (const name of bases) {
    const { discriminator: _d, oneOf: _o, ...plain } = schemas[name] as Json;
    schemas[`${name}__plain`] = plain;
  }
  walk(doc, (n) => {
    if (!Array.isArray(n.allOf)) return;
    n.allOf = n.allOf.map((p: Json) => {
      const name = typeof p.$ref === 'string' ? p.$ref.split('/').pop() : undefined;
      return name && bases.includes(name) ? { $ref: `#/components/schemas/${name}__plain` } : p;
    });
  });
  for (const [name, { prop, values }] of valuesOf) {
    const s = schemas[name] as Json | undefined;
    if (!s) continue;
    s.allOf = [...(s.allOf ?? []), { properties: { [prop]: { enum: values } } }];
  }
  for (const name of bases) {
    const s = schemas[name] as Json;
    const d = s.discriminator as { propertyName: string; mapping: Record<string, string> };
    const { discriminator: _d, oneOf: _o, ...own } = s;
    schemas[name] = {
      ...own,
      'x-discriminator': d,
      allOf: [
        ...(own.allOf ?? []),
        ...Object.entries(d.mapping).map(([value, ref]) => ({
          if: { properties: { [d.propertyName]: { const: value } }, required: [d.propertyName] },
          // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
          then: { $ref: ref },
        })),
      ],
    };
  }
  return doc;
}
