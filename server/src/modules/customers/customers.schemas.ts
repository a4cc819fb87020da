/**
 * Customer schemas: seed 001 (individual, Layer2 1.0.5 RequestCustomer) and the corporate
 * fields of LAYER2_API.md §2.1/§2.3. One set of property maps builds the create bodies, the
 * whole-resource validators used by PATCH, and the response, so they cannot drift apart.
 */
import { type Static, Type } from 'typebox';
import { discriminated } from '../../platform/http-schemas.js';
import { STATUSES } from '../../shared/status.js';

const str = (maxLength = 200, extra: object = {}) => Type.String({ minLength: 1, maxLength, ...extra });
const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description && { description }) });
const country = (description = 'ISO 3166-1 alpha-2 country code') => Type.String({ format: 'country-code', description });
const opt = Type.Optional;

export const ASSET_BAND = [
  'UPTO_10K',
  'TEN_TO_100K',
  'ONEHUNDREDK_TO_1M',
  'ONE_TO_10M',
  'TEN_TO_50M',
  'FIFTY_TO_250M',
  'MORE_THAN_250M',
] as const;
export const COUNT_BAND = ['UPTO_5', 'FIVE_TO_10', 'TEN_TO_25', 'MORE_THAN_25'] as const;
export const VALUE_BAND = ['UPTO_1K', 'ONE_TO_100K', 'ONEHUNDREDK_TO_1M', 'MILLION_TO_5M', 'MORE_THAN_5M'] as const;
export const FREQ = ['DAILY', 'WEEKLY', 'BIWEEKLY', 'MONTHLY', 'QUARTERLY', 'SEMI_ANNUALLY'] as const;
export const ACTIVITIES = ['NONE', 'ADULT_ENTERTAINMENT', 'DRUGS', 'FIREARMS', 'GAMBLING', 'MARIJUANA', 'TUMBLING'] as const;
export const SOURCE_OF_FUNDS = [
  'EMPLOYMENT',
  'SAVINGS',
  'WINNINGS',
  'MARITAL',
  'REAL_ESTATE',
  'TRUST',
  'INVESTMENT',
  'OTHER',
  'COMPANY',
  'COMPANY_CAPITAL',
  'LOAN',
  'PRIVATE_CAPITAL',
  'GRANT',
] as const;
export const US_RESIDENCY = ['US_CITIZEN', 'RESIDENT_ALIEN', 'NON_RESIDENT_ALIEN'] as const;
export const EMPLOYMENT_STATUS = ['EMPLOYEE', 'SELF_EMPLOYED', 'RETIRED', 'UNEMPLOYED', 'OTHER'] as const;
export const CORPORATE_ENTITY_TYPE = [
  'C_CORP_PRIVATE',
  'C_CORP_PUBLIC',
  'HNWI',
  'LLC',
  'LLP',
  'LP',
  'S_CORP',
  'SOLE_PROP',
  'TRUST',
  'NON_PROFIT',
  'OTHER',
] as const;
export const PRIMARY_BUSINESS = [
  'SOFTWARE',
  'ATM',
  'BROKER',
  'CHARITY',
  'COMMODITIES',
  'DEFI_EXCHANGE',
  'GOVERNMENT_FOREIGN',
  'GOVERNMENT_US',
  'HNWI',
  'INSURANCE',
  'ADVISOR',
  'LOAN',
  'MINER',
  'NFT',
  'NON_BANK_CUSTODIAN',
  'PENSION',
  'WHV',
  'POOLED_INVESTMENT',
  'PROP_TRADING',
  'PUBLIC',
  'SPV',
  'STATE_FOREIGN',
  'STATE_US',
  'SUPRANATIONAL_BODY',
  'PAYMENT_PROCESSOR',
  'TOKEN_PROJECT',
  'TRUST_PERSONAL',
  'TRUST_CORP',
  'BANK_US',
  'BANK_FOREIGN',
  'CRYPTO_MSB_US',
  'CRYPTO_MSB_FOREIGN',
  'NON_CRYPTO_MSB_US',
  'NON_CRYPTO_MSB_FOREIGN',
  'OTHER',
  // Rail 1.1.2 adds these (and drops OTHER): the union is accepted (docs/versions.md).
  'ACCOUNTANCY',
  'ADULT_ENTERTAINMENT',
  'ADULT_PRODUCTS',
  'ADVERTISING_MARKETING_PR',
  'AEROSPACE',
  'AGRICULTURE',
  'ALCOHOL',
  'ARCHITECTURE',
  'ARTS_ANTIQUES',
  'ASSET_WEALTH_MANAGEMENT',
  'AUTOMOBILE_CAR_PARTS',
  'AUTOMOBILE_LUXURY',
  'BARS_RESTAURANTS',
  'BIO_SCIENCE',
  'BOOKS_MAGAZINES_NEWSPAPERS',
  'BROADCASTERS_RADIO_TV',
  'BUILDING_MATERIALS',
  'CALL_CENTER',
  'CASINO_GAMBLING',
  'CHEMICAL_MANUFACTURING',
  'CLOTHING_TEXTILES',
  'COMPANY_FORMATION',
  'CONSTRUCTION_TRADES',
  'CYBER_SECURITY',
  'DATA_STORAGE_PROCESSING',
  'ECOMMERCE',
  'ELECTRONICS_MOBILE_PHONES',
  'ENGINEERING',
  'EVENT_PLANNING',
  'FITNESS_EQUIPMENT',
  'FOOD_BEVERAGE',
  'FOUNDATION',
  'FREIGHT_LOGISTICS_SHIPPING',
  'HEALTH_SUPPLEMENTS',
  'HEAVY_EQUIPMENT',
  'HISTORICAL_CULTURAL_ARTIFACTS',
  'HOSPITALITY',
  'HOSPITALS_CARE_FACILITIES',
  'IMPORT_EXPORT',
  'INDUSTRIAL_EQUIPMENT',
  'INFLUENCER_SOCIAL_MEDIA',
  'INSURANCE_INSURANCE_COMPANIES',
  'INVESTMENT_FIRMS',
  'IT_MANAGED_SERVICES',
  'LEGAL_SERVICES',
  'LOGGING_TIMBER_PAPER_MILLS',
  'LUXURY_GOODS',
  'LUXURY_GOODS_BROKER',
  'MINING_EXTRACTION',
  'MULTILEVEL_MARKETING',
  'MUSIC_PRODUCTION',
  'OIL_GAS',
  'PAWN_BROKERS',
  'PAYROLL',
  'POLITICAL_PARTY_GROUP',
  'PRECIOUS_METALS',
  'PRIVATE_EQUITY',
  'PRIVATE_JET_CHARTER',
  'REAL_ESTATE_INVESTMENT',
  'RETAILER_DURABLE',
  'RETAILER_NON_DURABLE',
  'SCHOOL_UNIVERSITY',
  'SECURITY',
  'SOFTWARE_BLOCKCHAIN_CRYPTO',
  'SPORTING_PROFESSIONAL_CLUB',
  'TAX_ADVISORS',
  'TAXI_PRIVATE_TRANSPORT',
  'TELECOMMUNICATIONS',
  'TOBACCO',
  'TRAVEL',
  'UTILITIES_WATER_GAS_ELECTRIC',
  'VENTURE_CAPITAL',
  'VIDEO_GAMES',
  'WASTE_MANAGEMENT_RECYCLING',
  'WEAPONS_MANUFACTURER',
  'WEAPONS_MILITARY_SERVICES',
  'WHOLESALER_DURABLE',
  'WHOLESALER_NON_DURABLE',
] as const;
export const REGULATED_STATUS = ['REGULATED', 'REGISTERED', 'LICENSED', 'NONE', 'NOT_REQUIRED'] as const;
export const CONTROL_EXEMPTION = [
  'REGULATED',
  'PUBLICLY_TRADED',
  'PUBLIC_SUBSIDIARY',
  'PUBLIC_ACCOUNTING',
  'INSURANCE',
  'GOVERNMENT_AGENCY',
  'BANK_HOLDING',
  'SAVINGS_LOAN',
  'FMU',
  'FOREIGN_PRIVATE_BANK',
  'FOREIGN_INSTITUTION',
  'ISSUER',
  'INVESTMENT',
  'COMMODITIES',
  'POOLED_INVESTMENT',
  'NON_GOVERNMENT_SUBDIVISION',
  'NON_ENTITY',
  'NONE',
] as const;
export const INDIVIDUAL_TYPES = ['INDIVIDUAL', 'OFFICER', 'BENEFICIAL_OWNER', 'CONTROL_PERSON', 'AUTHORIZED_PERSON'] as const;
export const CUSTOMER_TYPES = ['INDIVIDUAL', 'CORPORATION'] as const;

