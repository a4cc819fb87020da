/**
 * Counterparty schemas (LAYER2_API.md §2.7). One set of property maps per counterparty type builds
 * the create body (discriminated on counterparty_type), the whole-resource validator PATCH uses,
 * and the response. Structure lives here; bank-code checks and rail-conditional requirements are
 * in counterparties.rules.ts (they need code, and their errors name the field, never the value).
 */

import type { Ajv } from 'ajv';
import { type TSchema, Type } from 'typebox';
import { discriminated } from '../../platform/http-schemas.js';
import { STATUSES } from '../../shared/status.js';
import type { ErrorObject, ValidateFunction } from '../../shared/validator.js';
import { Address } from '../customers/index.js';

const str = (maxLength = 200, description?: string) => Type.String({ minLength: 1, maxLength, ...(description && { description }) });
const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description && { description }) });
const opt = Type.Optional;
const readOnly = (description = 'read-only, ignored') => opt(Type.Unknown({ description }));

export const COUNTERPARTY_TYPES = [
  'FIAT_US',
  'FIAT_US_LINKED',
  'FIAT_CA',
  'FIAT_EU',
  'FIAT_GB',
  'FIAT_IN',
  'FIAT_MX',
  'FIAT_AE',
  'FIAT_BS',
  'FIAT_CN',
  'FIAT_HK',
  'FIAT_SG',
  'FIAT_JP',
  'FIAT_MY',
  'FIAT_PA',
  'FIAT_IBAN',
  'FIAT_ACCNO',
  'CRYPTO',
] as const;
export type CounterpartyType = (typeof COUNTERPARTY_TYPES)[number];

const SWIFT_ONLY = ['FIAT_CN', 'FIAT_HK', 'FIAT_SG', 'FIAT_JP', 'FIAT_MY', 'FIAT_PA', 'FIAT_IBAN', 'FIAT_ACCNO'] as const;

/** The rails each type supports, in Layer2's spelling (NFT and UP are Layer2's NEFT and UPI). */
export const RAILS: Readonly<Record<CounterpartyType, readonly string[]>> = {
  FIAT_US: ['ACH', 'FEDWIRE', 'SWIFT'],
  FIAT_US_LINKED: ['ACH'],
  FIAT_CA: ['EFT', 'SWIFT'],
  FIAT_EU: ['SEPA_CT', 'SWIFT'],
  FIAT_GB: ['FPS', 'CHAPS', 'SWIFT'],
  FIAT_IN: ['IMPS', 'NFT', 'UP', 'SWIFT'],
  FIAT_MX: ['SPEI', 'SWIFT'],
  FIAT_AE: ['UAEFTS', 'SWIFT'],
  FIAT_BS: ['ACH', 'SWIFT'],
  ...(Object.fromEntries(SWIFT_ONLY.map((t) => [t, ['SWIFT']])) as Record<(typeof SWIFT_ONLY)[number], string[]>),
  CRYPTO: ['CRYPTO'],
};

/** Input spellings accepted for FIAT_IN and stored (and answered) in Layer2's spelling. */
export const RAIL_ALIASES: Readonly<Record<string, string>> = { NEFT: 'NFT', UPI: 'UP' };

/** Types whose supported_rails may be left out (Layer2 defaults them). */
export const DEFAULT_RAILS: Partial<Record<CounterpartyType, string[]>> = { FIAT_US_LINKED: ['ACH'], CRYPTO: ['CRYPTO'] };

