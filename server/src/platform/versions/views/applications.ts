/**
 * Applications in each version's shape (LAYER2_API.md §5.4, docs/versions.md):
 *  - 1.0.5: `application_validation_errors` ({field_name, field_status}), `individual_errors`,
 *    MISSING_PERSON; no `information_attested` (a field 1.0.5 does not have);
 *  - 1.1.2: `validation_errors` ({field_name, status}), `application_individual_errors`,
 *    MISSING_INDIVIDUAL, TERMS_AND_CONDITIONS_NOT_ACCEPTED, `created_date`, `status_update_date`;
 *    and 1.0.5's keys unchanged (§5.5), so a client moving up keeps working.
 * Document errors: `id` and a description in both; 1.1.2 adds its `document_id` and `mandatory`. A blocking
 * field that the version's `field_name` enum cannot name (the documents list no individual-
 * application fields, nor terms) is named in `other_validation_errors`, an addition, so that
 * following the status endpoint always reaches READY_FOR_SUBMISSION.
 */
import { defineViews, type Json, onData, onItems, type ViewContext } from '../views.js';

const COMMON_FIELDS = [
  'customer_id', 'account_to_open', 'product_type', 'asset_type', 'id', 'registered_name', 'trading_name', 'registered_number',
  'registered_address.unit_number', 'registered_address.address_line1', 'registered_address.address_line2',
  'registered_address.address_line3', 'registered_address.city', 'registered_address.state', 'registered_address.postal_code',
  'registered_address.country_code', 'telephone_number', 'website_address', 'state_of_incorporation', 'country_of_incorporation',
  'corporate_entity_type', 'contact_title', 'contact_first_name', 'contact_last_name', 'contact_telephone_number',
  'contact_email_address', 'physical_address.unit_number', 'physical_address.address_line1', 'physical_address.address_line2',
  'physical_address.address_line3', 'physical_address.city', 'physical_address.state', 'physical_address.postal_code',
  'physical_address.country_code', 'primary_business', 'description_of_business_nature', 'is_charitable', 'business_jurisdictions',
  'funds_send_receive_jurisdictions', 'new_york_office', 'engage_in_activities', 'regulated_status',
  'regulation_agency_regulation_number', 'control_exemption_reason', 'vendors_and_counterparties', 'primary_source_of_funds',
  'total_investable_assets', 'total_assets', 'asset_allocation_to_crypto', 'investment_experience_crypto',
  'investment_strategy_crypto', 'initial_deposit_source', 'ongoing_deposit_source', 'frequency_of_crypto_transactions',
  'crypto_investment_plans', 'investment_proceeds_use', 'expected_crypto_assets', 'perform_transfers_with_unhosted_wallets',
  'known_unhosted_wallet_addresses', 'trades_per_month', 'usd_value_of_crypto', 'frequency_of_transactions',
  'monthly_crypto_investment_deposit', 'monthly_investment_deposit', 'monthly_crypto_deposits', 'monthly_deposits',
  'monthly_crypto_investment_withdrawal', 'monthly_investment_withdrawal', 'monthly_crypto_withdrawals', 'monthly_withdrawals',
  'trade_internationally', 'trade_jurisdictions',
]; // biome-ignore format: the documents' enum, in their order
const PERSON_FIELDS = [
  'id', 'person_role', 'person_status', 'first_name', 'middle_name', 'last_name', 'email_address', 'mailing_address.unit_number',
  'mailing_address.address_line1', 'mailing_address.address_line2', 'mailing_address.address_line3', 'mailing_address.city',
  'mailing_address.state', 'mailing_address.postal_code', 'mailing_address.country_code', 'telephone_number',
  'tax_reference_number', 'passport_number', 'nationality', 'date_of_birth', 'percentage_ownership', 'title', 'us_residency_status',
]; // biome-ignore format: the documents' enum, in their order