export const Address = Type.Object(
  {
    unit_number: opt(str(50)),
    address_line1: opt(str()),
    address_line2: opt(str()),
    address_line3: opt(str()),
    city: opt(str(100)),
    state: opt(
      Type.String({ pattern: '^[A-Z0-9]{1,3}$', description: 'ISO 3166-2 subdivision code without the country prefix (e.g. NY)' }),
    ),
    postal_code: opt(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$' })),
    country_code: opt(country()),
  },
  { additionalProperties: false },
);

const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ format: 'e164', description: 'E.164, e.g. +14155550123' });
const PastDate = Type.String({ format: 'past-date', description: 'RFC 3339 full-date (YYYY-MM-DD), not in the future' });
const Countries = Type.Array(country(), { uniqueItems: true, maxItems: 250 });
const JurisdictionList = Type.Array(str(100), { maxItems: 250 });
/** A string (1.0.5) or a list of Rail 1.1.2's values; stored and echoed in the shape written. */
const VendorsAndCounterparties = Type.Unsafe<string | string[]>({
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 200 },
    { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 },
  ],
  description: 'A string (1.0.5) or a list (1.1.2: SELF, MERCHANTS_SUPPLIERS, CUSTOMERS, EMPLOYEES, CONTRACTORS, FRIENDS, FAMILY).',
});
/** One value (both documents) or a list (Ledgerline's earlier form); stored as written. */
const oneOrMany = (item: ReturnType<typeof Type.String> | ReturnType<typeof enumOf>, description: string) =>
  Type.Unsafe<string | string[]>({ anyOf: [item, { type: 'array', items: item, uniqueItems: true, maxItems: 100 }], description });