export const LINE_OF_BUSINESS = [
  'ARTS_AND_ANTIQUES',
  'AGRICULTURE',
  'AUDIT_VIDEO',
  'AUTOMOTIVE',
  'BANK_CREDIT_UNION',
  'BIOTECH_PHARMACEUTICAL',
  'BOOKSELLER',
  'CONSTRUCTION',
  'CASINOS_GAMBLING',
  'CLOTHING',
  'CONSULTING_PROFESSIONAL_SERVICES',
  'CRYPTOCURRENCY',
  'ECIGARETTES_TOBACCO',
  'ENERGY_CHEMICAL_FUEL',
  'ENGINEERING',
  'ADULT_ENTERTAINMENT',
  'FINANCIAL_AND_CORPORATE_SERVICES',
  'FOOD_AND_BEVERAGE',
  'FREIGHT_MARINE_SHIPPING_SERVICES',
  'GIFTWARE_SEASONAL',
  'GOVERNMENT_PUBLIC_SERVICES',
  'HIGH_TECH_SOFTWARE_TELECOMS',
  'HOSPITALITY',
  'HOUSEHOLD_GOOD_FURNITURE',
  'HUMAN_RESOURCE_SERVICES',
  'INDUSTRIAL_EQUIPMENT',
  'INFORMATION_TECHNOLOGY',
  'INSURANCE',
  'JEWELLERY_OPTICAL',
  'LAW',
  'MANUFACTURING',
  'MARKETING',
  'MEDIA_PUBLISHING',
  'MEDICAL_HEALTHCARE',
  'MEDICAL_TOURISM',
  'MINING',
  'MONEY_SERVICE_BUSINESS',
  'NON_PROFIT_CHARITY',
  'ONLINE_RETAIL',
  'PAYROLL',
  'PENSION',
  'PERSONAL_CARE_PRODUCTS',
  'PHOTOGRAPHY',
  'REAL_ESTATE',
  'RECREATIONAL_ACTIVITIES',
  'RELIGIOUS_ORGANISATION',
  'RETAIL',
  'SECURITY',
  'SPORTING_RECREATIONAL_PRODUCTS',
  'TRANSPORT',
  'UNIVERSITY_EDUCATION',
  'UTILITIES',
  'WASTE_MANAGEMENT',
  'WINE_LIQUOR',
  'TECHNICAL_SUPPORT',
  'OTHER',
] as const;

export const RELATIONSHIPS = [
  'SPOUSE',
  'EX_SPOUSE',
  'CHILDREN',
  'PARENT',
  'SIBLING',
  'RELATIVE',
  'SELF',
  'FRIEND',
  'BUSINESS_PARTNER',
  'CUSTOMER',
  'EMPLOYEE',
  'BRANCH_OFFICE',
  'SUBSIDIARY_COMPANY',
  'HOLDING_COMPANY',
  'SUPPLIER',
  'CREDITOR',
  'DEBTOR',
  'FRANCHISEE',
  'NOT_RELATED',
] as const;

// ---- building blocks ---------------------------------------------------------------------------

const InstitutionAddress = Type.Object(Address.properties, { additionalProperties: false, minProperties: 1 });
const ProfileAddress = Type.Object(
  { ...Address.properties, country_code: Type.String({ format: 'country-code', description: 'ISO 3166-1 alpha-2 (required)' }) },
  { additionalProperties: false },
);

export const Profile = Type.Object(
  {
    profile_type: enumOf(['INDIVIDUAL', 'CORPORATION'] as const),
    name: str(200, 'Name of the account holder. In sandbox, REJECT / REVIEW / EDD in it decide screening (docs/counterparties.md).'),
    email: opt(Type.String({ format: 'email', maxLength: 254 })),
    telephone_number: opt(Type.String({ format: 'e164', description: 'E.164, e.g. +14155550123' })),
    tax_reference_number: opt(str(50)),
    date_of_birth: opt(Type.String({ format: 'past-date', description: 'YYYY-MM-DD, individuals' })),
    address: ProfileAddress,
    line_of_business: opt(enumOf(LINE_OF_BUSINESS, 'Required for FIAT_EU and FIAT_IN')),
    relationship_to_customer: opt(enumOf(RELATIONSHIPS, 'Required for FIAT_EU and FIAT_IN. A PERSONAL_ACCOUNT withdrawal needs SELF.')),
  },
  { additionalProperties: false },
);

/** Codes are checked by the rules (ABA, IBAN, BIC, …): the schema only bounds their length. */
const code = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
const masked = ' Stored in full; answered masked (all but the last 4 characters).';

