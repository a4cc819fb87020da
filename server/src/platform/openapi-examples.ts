/**
 * The reference people read (issue 11, point 5), finished from the generated document:
 *  - every operation gets a request example (when it takes a JSON body) and a response example
 *    for its success answer, built from the operation's own schema so that each validates
 *    against it (test/docs/openapi-reference.test.ts proves it); a hand-written `examples` value
 *    in a schema is preferred;
 *  - every operation has a description (its summary and scope when none was written);
 *  - tags in Layer2's order, Ledgerline's own after them, operator and sandbox routes last.
 */
import { ID_PREFIX, type IdKind } from '../shared/ids.js';
import { API_VERSIONS, DEFAULT_API_VERSION, VERSION_HEADER } from './versions/versions.js';

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

/** A platform id as Ledgerline mints them: `<prefix>_<uuidv7>` (shared/ids.ts). */
const UUID7 = '0193f0c2-5b7a-7c3e-9a41-2d6f8b1e4c07';
const id = (prefix: string) => `${prefix}_${UUID7}`;
const WHEN = '2026-01-02T03:04:05.000Z';

/** The kind of id (shared/ids.ts, whose ID_PREFIX names its prefix) of a resource, by its path segment. */
const KIND_BY_SEGMENT: Record<string, IdKind> = {
  applications: 'application',
  counterparties: 'counterparty',
  deposits: 'deposit',
  documents: 'document',
  exchanges: 'exchange',
  payments: 'payment',
  transactions: 'transaction',
  transfers: 'transfer',
  withdrawals: 'withdrawal',
  settlements: 'transfer',
  events: 'event',
  cards: 'card',
  refunds: 'cardRefund',
  authorizations: 'cardAuthorization',
  'virtual-accounts': 'virtualAccount',
  adjustments: 'adjustment',
  individual: 'individual',
  individuals: 'individual',
  clients: 'client',
  signing_keys: 'signingKey',
  'signing-keys': 'signingKey',
};
/** An id of the resource a path segment names, if it has one of the platform's kinds. */
const idOfSegment = (segment: string | undefined) => {
  const kind = segment === undefined ? undefined : KIND_BY_SEGMENT[segment];
  return kind ? id(ID_PREFIX[kind]) : undefined;
};
/** The segment of an operation's tag: its name in lower case, words joined by "-" (two are named otherwise). */
const segmentOfTag = (tag: string) =>
  ({ 'Request signing': 'signing-keys', 'Admin: clients': 'clients' })[tag] ?? tag.toLowerCase().replace(/ /g, '-');

/** Hints for fields named exactly so, each an id of its kind (kept in the map's order). */
const idHints = (kinds: Record<string, IdKind>): [RegExp, string][] =>
  Object.entries(kinds).map(([field, kind]) => [new RegExp(`^${field}$`), id(ID_PREFIX[kind])]);

/**
 * Values a real client would send or read, by field name (first match wins, most specific
 * first); each is checked against the field's schema before use, so a wrong guess falls through.
 */
