/**
 * The reference people read (issue 11, point 5), finished from the generated document:
 *  - every operation gets a request example (when it takes a JSON body) and a response example
 *    for its success answer, built from the operation's own schema so that each validates
 *    against it (test/docs/openapi-reference.test.ts proves it); a hand-written `examples` value
 *    in a schema is preferred;
 *  - every operation has a description (its summary and scope when none was written);
 *  - tags in Layer2's order, Ledgerline's own after them, operator and sandbox routes last.
 */
type Json = Record<string, any>;

/** Layer2's tag order (the Rail document's), with Ledgerline's resources placed beside their kin. */
export const TAG_ORDER = [
  'Applications',
  'Accounts',
  'Payment accounts',
  'Counterparties',
  'Customers',
  'Payors',
  'Deposits',
  'Documents',
  'Exchanges',
  'Payments',
  'Transactions',
  'Transfers',
  'Withdrawals',
  'Settlements',
  'Webhooks',
  'Events',
  'Authentication',
  'Request signing',
  'Products and assets',
];
const LAST = (tag: string) => tag.startsWith('Admin') || /simulations/i.test(tag);

/** Strings a real client would send, by field name; each is checked against the schema before use. */
const HINTS: [RegExp, string][] = [
  [/^(customer_id|account_id|id)$/, 'cust-0001'],
  [/country|nationality|citizenship|jurisdictions/, 'US'],
  [/^state(_of_incorporation)?$/, 'NY'],
  [/postal_code/, '10001'],
  [/city/, 'New York'],
  [/telephone|phone/, '+14155550101'],
  [/email/, 'ada@example.com'],
  [/url|website/, 'https://example.com/hooks'],
  [/ip_address/, '203.0.113.7'],
  [/asset_type_id|asset_type|^asset$/, 'FIAT_TESTNET_USD'],
  [/product_id/, 'DEPOSIT_BASIC'],
  [/routing_number/, '021000021'],
  [/account_number/, '123456789'],
  [/swift_bic|bic/, 'CHASUS33XXX'],
  [/iban/, 'DE89370400440532013000'],
  [/first_name/, 'Ada'],
  [/last_name/, 'Lovelace'],
  [/name/, 'Ada Lovelace'],
  [/memo|reference/, 'INV42'],
  [/naics/, '541511'],
  [/public_key/, '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'],
  [/cursor/, 'djE6REVTQzo5Ng'],
  [/scope/, 'customers:read'],
];
const CANDIDATES = ['ABC123', 'abc', 'US', 'NY', '10001', '123456789', 'a', 'A1', 'Sample text', 'USD', 'DESC', '0', '1'];

export class ExampleBuilder {
  constructor(
    private readonly doc: Json,
    private readonly valid: (schema: Json, value: unknown) => boolean,
  ) {}

  private resolve(schema: Json): Json {
    let s = schema;
    for (let i = 0; s?.$ref && i < 10; i++) s = this.doc.components?.schemas?.[String(s.$ref).split('/').pop() as string] ?? {};
    return s ?? {};
  }

  build(schema: Json, name = '', depth = 0): unknown {
    const s = this.resolve(schema);
    if (depth > 10) return undefined;
    if (s.examples?.length) return s.examples[0];
    if (s.example !== undefined) return s.example;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    if (s.allOf) return Object.assign({}, ...s.allOf.map((p: Json) => this.build(p, name, depth + 1)));
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[k])) {
        // A branch inherits its parent's own keywords (`{type: string, anyOf: [{format: ipv4}, …]}`).
        const { [k]: _union, ...own } = s;
        const branches = (s[k] as Json[]).filter((b) => this.resolve(b).type !== 'null').map((b) => ({ ...own, ...this.resolve(b) }));
        for (const b of branches) {
          const v = this.build(b, name, depth + 1);
          if (this.valid(b, v)) return v;
        }
        return this.build(branches[0] ?? {}, name, depth + 1);
      }
    }
    const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : (s.type ?? (s.properties ? 'object' : undefined));
    switch (type) {
      case 'object': {
        const out: Json = {};
        const required = new Set<string>(s.required ?? []);
        for (const [k, p] of Object.entries((s.properties ?? {}) as Json)) {
          // Optional read-only properties and pure documentation placeholders are left out.
          if (!required.has(k) && ((p as Json).readOnly || Object.keys(p as Json).length === 0)) continue;
          const v = this.build(p as Json, k, depth + 1);
          if (v !== undefined) out[k] = v;
        }
        return out;
      }
      case 'array': {
        const item = this.build(s.items ?? {}, name, depth + 1);
        const n = Math.max(1, s.minItems ?? 1);
        return item === undefined ? [] : Array.from({ length: n }, () => item);
      }
      case 'boolean':
        return true;
      case 'integer':
        return Math.max(s.minimum ?? 1, Math.min(s.maximum ?? 1, name.includes('percentage') ? 30 : 1));
      case 'number':
        return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 10.5, 10.5));
      case 'string':
        return this.string(s, name);
      default:
        // Any JSON (a PATCH value, a history entry's before/after): a string reads best.
        return s.not ? undefined : 'Sample value';
    }
  }

  private string(s: Json, name: string): string {
    if (s.format === 'date-time') return '2026-01-02T03:04:05.000Z';
    if (s.format === 'date' || s.format === 'past-date') return '1990-12-10';
    if (s.format === 'email') return 'ada@example.com';
    if (s.format === 'uri') return 'https://example.com/hooks';
    if (s.format === 'e164') return '+14155550101';
    if (s.format === 'country-code') return 'US';
    if (s.format === 'binary') return '<bytes>';
    if (s.format === 'ipv4') return '203.0.113.7';
    if (s.format === 'ipv6') return '2001:db8::7';
    const fits = (v: string) => this.valid(s, v);
    for (const [re, v] of HINTS) if (re.test(name) && fits(v)) return v;
    for (const v of CANDIDATES) if (fits(v)) return v;
    // A pattern with a literal prefix (`^MBR-…`, `^ACT-…`): the prefix and a few safe characters.
    const prefix = typeof s.pattern === 'string' ? /^\^([A-Za-z0-9_:-]+)/.exec(s.pattern)?.[1] : undefined;
    for (const tail of ['0123456789abcdef-1', 'a1b2c3', '1']) if (prefix && fits(prefix + tail)) return prefix + tail;
    const min = s.minLength ?? 1;
    return 'x'.repeat(Math.min(Math.max(min, 1), s.maxLength ?? 64));
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Adds examples, descriptions and the tag order to a generated OpenAPI document (in place). */
export function finishReference(doc: Json, valid: (schema: Json, value: unknown) => boolean): Json {
  const builder = new ExampleBuilder(doc, valid);
  const used = new Set<string>();
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      for (const t of (op.tags ?? []) as string[]) used.add(t);
      if (!op.description) {
        const scope = op.security?.[0]?.oauth2?.[0];
        op.description = `${op.summary ?? `${method.toUpperCase()} request`}.${scope ? ` Requires the scope ${scope}.` : ''}`;
      }
      const body = op.requestBody?.content?.['application/json'];
      if (body?.schema && body.example === undefined && !body.examples) body.example = builder.build(body.schema);
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) {
        const media = (response as Json).content?.['application/json'];
        if (!status.startsWith('2') || !media?.schema || media.example !== undefined || media.examples) continue;
        media.example = builder.build(media.schema);
      }
    }
  }
  const rank = (t: string) => {
    const i = TAG_ORDER.indexOf(t);
    return LAST(t) ? 2000 : i >= 0 ? i : 1000;
  };
  doc.tags = [...used].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((name) => ({ name }));
  return doc;
}