const fields = {
  asset_type_id: Type.String({ minLength: 1, maxLength: 64, description: 'Destination asset: a FIAT asset of the catalogue' }),
  account_number: code(`Account number.${masked}`),
  iban: code(`IBAN, electronic format (no spaces).${masked}`),
  clabe: code(`Mexican CLABE, 18 digits with a valid check digit.${masked}`),
  type: enumOf(['CHECKING', 'SAVING'] as const),
  routing_number: code('ABA routing number: 9 digits with a valid 3-7-1 checksum'),
  institution_number: code('Canadian institution number, 3 digits'),
  transit_number: code('Canadian transit (branch) number, 5 digits'),
  sort_code: code('UK sort code, 6 digits, with or without dashes'),
  ifsc: code('Indian Financial System Code, e.g. HDFC0000001'),
  swift_bic: code('BIC (ISO 9362), 8 or 11 characters, upper case'),
  institution_name: str(200),
  institution_address: InstitutionAddress,
};
type FieldName = keyof typeof fields;

/** account_information of one type: its fields in one canonical order, some required. */
function account(required: FieldName[], optional: FieldName[]) {
  const props: Record<string, TSchema> = {};
  for (const f of Object.keys(fields) as FieldName[]) {
    if (f === 'asset_type_id' || required.includes(f)) props[f] = fields[f];
    else if (optional.includes(f)) props[f] = opt(fields[f]);
  }
  return Type.Object(props, { additionalProperties: false });
}

const INST = ['institution_name', 'institution_address'] as FieldName[];
export const ACCOUNT_INFORMATION: Readonly<Record<Exclude<CounterpartyType, 'CRYPTO'>, TSchema>> = {
  FIAT_US: account(['account_number', 'routing_number'], ['type', 'swift_bic', ...INST]),
  FIAT_US_LINKED: Type.Object(
    {
      asset_type_id: fields.asset_type_id,
      account_name: readOnly('read-only: set by linking (POST …/link/connect)'),
      abbreviated_account_number: readOnly('read-only: set by linking, e.g. x1234'),
    },
    { additionalProperties: false },
  ),
  FIAT_CA: account(['institution_number', ...INST], ['account_number', 'transit_number', 'swift_bic']),
  FIAT_EU: account(['iban', 'swift_bic', ...INST], []),
  FIAT_GB: account(['account_number', ...INST], ['sort_code', 'iban', 'swift_bic']),
  FIAT_IN: account(['account_number', ...INST], ['ifsc', 'swift_bic']),
  FIAT_MX: account(['clabe', ...INST], ['account_number', 'swift_bic']),
  FIAT_AE: account(['iban', ...INST], ['account_number', 'swift_bic']),
  FIAT_BS: account(['account_number', ...INST], ['type', 'swift_bic']),
  FIAT_CN: account(['account_number', ...INST], ['swift_bic']),
  FIAT_HK: account(['account_number', ...INST], ['swift_bic']),
  FIAT_SG: account(['account_number', ...INST], ['swift_bic']),
  FIAT_JP: account(['account_number', ...INST], ['swift_bic']),
  FIAT_MY: account(['account_number', ...INST], ['swift_bic']),
  FIAT_PA: account(['account_number', ...INST], ['swift_bic']),
  FIAT_IBAN: account(['iban', ...INST], ['swift_bic']),
  FIAT_ACCNO: account(['account_number', ...INST], ['swift_bic']),
};

export const WalletInformation = Type.Object(
  {
    asset_type_id: Type.String({ minLength: 1, maxLength: 64, description: 'A CRYPTO asset of the catalogue' }),
    blockchain_address: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Valid for the asset’s chain and network: Ethereum (EIP-55), Bitcoin (bech32 bc1/tb1 or base58check), Solana (base58)',
    }),
    wallet_type: enumOf(['INSTITUTION', 'OTHER', 'UNKNOWN'] as const),
    institution_name: opt(str(200, 'Required when wallet_type is INSTITUTION')),
    institution_address: opt(InstitutionAddress),
  },
  { additionalProperties: false },
);