const IpAddress = Type.String({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], description: 'IPv4 or IPv6 address' });

export const IndividualInvestmentProfile = Type.Object(
  {
    primary_source_of_funds: opt(enumOf(SOURCE_OF_FUNDS)),
    primary_source_of_funds_description: opt(str(500)),
    total_assets: opt(enumOf(ASSET_BAND)),
    usd_value_of_fiat: opt(enumOf(ASSET_BAND)),
    usd_value_of_crypto: opt(enumOf(ASSET_BAND)),
    monthly_deposits: opt(enumOf(COUNT_BAND)),
    monthly_withdrawals: opt(enumOf(COUNT_BAND)),
    monthly_crypto_deposits: opt(enumOf(COUNT_BAND)),
    monthly_crypto_withdrawals: opt(enumOf(COUNT_BAND)),
    monthly_investment_deposit: opt(enumOf(VALUE_BAND)),
    monthly_investment_withdrawal: opt(enumOf(VALUE_BAND)),
    monthly_crypto_investment_deposit: opt(enumOf(VALUE_BAND)),
    monthly_crypto_investment_withdrawal: opt(enumOf(VALUE_BAND)),
  },
  { additionalProperties: false },
);

export const IndividualKycProfile = Type.Object(
  {
    funds_send_receive_jurisdictions: opt(JurisdictionList),
    business_jurisdictions: opt(Type.Array(country(), { uniqueItems: true, maxItems: 250 })),
    engage_in_activities: opt(Type.Array(enumOf(ACTIVITIES), { uniqueItems: true })),
    vendors_and_counterparties: opt(VendorsAndCounterparties),
  },
  { additionalProperties: false },
);