/** The `field_name` values each version's documents allow. */
const FIELD_NAMES = {
  '1.0.5': { application: new Set(COMMON_FIELDS), person: new Set(PERSON_FIELDS) },
  '1.1.2': { application: new Set([...COMMON_FIELDS, 'information_attested']), person: new Set([...PERSON_FIELDS, 'citizenship']) },
};
/** The application errors each version has; the others are said through field errors. */
const APPLICATION_ERRORS = {
  '1.0.5': {
    MISSING_BENEFICIAL_OWNER: 'MISSING_BENEFICIAL_OWNER',
    MISSING_OFFICER: 'MISSING_OFFICER',
    MISSING_INDIVIDUAL: 'MISSING_PERSON',
  },
  '1.1.2': {
    MISSING_BENEFICIAL_OWNER: 'MISSING_BENEFICIAL_OWNER',
    MISSING_OFFICER: 'MISSING_OFFICER',
    MISSING_INDIVIDUAL: 'MISSING_INDIVIDUAL',
    TERMS_AND_CONDITIONS_NOT_ACCEPTED: 'TERMS_AND_CONDITIONS_NOT_ACCEPTED',
    MISSING_AUTHORIZED_PERSON: 'MISSING_AUTHORIZED_PERSON',
    MISSING_CONTROL_PERSON: 'MISSING_CONTROL_PERSON',
  },
} as const;
/** What an application error asks for, as a field error when the version has no code for it. */
const ERROR_AS_FIELD: Record<string, { field_name: string; description: string }> = {
  TERMS_AND_CONDITIONS_NOT_ACCEPTED: {
    field_name: 'terms_and_conditions_accepted',
    description: 'terms_and_conditions_accepted must be true: PATCH it once the customer has accepted the terms.',
  },
  MISSING_CONTROL_PERSON: {
    field_name: 'individuals',
    description: 'Add a CONTROL_PERSON with POST /v1/applications/{id}/individual (or set kyc_profile.control_exemption_reason).',
  },
  MISSING_AUTHORIZED_PERSON: {
    field_name: 'individuals',
    description: 'Add an AUTHORIZED_PERSON with POST /v1/applications/{id}/individual.',
  },
};

/** Internal field names are dotted paths under customer_details; the enums name profile fields bare. */
function enumName(field: string, allowed: Set<string>): string | undefined {
  if (allowed.has(field)) return field;
  const bare = field.replace(/^(kyc_profile|investment_profile)\./, '');
  return allowed.has(bare) ? bare : undefined;
}

/**
 * A document error in the version's keys: 1.0.5 `{id, document, status, description}`; 1.1.2
 * `{document_id, document, status, mandatory}` plus 1.0.5's `id` (and the description), so a
 * client moving up keeps working. A 1.0.5 client is not shown 1.1.2's `document_id`/`mandatory`.
 */
function documentError(d: Json, version: '1.0.5' | '1.1.2'): Json {
  return {
    id: d.id ?? d.document_id,
    ...(version === '1.1.2' && { document_id: d.document_id ?? d.id }),
    document: d.document,
    status: d.status,
    ...(version === '1.1.2' && { mandatory: d.mandatory ?? true }),
    ...(d.description && { description: d.description }),
  };
}