export const Intermediary = Type.Object(
  {
    intermediary_type: enumOf(['FIAT_US', 'FIAT_CA'] as const),
    asset_type_id: readOnly('read-only: derived from intermediary_type'),
    institution_name: str(200),
    institution_address: opt(InstitutionAddress),
    swift_bic: opt(code('Required, except for FIAT_US where swift_bic or routing_number will do')),
    routing_number: opt(code('FIAT_US only: ABA routing number')),
  },
  {
    additionalProperties: false,
    description: 'Correspondent bank for SWIFT payments (used when SWIFT is in supported_rails; kept otherwise).',
  },
);

const railsOf = (type: CounterpartyType) => {
  const values = type === 'FIAT_IN' ? [...RAILS[type], ...Object.keys(RAIL_ALIASES)] : [...RAILS[type]];
  return Type.Array(enumOf(values), {
    minItems: 1,
    uniqueItems: true,
    description: `A non-empty subset of ${RAILS[type].join(', ')}${type === 'FIAT_IN' ? ' (NEFT and UPI are accepted for NFT and UP)' : ''}`,
  });
};

/** The updatable body of a counterparty of one type: what `details` stores and PATCH validates. */
function detailFields(type: CounterpartyType) {
  const rails = type in DEFAULT_RAILS ? opt(railsOf(type)) : railsOf(type);
  return {
    description: opt(str(500)),
    supported_rails: rails,
    profile: Profile,
    ...(type === 'CRYPTO'
      ? { wallet_information: WalletInformation }
      : { account_information: ACCOUNT_INFORMATION[type], intermediary_information: opt(Intermediary) }),
  };
}

export const DETAILS: Readonly<Record<CounterpartyType, TSchema>> = Object.fromEntries(
  COUNTERPARTY_TYPES.map((t) => [t, Type.Object(detailFields(t), { additionalProperties: false })]),
) as unknown as Record<CounterpartyType, TSchema>;

const readOnlyIgnored = {
  id: readOnly('read-only, ignored: the platform assigns the id'),
  status: readOnly(),
  created_at: readOnly(),
  updated_at: readOnly(),
};

/** The create body of each type. */
export const CREATE_BODIES: Readonly<Record<CounterpartyType, TSchema>> = Object.fromEntries(
  COUNTERPARTY_TYPES.map((t) => [
    t,
    Type.Object(
      {
        customer_id: Type.String({ minLength: 1, maxLength: 128, description: 'The customer this counterparty belongs to' }),
        counterparty_type: Type.Literal(t),
        ...detailFields(t),
        ...readOnlyIgnored,
      },
      { additionalProperties: false },
    ),
  ]),
) as unknown as Record<CounterpartyType, TSchema>;

/** The create body as documented (OpenAPI); requests are validated by createBodyValidator. */
export const CreateCounterpartyBody = discriminated('counterparty_type', Object.values(CREATE_BODIES));

/**
 * Validates a create body against its own type's schema, compiled on first use: the same result
 * as the discriminated schema, without compiling 18 variants when the app starts.
 */
export function createBodyValidator(ajv: Ajv) {
  const compiled = new Map<string, ValidateFunction>();
  const validate = (data: unknown): boolean => {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      validate.errors = [
        { instancePath: '', schemaPath: '#/type', keyword: 'type', params: { type: 'object' }, message: 'must be object' },
      ];
      return false;
    }
    const type = (data as Record<string, unknown>).counterparty_type;
    if (typeof type !== 'string' || !Object.hasOwn(CREATE_BODIES, type)) {
      validate.errors = [
        {
          instancePath: '',
          schemaPath: '#/discriminator',
          keyword: 'discriminator',
          params: { error: type === undefined ? 'tag' : 'mapping', tag: 'counterparty_type', tagValue: type },
          message: `must be one of ${COUNTERPARTY_TYPES.join(', ')}`,
        },
      ];
      return false;
    }
    let fn = compiled.get(type);
    if (!fn) {
      fn = ajv.compile(CREATE_BODIES[type as CounterpartyType] as object);
      compiled.set(type, fn);
    }
    const ok = fn(data);
    validate.errors = fn.errors ?? null;
    return ok;
  };
  validate.errors = null as ErrorObject[] | null;
  return validate;
}
export type CreateCounterpartyBodyT = Record<string, any> & { customer_id: string; counterparty_type: CounterpartyType };