export const CorporateInvestmentProfile = Type.Object(
  {
    primary_source_of_funds: opt(enumOf(SOURCE_OF_FUNDS)),
    primary_source_of_funds_description: opt(str(500)),
    total_investable_assets: opt(enumOf(ASSET_BAND)),
    total_assets: opt(enumOf(ASSET_BAND)),
    asset_allocation_to_crypto: opt(enumOf(ASSET_BAND)),
    usd_value_of_crypto: opt(enumOf(ASSET_BAND)),
    usd_value_of_fiat: opt(enumOf(ASSET_BAND)),
    investment_experience_crypto: opt(enumOf(['LITTLE', 'MODERATE', 'SIGNIFICANT'] as const)),
    investment_strategy_crypto: opt(enumOf(['LOW_RISK', 'MEDIUM_RISK', 'HIGH_RISK', 'OTHER'] as const)),
    initial_deposit_source: opt(enumOf(['DEPOSIT', 'WIRE'] as const)),
    ongoing_deposit_source: opt(enumOf(['DEPOSIT', 'WIRE'] as const)),
    initial_deposit_source_crypto_details: opt(str(500)),
    initial_deposit_source_fiat_details: opt(str(500)),
    frequency_of_crypto_transactions: opt(enumOf(FREQ)),
    frequency_of_transactions: opt(enumOf(FREQ)),
    crypto_investment_plans: opt(
      oneOrMany(enumOf(['CUSTODY', 'STAKING', 'TRADING', 'LENDING', 'BORROWING'] as const), 'One plan (Layer2) or a list.'),
    ),
    investment_proceeds_use: opt(str(500)),
    expected_crypto_assets: opt(oneOrMany(str(50), 'A string (Layer2) or a list of asset names.')),
    perform_transfers_with_unhosted_wallets: opt(Type.Boolean()),
    known_unhosted_wallet_addresses: opt(oneOrMany(str(200), 'A string (Layer2) or a list of addresses.')),
    trades_per_month: opt(
      enumOf([
        'UPTO_20',
        'TWENTYONE_TO_30',
        'THIRTYONE_TO_100',
        'ONEHUNDREDANDONE_TO_200',
        'TWOHUNDREDANDONE_TO_400',
        'MORE_THAN_400',
      ] as const),
    ),
    monthly_deposits: opt(enumOf(COUNT_BAND)),
    monthly_withdrawals: opt(enumOf(COUNT_BAND)),
    monthly_crypto_deposits: opt(enumOf(COUNT_BAND)),
    monthly_crypto_withdrawals: opt(enumOf(COUNT_BAND)),
    monthly_investment_deposit: opt(enumOf(VALUE_BAND)),
    monthly_investment_withdrawal: opt(enumOf(VALUE_BAND)),
    monthly_crypto_investment_deposit: opt(enumOf(VALUE_BAND)),
    monthly_crypto_investment_withdrawal: opt(enumOf(VALUE_BAND)),
    trade_internationally: opt(Type.Boolean()),
    trade_jurisdictions: opt(Countries),
  },
  { additionalProperties: false },
);

export const CorporateKycProfile = Type.Object(
  {
    primary_business: opt(enumOf(PRIMARY_BUSINESS)),
    description_of_business_nature: opt(str(1000)),
    is_charitable: opt(Type.Boolean()),
    business_jurisdictions: opt(Countries),
    funds_send_receive_jurisdictions: opt(JurisdictionList),
    has_complex_ownership: opt(Type.Boolean()),
    new_york_office: opt(Type.Boolean()),
    engage_in_activities: opt(Type.Array(enumOf(ACTIVITIES), { uniqueItems: true })),
    regulated_status: opt(enumOf(REGULATED_STATUS)),
    regulation_agency: opt(str(200)),
    regulation_agency_regulation_number: opt(str(100)),
    control_exemption_reason: opt(enumOf(CONTROL_EXEMPTION)),
    vendors_and_counterparties: opt(VendorsAndCounterparties),
  },
  { additionalProperties: false },
);

/** Profile fields of an individual customer (seed 001), without id and type. */
export const individualFields = {
  first_name: str(100),
  middle_name: opt(str(100)),
  last_name: str(100),
  email_address: opt(Email),
  mailing_address: opt(Address),
  telephone_number: opt(Phone),
  tax_reference_number: opt(str(50)),
  tax_reference_number_country: opt(country()),
  passport_number: opt(Type.String({ pattern: '^[A-Za-z0-9]{5,20}$' })),
  nationality: opt(country('ISO 3166-1 alpha-2 nationality')),
  citizenship: opt(Countries),
  date_of_birth: opt(PastDate),
  ip_address: opt(IpAddress),
  us_residency_status: opt(enumOf(US_RESIDENCY)),
  employment_status: opt(enumOf(EMPLOYMENT_STATUS)),
  employment_description: opt(str(500)),
  employer_name: opt(str(200)),
  occupation: opt(str(200)),
  investment_profile: opt(IndividualInvestmentProfile),
  kyc_profile: opt(IndividualKycProfile),
};