/** One version's status body from the internal assessment. */
function status(s: Json, version: '1.0.5' | '1.1.2'): Json {
  const names = FIELD_NAMES[version];
  const statusKey = version === '1.0.5' ? 'field_status' : 'status';
  const split = (errors: Json[] = [], allowed: Set<string>) => {
    const known: Json[] = [];
    const other: Json[] = [];
    for (const e of errors) {
      const name = enumName(e.field_name, allowed);
      // 1.1.2 items carry `status` and, as LAYER2_API §5.5 suggests, 1.0.5's `field_status` too.
      const item = { [statusKey]: e.field_status, field_status: e.field_status, description: e.description };
      if (name) known.push({ field_name: name, ...item });
      else other.push({ field_name: e.field_name, ...item });
    }
    return { known, other };
  };
  const fields = split(s.application_validation_errors, names.application);
  const codes = APPLICATION_ERRORS[version] as Record<string, string>;
  const applicationErrors: string[] = [];
  for (const code of (s.application_errors ?? []) as string[]) {
    if (codes[code]) applicationErrors.push(codes[code]);
    const asField = ERROR_AS_FIELD[code];
    if (!codes[code] && asField) fields.other.push({ ...asField, [statusKey]: 'INCOMPLETE' });
  }
  const individuals = ((s.individual_errors ?? []) as Json[]).map((i) => {
    const f = split(i.individual_validation_errors, names.person);
    for (const o of f.other) fields.other.push({ ...o, field_name: `individuals.${i.id}.${o.field_name}` });
    const docs = ((i.individual_document_errors ?? []) as Json[]).map((d) => documentError(d, version));
    return version === '1.0.5'
      ? { id: i.id, individual_validation_errors: f.known, individual_document_errors: docs }
      : { individual_id: i.id, validation_errors: f.known, document_errors: docs };
  });
  const base = {
    id: s.id,
    status: s.status,
    application_type: s.application_type,
    customer_id: s.customer_id,
    account_to_open: s.account_to_open,
    terms_and_conditions_accepted: s.terms_and_conditions_accepted,
    application_errors: applicationErrors,
    application_document_errors: ((s.application_document_errors ?? []) as Json[]).map((d) => documentError(d, version)),
  };
  return version === '1.0.5'
    ? { ...base, application_validation_errors: fields.known, individual_errors: individuals, other_validation_errors: fields.other }
    : {
        ...base,
        created_date: s.created_date,
        status_update_date: s.status_update_date,
        information_attested: s.information_attested,
        validation_errors: fields.known,
        application_individual_errors: individuals,
        other_validation_errors: fields.other,
        // 1.0.5's keys, unchanged, for clients moving from 1.0.5 (LAYER2_API §5.5: extra keys are
        // safe under 1.1.2); 1.0.5 answers carry no 1.1.2 key.
        application_validation_errors: s.application_validation_errors ?? [],
        individual_errors: ((s.individual_errors ?? []) as Json[]).map((i) => ({
          ...i,
          individual_document_errors: ((i.individual_document_errors ?? []) as Json[]).map((d) => documentError(d, '1.1.2')),
        })),
      };
}

defineViews('GET /v1/applications/{}/status', {
  '1.0.5': onData((s) => status(s, '1.0.5')),
  '1.1.2': onData((s) => status(s, '1.1.2')),
});

/** Fields only Rail 1.1.2 has: a 1.0.5 client is not shown them. */
const ONLY_112 = {
  application: ['information_attested'],
  details: [
    'citizenship',
    'tax_reference_number_country',
    'ip_address',
    'registered_number_country',
    'corporate_tax_reference_number',
    'corporate_tax_reference_number_country',
  ],
  kyc: ['has_complex_ownership', 'business_jurisdictions'],
};
const without = (o: Json | undefined, keys: string[]) => {
  if (!o || typeof o !== 'object') return o;
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
};
export function person105(p: Json): Json {
  return without(p, ONLY_112.details) as Json;
}
export function details105(d: Json | undefined): Json | undefined {
  if (!d) return d;
  const out = without(d, ONLY_112.details) as Json;
  if (out.kyc_profile) out.kyc_profile = without(out.kyc_profile, ONLY_112.kyc);
  if (Array.isArray(out.individuals)) out.individuals = out.individuals.map(person105);
  return out;
}
const application105 = (a: Json, _ctx: ViewContext) => ({
  ...(without(a, ONLY_112.application) as Json),
  customer_details: details105(a.customer_details),
});

defineViews(['POST /v1/applications', 'GET /v1/applications/{}', 'PATCH /v1/applications/{}', 'POST /v1/applications/{}/submit'], {
  '1.0.5': onData(application105),
});
defineViews('GET /v1/applications', { '1.0.5': onItems('applications', application105) });
defineViews(['POST /v1/applications/{}/individual', 'PATCH /v1/applications/{}/individual/{}'], { '1.0.5': onData(person105) });