const StatusOut = enumOf(STATUSES, 'PENDING (screening), ACTIVE, EDD, FROZEN, DORMANT, CLOSED, or an _L2F variant set by the operator');

/** The response (documentation only: views are explicit objects, see counterparties.view.ts). */
export const Counterparty = Type.Unsafe<Record<string, unknown>>(
  discriminated(
    'counterparty_type',
    COUNTERPARTY_TYPES.map((t) =>
      Type.Object({
        id: Type.String(),
        customer_id: Type.String(),
        counterparty_type: Type.Literal(t),
        status: StatusOut,
        ...detailFields(t),
        created_at: Type.String({ format: 'date-time' }),
        updated_at: Type.String({ format: 'date-time' }),
      }),
    ),
  ),
);

const loose = (description: string) => opt(Type.Unknown({ description }));

export const PatchCounterpartyBody = Type.Object(
  {
    updates: opt(
      Type.Array(
        Type.Object(
          {
            field: Type.String({ minLength: 1, maxLength: 200, description: 'Dotted path, e.g. profile.email or status' }),
            value: Type.Unknown({ description: 'A string, or JSON (objects and arrays may be JSON-encoded strings); null removes' }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 100 },
      ),
    ),
    updated_by: opt(str(200)),
    reason: opt(str(1000)),
    status: opt(enumOf(STATUSES)),
    description: loose('new value (null removes)'),
    supported_rails: loose('new value'),
    profile: loose('merged into the profile (RFC 7396)'),
    account_information: loose('merged into account_information (RFC 7396)'),
    wallet_information: loose('merged into wallet_information (RFC 7396)'),
    intermediary_information: loose('merged into intermediary_information (RFC 7396); null removes it'),
    email: loose('alias of profile.email'),
    phone: loose('alias of profile.telephone_number'),
    address: loose('alias of profile.address'),
    id: loose('read-only: accepted when equal to the current value'),
    customer_id: loose('read-only: accepted when equal to the current value'),
    counterparty_type: loose('read-only: accepted when equal to the current value'),
    created_at: loose('read-only, ignored'),
    updated_at: loose('read-only, ignored'),
  },
  { additionalProperties: false, description: 'Either {updates, updated_by, reason} (Layer2) or a plain object of fields.' },
);

export const ListCounterpartiesQuery = Type.Object(
  {
    customer_id: opt(Type.String({ maxLength: 128 })),
    counterparty_type: opt(enumOf(COUNTERPARTY_TYPES)),
    status: opt(enumOf(STATUSES)),
    page: opt(Type.String({ pattern: '^\\d{1,6}$' })),
    page_size: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    limit: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    cursor: opt(Type.String({ maxLength: 200 })),
    order: opt(enumOf(['DESC', 'ASC'] as const)),
  },
  { additionalProperties: false },
);

const Provider = Type.Literal('MX', { description: 'The account-linking provider (MX)' });
export const LinkDetailsBody = Type.Object(
  {
    linking_provider: Provider,
    is_mobile_webview: opt(Type.Boolean()),
    ui_message_webview_url_scheme: opt(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]{0,63}$', description: 'e.g. myapp' })),
  },
  { additionalProperties: false },
);
export const LinkAccountsBody = Type.Object(
  {
    linking_provider: Provider,
    member_guid: Type.String({ pattern: '^MBR-[A-Za-z0-9-]{1,64}$', description: 'From the widget’s member-connected event (MBR-…)' }),
  },
  { additionalProperties: false },
);
export const LinkConnectBody = Type.Object(
  {
    linking_provider: Provider,
    account_link_id: Type.String({ pattern: '^ACT-[A-Za-z0-9-]{1,64}$', description: 'One of available_accounts (ACT-…)' }),
  },
  { additionalProperties: false },
);
export const ScreeningBody = Type.Object(
  {
    result: enumOf(['ACTIVE', 'REJECTED', 'EDD'] as const),
    reason: opt(str(1000)),
  },
  { additionalProperties: false },
);

export const AvailableAccount = Type.Object({
  account_link_id: Type.String(),
  account_name: Type.String(),
  account_number: Type.String({ description: 'masked: all but the last 4 digits' }),
});