/** Profile fields of a corporate customer (LAYER2_API.md §2.1 CorporationApplication). */
export const corporationFields = {
  registered_name: str(200),
  trading_name: opt(str(200)),
  registered_number: opt(str(100)),
  registered_number_country: opt(country()),
  corporate_tax_reference_number: opt(str(50)),
  corporate_tax_reference_number_country: opt(country()),
  registered_address: opt(Address),
  physical_address: opt(Address),
  telephone_number: opt(Phone),
  website_address: opt(Type.String({ format: 'uri', maxLength: 500, pattern: '^https?://' })),
  ip_address: opt(IpAddress),
  state_of_incorporation: opt(Type.String({ pattern: '^[A-Z0-9]{1,3}$' })),
  country_of_incorporation: opt(country()),
  corporate_entity_type: opt(enumOf(CORPORATE_ENTITY_TYPE)),
  corporate_entity_type_description: opt(str(500)),
  email_address: opt(Email),
  established_on: opt(PastDate),
  naics: opt(Type.String({ pattern: '^\\d{2,6}$', description: 'NAICS code, 2 to 6 digits' })),
  naics_description: opt(str(500)),
  investment_profile: opt(CorporateInvestmentProfile),
  kyc_profile: opt(CorporateKycProfile),
};

/** `OTHER` entity types need a description (JSON Schema if/then, not a thenable). */
const otherNeedsDescription = {
  if: { properties: { corporate_entity_type: { const: 'OTHER' } }, required: ['corporate_entity_type'] },
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
  then: { required: ['corporate_entity_type_description'] },
};

export const IndividualDetails = Type.Object(individualFields, { additionalProperties: false });
export const CorporationDetails = Type.Object(corporationFields, { additionalProperties: false, ...otherNeedsDescription });

export const ExternalId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$',
  description:
    'Your own identifier for the resource: 1-128 of letters, digits and _ . : @ -, starting with a letter or digit; unique per client.',
});

/** Read-only fields a client may send back unchanged: accepted and ignored (CONTRACT §2). */
const readOnlyIgnored = {
  status: opt(Type.Unknown({ description: 'read-only, ignored' })),
  created_at: opt(Type.Unknown({ description: 'read-only, ignored' })),
  updated_at: opt(Type.Unknown({ description: 'read-only, ignored' })),
  accounts: opt(Type.Unknown({ description: 'read-only, ignored' })),
  individuals: opt(Type.Unknown({ description: 'read-only, ignored' })),
};

export const CreateIndividualCustomer = Type.Object(
  { id: ExternalId, customer_type: Type.Literal('INDIVIDUAL'), ...individualFields, ...readOnlyIgnored },
  { additionalProperties: false },
);
export const CreateCorporationCustomer = Type.Object(
  { id: ExternalId, customer_type: Type.Literal('CORPORATION'), ...corporationFields, ...readOnlyIgnored },
  { additionalProperties: false, ...otherNeedsDescription },
);
export const CreateCustomerBody = discriminated('customer_type', [CreateIndividualCustomer, CreateCorporationCustomer]);
export type CreateCustomerBodyT = Static<typeof CreateCustomerBody>;

export const IndividualDetailsOfCorporate = {
  individual_type: Type.Array(enumOf(INDIVIDUAL_TYPES), { minItems: 1, uniqueItems: true }),
  title: opt(str(100)),
  first_name: str(100),
  middle_name: opt(str(100)),
  last_name: str(100),
  email_address: opt(Email),
  mailing_address: opt(Address),
  telephone_number: opt(Phone),
  tax_reference_number: opt(str(50)),
  tax_reference_number_country: opt(country()),
  citizenship: opt(Countries),
  passport_number: opt(Type.String({ pattern: '^[A-Za-z0-9]{5,20}$' })),
  nationality: opt(country()),
  date_of_birth: opt(PastDate),
  percentage_ownership: opt(Type.Integer({ minimum: 0, maximum: 100 })),
  us_residency_status: opt(enumOf(US_RESIDENCY)),
};
export const PersonDetails = Type.Object(IndividualDetailsOfCorporate, { additionalProperties: false });

export const CreateIndividualBody = Type.Object(
  {
    ...IndividualDetailsOfCorporate,
    id: opt(Type.Unknown({ description: 'read-only, ignored: the platform assigns the id' })),
    customer_id: opt(Type.Unknown({ description: 'read-only, ignored' })),
    created_at: opt(Type.Unknown({ description: 'read-only, ignored' })),
    updated_at: opt(Type.Unknown({ description: 'read-only, ignored' })),
  },
  { additionalProperties: false },
);
export type CreateIndividualBodyT = Static<typeof CreateIndividualBody>;

/** In answers: personal identifiers are masked unless the caller holds customers:sensitive (CONTRACT §17). */
const maskedAnswer = (what: string) =>
  opt(
    Type.String({
      description: `${what}. Answered masked, \`*****\` and the last 4 characters (e.g. \`*****6789\`), unless the caller holds the scope \`customers:sensitive\`; stored encrypted.`,
    }),
  );