const HINTS: [RegExp, string][] = [
  [/customer_id$/, 'cust-0001'],
  [/^mid$/, '1.08'],
  [/^access_token$/, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGlfMDE5M2YwYzIifQ.c2lnbmF0dXJl'],
  [/wallet_address|blockchain_address/, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
  [/^blockchain$/, 'ETHEREUM'],
  [/^network$/, 'SEPOLIA'],
  [/^family$/, 'deposits'],
  [/^access_code$/, '482913'],
  [/url_scheme/, 'myapp'],
  [/^account_link_id$/, 'ACT-0001'],
  [/^status_detail$/, 'AUTHORIZED'],
  [/^(source_|destination_)?account_id$/, 'acc-usd-0001'],
  // Any side's too (source_, destination_counterparty_id): hence no `^`.
  [/counterparty_id$/, id(ID_PREFIX.counterparty)],
  ...idHints({
    withdrawal_id: 'withdrawal',
    deposit_id: 'deposit',
    transfer_id: 'transfer',
    category_id: 'transfer', // category_type's example is TRANSFER
    settlement_id: 'transfer',
    exchange_id: 'exchange',
    payment_id: 'payment',
    transaction_id: 'transaction',
    application_id: 'application',
    document_id: 'document',
    individual_id: 'individual',
    event_id: 'event',
    client_id: 'client',
    card_id: 'card',
    authorization_id: 'cardAuthorization',
    refund_id: 'cardRefund',
    virtual_account_id: 'virtualAccount',
    lease_id: 'lease',
    key_id: 'signingKey',
    signing_key_id: 'signingKey',
  }),
  [/^payor_id$/, 'payor-0001'],
  ...idHints({ request_id: 'request' }),
  [/^(self|first|prev|next|last)$/, '/v1/customers?page=0&page_size=20'],
  [/_timestamp$|_at$|^timestamp$|^now$|valid_until/, WHEN],
  [/^(withdrawal_rail|rail|supported_rails|rails)$/, 'ACH'],
  [/^purpose$/, 'PERSONAL_ACCOUNT'],
  [/^event_type$/, 'WITHDRAWAL_EXECUTED'],
  [/^transaction_type$/, 'TRANSFER_IN'],
  [/^category_type$/, 'TRANSFER'],
  [/^api_version$/, '1.1.2'],
  [/^(mid_rate|rate)$/, '1.08'],
  [/slippage/, '0.01'],
  [/amount|balance|total|fee|limit/, '125.50'],
  [/country|nationality|citizenship|jurisdictions/, 'US'],
  [/^state(_of_incorporation)?$/, 'NY'],
  [/postal_code/, '10001'],
  [/^unit_number$/, '5B'],
  [/^address_line1$/, '1 Main St'],
  [/^address_line2$/, 'Suite 500'],
  [/^address_line3$/, 'Attn: Accounts payable'],
  [/city/, 'New York'],
  [/telephone|phone/, '+14155550101'],
  [/email/, 'ada@example.com'],
  [/url|website/, 'https://example.com/hooks'],
  [/ip_address/, '203.0.113.7'],
  [/asset_type_id|asset_type|^asset$/, 'FIAT_TESTNET_USD'],
  [/currency/, 'USD'],
  [/product_id/, 'DEPOSIT_BASIC'],
  [/routing_number/, '021000021'],
  [/account_number/, '123456789'],
  [/swift_bic|bic/, 'CHASUS33XXX'],
  [/iban/, 'DE89370400440532013000'],
  [/passport_number/, 'P1234567'],
  [/tax_reference_number/, '123456789'],
  [/^first_name|contact_first_name/, 'Ada'],
  [/^middle_name$/, 'Augusta'],
  [/last_name/, 'Lovelace'],
  [/^cardholder_name$/, 'ADA LOVELACE'],
  [/^institution_name$/, 'JPMorgan Chase Bank'],
  [/^employer_name$/, 'Analytical Engines Ltd'],
  [/registered_name|trading_name|company_name|business_name/, 'Acme Widgets Inc.'],
  [/^(field|field_name)$/, 'mailing_address.city'],
  [/filename/, 'passport.pdf'],
  [/^(content_type|mime_type)$/, 'application/pdf'],
  [/name/, 'Ada Lovelace'],
  [/^occupation$/, 'Software engineer'],
  [/^title$/, 'CEO'],
  [/memo|reference/, 'INV42'],
  [/^updated_by$|^actor$|_by$/, 'ops@example.com'],
  [/failure_reason|rejection_reason|return_reason/, 'The receiving bank returned it: account closed.'],
  [/reason/, 'The customer asked for it by phone.'],
  [/vendors_and_counterparties/, 'Cloud hosting and payroll providers'],
  [/description|details|note/, 'Office rent for January'],
  [/naics/, '541511'],
  [/public_key|signature_verification_key|verification_key/, '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'],
  [
    /signature/,
    'b3f1c2d4e5a6978812ab34cd56ef7890b3f1c2d4e5a6978812ab34cd56ef7890b3f1c2d4e5a6978812ab34cd56ef7890b3f1c2d4e5a6978812ab34cd56ef7890',
  ],
  [/master_key_id|key_id/, 'mk-2026-01'],
  [/cursor/, 'djE6REVTQzo5Ng'],
  [/scope/, 'customers:read'],
  [/^status$/, 'ACTIVE'],
  [/^(code|error)$/, 'VALIDATION_ERROR'],
  [/^address1$/, '1 Main St'],
  [/^address2$/, 'Suite 500'],
  [/^address3$/, 'Attn: Accounts payable'],
  [/sha256/, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  [/^subscription_id$/, UUID7],
  [/client_secret/, 'sk_live_example_secret'],
  [/statement_period/, '2026-01'],
  [/^resource_type$/, 'withdrawal'],
  [/^resource_id$/, id(ID_PREFIX.withdrawal)],
  [/last_error/, 'The callback URL answered 503.'],
  [/^document$/, 'PASSPORT'],
  [/^base$/, 'ETH'],
  [/^quote$/, 'USD'],
  [/^sum$/, '125.50'],
  [/date_of_birth/, '1990-12-10'],
  [/established_on/, '2015-03-01'],
  [/^(value|before|after)$/, 'New York'],
];
/** Last resorts for a field no hint fits (a pattern or length the hints miss). */
const CANDIDATES = ['Example', 'example', 'US', 'NY', '10001', '123456789', 'EXAMPLE1', 'a1', 'A1', 'USD', 'DESC', '0', '1', 'a'];

/** A schema that says nothing of its value's shape (a plain-form PATCH field, a placeholder). */
const anyJson = (s: Json) => !['type', 'enum', 'const', 'properties', 'items', 'anyOf', 'oneOf', 'allOf', 'format'].some((k) => k in s);

export class ExampleBuilder {
  /** The operation being documented: its path and tag name the resource an `id` belongs to. */
  tag: string | undefined;
  path: string | undefined;

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
          if (!required.has(k) && ((p as Json).readOnly || anyJson(this.resolve(p as Json)))) continue;
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
        // Any JSON (a PATCH value, a history entry's before/after): the string its name suggests.
        return s.not ? undefined : (this.hint(name, () => true) ?? 'New York');
    }
  }

  /** The first hint for this field name that fits; a resource's own `id` by the operation's tag. */
  private hint(name: string, fits: (v: string) => boolean): string | undefined {
    if (name === 'id') {
      const segments = (this.path ?? '').split('/').filter((x) => x && !x.startsWith('{'));
      const last = [...segments].reverse().find((x) => x in KIND_BY_SEGMENT || x === 'subscriptions' || x === 'customers' || x === 'payor');
      const account = /^\/v1\/accounts\/(deposits|payments)(\/\{[^}]+\})?$/.test(this.path ?? '');
      const guesses = [
        account ? 'acc-usd-0001' : undefined,
        last === 'subscriptions' ? UUID7 : undefined,
        last === 'customers' ? 'cust-0001' : undefined,
        last === 'payor' ? 'payor-0001' : undefined,
        idOfSegment(last),
        this.tag ? idOfSegment(segmentOfTag(this.tag)) : undefined,
      ];
      for (const g of guesses) if (g && fits(g)) return g;
    }
    for (const [re, v] of HINTS) if (re.test(name) && fits(v)) return v;
    return undefined;
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
    const hinted = this.hint(name, fits);
    if (hinted !== undefined) return hinted;
    for (const v of CANDIDATES) if (fits(v)) return v;
    // A pattern with a literal prefix (`^MBR-…`, `^ACT-…`): the prefix and a few safe characters.
    const prefix = typeof s.pattern === 'string' ? /^\^([A-Za-z0-9_:-]+)/.exec(s.pattern)?.[1] : undefined;
    for (const tail of ['0123456789abcdef-1', 'a1b2c3', '1']) if (prefix && fits(prefix + tail)) return prefix + tail;
    const min = s.minLength ?? 1;
    return 'x'.repeat(Math.min(Math.max(min, 1), s.maxLength ?? 64));
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The shared header parameter every /v1 operation takes (docs/versions.md). */
const VERSION_PARAMETER = {
  name: VERSION_HEADER,
  in: 'header',
  required: false,
  description: `The Layer2 API version to answer in (${API_VERSIONS.join(' or ')}); default: the client's own version (${DEFAULT_API_VERSION} unless the operator set another). Echoed on every answer. Any other value is 400 VALIDATION_ERROR.`,
  schema: { type: 'string', enum: [...API_VERSIONS] },
  example: DEFAULT_API_VERSION,
};

/** What an upload's bytes are, per content type (a JSON document cannot hold them). */
const BYTES: Record<string, string> = {
  'application/pdf': '%PDF-1.7 … (the PDF file’s bytes)',
  'image/png': '(the PNG file’s bytes)',
  'image/jpeg': '(the JPEG file’s bytes)',
  'application/octet-stream': '(the file’s bytes: PDF, PNG or JPEG, recognised by content)',
};

/** Examples (and a truthful schema) for request bodies that are not JSON: forms, multipart, raw bytes. */
function otherBodies(op: Json, builder: ExampleBuilder): void {
  const content = (op.requestBody?.content ?? {}) as Json;
  for (const [type, shared] of Object.entries(content)) {
    if (type === 'application/json' || !shared || shared.example !== undefined || shared.examples) continue;
    // Content types may share one generated media object: each gets its own.
    const media: Json = { ...shared };
    content[type] = media;
    const file = media.schema?.properties?.file as Json | undefined;
    if (type === 'multipart/form-data') {
      media.example = {
        ...(builder.build(media.schema) as Json),
        ...(file && { file: '(binary part, filename="passport.pdf", type application/pdf)' }),
      };
    } else if (BYTES[type]) {
      // The raw body is the file itself, not an object holding it.
      if (file) media.schema = { type: 'string', format: 'binary', ...(file.description && { description: file.description }) };
      media.example = BYTES[type];
    } else if (media.schema) {
      media.example = builder.build(media.schema);
    }
  }
}

/** Adds examples, descriptions and the tag order to a generated OpenAPI document (in place). */
export function finishReference(doc: Json, valid: (schema: Json, value: unknown) => boolean): Json {
  const builder = new ExampleBuilder(doc, valid);
  const used = new Set<string>();
  doc.components ??= {};
  doc.components.parameters = { ...doc.components.parameters, ApiVersion: VERSION_PARAMETER };
  doc.components.securitySchemes = {
    ...doc.components.securitySchemes,
    basicAuth: { type: 'http', scheme: 'basic', description: 'The client id and secret, for POST /oauth2/token only.' },
  };
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      for (const t of (op.tags ?? []) as string[]) used.add(t);
      builder.tag = op.tags?.[0];
      builder.path = path;
      if (path.startsWith('/v1/')) {
        const params = (op.parameters ?? []) as Json[];
        if (!params.some((p) => p.in === 'header' && p.name === VERSION_HEADER)) {
          op.parameters = [...params, { $ref: '#/components/parameters/ApiVersion' }];
        }
      }
      // The token endpoint: HTTP Basic, or no scheme at all with the credentials in the form body.
      if (path === '/oauth2/token') {
        op.security = [{ basicAuth: [] }, {}];
        if (op.requestBody) op.requestBody.required = false; // Basic needs no body
      }
      otherBodies(op, builder);
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