export const MaskedPersonalFields = {
  tax_reference_number: maskedAnswer('Tax reference number'),
  passport_number: maskedAnswer('Passport number'),
};

export const Individual = Type.Object({
  id: Type.String(),
  customer_id: Type.String(),
  ...IndividualDetailsOfCorporate,
  ...MaskedPersonalFields,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const Status = enumOf(STATUSES, 'ACTIVE, PENDING, EDD, FROZEN, DORMANT, CLOSED, or an _L2F variant set by the operator');
const common = {
  status: Status,
  accounts: Type.Array(Type.Object({ id: Type.String(), asset_type_id: Type.String(), status: Type.String() }), {
    description: 'The customer’s accounts (id, asset, status).',
  }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};
export const IndividualCustomer = Type.Object(
  { id: Type.String(), customer_type: Type.Literal('INDIVIDUAL'), ...individualFields, ...MaskedPersonalFields, ...common },
  { $id: 'IndividualCustomer' },
);
export const CorporationCustomer = Type.Object(
  { id: Type.String(), customer_type: Type.Literal('CORPORATION'), ...corporationFields, individuals: Type.Array(Individual), ...common },
  { $id: 'CorporationCustomer' },
);
export const Customer = discriminated('customer_type', [IndividualCustomer, CorporationCustomer]);

/** PATCH: the Layer2 `updates` list, or a plain object of fields. Validated whole after merging. */
export const PatchUpdates = Type.Array(
  Type.Object(
    {
      field: Type.String({ minLength: 1, maxLength: 200, description: 'Dotted path, e.g. mailing_address.city or status' }),
      value: Type.Unknown({ description: 'A string, or JSON (arrays/objects may also be JSON-encoded strings); null removes' }),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 100 },
);

/** Plain-form fields are typed loosely here and validated as the whole merged resource, so a bad
 * value is reported once, at its canonical field name. */
const plainFields = (names: string[], description: string) => Object.fromEntries(names.map((k) => [k, opt(Type.Unknown({ description }))]));

export const PatchCustomerBody = Type.Object(
  {
    updates: opt(PatchUpdates),
    updated_by: opt(str(200)),
    reason: opt(str(1000)),
    ...plainFields(Object.keys({ ...individualFields, ...corporationFields }), 'new value (null removes an optional field)'),
    status: opt(Status),
    ...plainFields(['email'], 'alias of email_address'),
    ...plainFields(['phone'], 'alias of telephone_number'),
    ...plainFields(['address'], 'alias of mailing_address (registered_address for corporations)'),
    ...plainFields(['id', 'customer_type'], 'read-only: accepted when equal to the current value'),
    ...plainFields(['created_at', 'updated_at', 'accounts', 'individuals'], 'read-only, ignored'),
  },
  { additionalProperties: false, description: 'Either {updates, updated_by, reason} (Layer2) or a plain object of fields.' },
);
export type PatchCustomerBodyT = Static<typeof PatchCustomerBody>;

export const PatchIndividualBody = Type.Object(
  {
    updates: opt(PatchUpdates),
    updated_by: opt(str(200)),
    reason: opt(str(1000)),
    ...plainFields(Object.keys(IndividualDetailsOfCorporate), 'new value (null removes an optional field)'),
    ...plainFields(['email'], 'alias of email_address'),
    ...plainFields(['phone'], 'alias of telephone_number'),
    ...plainFields(['address'], 'alias of mailing_address'),
    ...plainFields(['role'], 'alias of individual_type; a single value or a list'),
    ...plainFields(['ownership_percentage'], 'alias of percentage_ownership'),
    ...plainFields(['id', 'customer_id'], 'read-only: accepted when equal to the current value'),
    ...plainFields(['created_at', 'updated_at'], 'read-only, ignored'),
  },
  { additionalProperties: false },
);
export type PatchIndividualBodyT = Static<typeof PatchIndividualBody>;

export const ListCustomersQuery = Type.Object(
  {
    type: opt(enumOf(CUSTOMER_TYPES)),
    customer_type: opt(enumOf(CUSTOMER_TYPES, 'alias of type')),
    status: opt(Status),
    page: opt(Type.String({ pattern: '^\\d{1,6}$' })),
    page_size: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    limit: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    cursor: opt(Type.String({ maxLength: 200 })),
    order: opt(enumOf(['DESC', 'ASC'] as const)),
  },
  { additionalProperties: false },
);
