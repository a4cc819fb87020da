/**
 * Application schemas (LAYER2_API.md §2.1). The customer fields are those of customers, made
 * optional: missing data is reported by GET /v1/applications/{id}/status, not refused; present
 * values must still be valid, and unknown fields are refused.
 */
import { type TSchema, Type } from 'typebox';
import { APPLICATION_STATUSES, DOCUMENT_STATUSES } from '../../db/schema-onboarding.js';
import { discriminated } from '../../platform/http-schemas.js';
import {
  corporationFields,
  ExternalId,
  IndividualDetailsOfCorporate,
  individualFields,
  MaskedPersonalFields,
  PatchUpdates,
} from '../customers/index.js';
import { DOCUMENT_TYPES } from '../documents/index.js';

const opt = Type.Optional;
const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description && { description }) });
const optionalAll = (fields: Record<string, TSchema>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, opt(v)]));
const ignored = (description = 'read-only, ignored') => opt(Type.Unknown({ description }));
const loose = (names: string[], description: string) => Object.fromEntries(names.map((k) => [k, opt(Type.Unknown({ description }))]));

export const APPLICATION_TYPES = ['INDIVIDUAL', 'CORPORATION'] as const;
export const ApplicationStatus = enumOf(APPLICATION_STATUSES);

export const individualApplicationFields = optionalAll(individualFields);
export const corporationApplicationFields = optionalAll(corporationFields);
/** Whole-resource schemas of the details (validated after every change). */
export const IndividualApplicationDetails = Type.Object(individualApplicationFields, { additionalProperties: false });
export const CorporationApplicationDetails = Type.Object(corporationApplicationFields, { additionalProperties: false });

export const AccountToOpen = Type.Object(
  {
    account_id: ExternalId,
    product_id: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. DEPOSIT_BASIC' }),
    asset_type_id: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. FIAT_TESTNET_USD' }),
  },
  { additionalProperties: false, description: 'The account opened when the application is approved; account_id is your own id.' },
);

/** The application-level fields a PATCH may change, besides customer_details. */
export const APPLICATION_FIELDS = {
  customer_id: ExternalId,
  account_to_open: AccountToOpen,
  terms_and_conditions_accepted: Type.Boolean({ description: 'Must be true to submit.' }),
  information_attested: Type.Boolean({ description: 'The customer attests personally that the data is true; must be true to submit.' }),
};

const readOnly = { id: ignored(), status: ignored(), created_at: ignored(), updated_at: ignored() };
const createFields = {
  customer_id: APPLICATION_FIELDS.customer_id,
  account_to_open: APPLICATION_FIELDS.account_to_open,
  terms_and_conditions_accepted: opt(APPLICATION_FIELDS.terms_and_conditions_accepted),
  information_attested: opt(APPLICATION_FIELDS.information_attested),
  ...readOnly,
};
export const CreateIndividualApplication = Type.Object(
  {
    application_type: Type.Literal('INDIVIDUAL'),
    ...createFields,
    customer_details: opt(Type.Object(individualApplicationFields, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export const CreateCorporationApplication = Type.Object(
  {
    application_type: Type.Literal('CORPORATION'),
    ...createFields,
    customer_details: opt(
      Type.Object(
        {
          ...corporationApplicationFields,
          individuals: ignored('read-only, ignored: add individuals with POST /v1/applications/{id}/individual'),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export const CreateApplicationBody = discriminated('application_type', [CreateIndividualApplication, CreateCorporationApplication]);
export interface CreateApplicationBodyT {
  application_type: 'INDIVIDUAL' | 'CORPORATION';
  customer_id: string;
  account_to_open: { account_id: string; product_id: string; asset_type_id: string };
  terms_and_conditions_accepted?: boolean | undefined;
  information_attested?: boolean | undefined;
  customer_details?: Record<string, unknown> | undefined;
}

export const ApplicationIndividual = Type.Object({
  id: Type.String(),
  application_id: Type.String(),
  ...IndividualDetailsOfCorporate,
  ...MaskedPersonalFields,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const common = {
  id: Type.String(),
  status: ApplicationStatus,
  customer_id: Type.String(),
  account_to_open: AccountToOpen,
  terms_and_conditions_accepted: Type.Boolean(),
  information_attested: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};
export const IndividualApplication = Type.Object(
  {
    ...common,
    application_type: Type.Literal('INDIVIDUAL'),
    customer_details: Type.Object({ ...individualApplicationFields, ...MaskedPersonalFields }),
  },
  { $id: 'IndividualApplication' },
);
export const CorporationApplication = Type.Object(
  {
    ...common,
    application_type: Type.Literal('CORPORATION'),
    customer_details: Type.Object({ ...corporationApplicationFields, individuals: Type.Array(ApplicationIndividual) }),
  },
  { $id: 'CorporationApplication' },
);
export const Application = discriminated('application_type', [IndividualApplication, CorporationApplication]);

const allDetailKeys = [...new Set([...Object.keys(individualFields), ...Object.keys(corporationFields)])];
export const PatchApplicationBody = Type.Object(
  {
    updates: opt(PatchUpdates),
    updated_by: opt(Type.String({ minLength: 1, maxLength: 200 })),
    reason: opt(Type.String({ minLength: 1, maxLength: 1000 })),
    ...loose(Object.keys(APPLICATION_FIELDS), 'new value'),
    ...loose(['customer_details'], 'fields of customer_details to change (merged; null removes a field)'),
    ...loose(allDetailKeys, 'a field of customer_details, by name (null removes it)'),
    ...loose(['email'], 'alias of email_address'),
    ...loose(['phone'], 'alias of telephone_number'),
    ...loose(['address'], 'alias of mailing_address (registered_address for corporations)'),
    ...loose(['id', 'application_type'], 'read-only: accepted when equal to the current value'),
    ...loose(['status', 'created_at', 'updated_at', 'individuals'], 'read-only, ignored'),
  },
  {
    additionalProperties: false,
    description:
      'Either {updates:[{field, value}]} with dotted fields (customer_details.mailing_address.city, terms_and_conditions_accepted, account_to_open.product_id, …) or a plain object of fields.',
  },
);

export const CreateApplicationIndividualBody = Type.Object(
  {
    ...IndividualDetailsOfCorporate,
    id: ignored('read-only, ignored: the platform assigns the id'),
    application_id: ignored(),
    created_at: ignored(),
    updated_at: ignored(),
  },
  { additionalProperties: false },
);

export const PatchApplicationIndividualBody = Type.Object(
  {
    updates: opt(PatchUpdates),
    updated_by: opt(Type.String({ minLength: 1, maxLength: 200 })),
    reason: opt(Type.String({ minLength: 1, maxLength: 1000 })),
    ...loose(Object.keys(IndividualDetailsOfCorporate), 'new value (null removes an optional field)'),
    ...loose(['email'], 'alias of email_address'),
    ...loose(['phone'], 'alias of telephone_number'),
    ...loose(['address'], 'alias of mailing_address'),
    ...loose(['role'], 'alias of individual_type; a single value or a list'),
    ...loose(['ownership_percentage'], 'alias of percentage_ownership'),
    ...loose(['id', 'application_id'], 'read-only: accepted when equal to the current value'),
    ...loose(['created_at', 'updated_at'], 'read-only, ignored'),
  },
  { additionalProperties: false },
);

const bool = (description: string) => opt(Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'], description }));
export const ListApplicationsQuery = Type.Object(
  {
    status: opt(ApplicationStatus),
    application_type: opt(enumOf(APPLICATION_TYPES)),
    customer_id: opt(Type.String({ maxLength: 128 })),
    terms_and_conditions_accepted: bool('true or false'),
    information_attested: bool('true or false'),
    customer_name: opt(
      Type.String({ minLength: 1, maxLength: 200, description: 'Part of the name (first/last, registered or trading name), any case.' }),
    ),
    email_address: opt(Type.String({ minLength: 1, maxLength: 254, description: 'The email address, any case.' })),
    page: opt(Type.String({ pattern: '^\\d{1,6}$' })),
    page_size: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    limit: opt(Type.String({ pattern: '^\\d{1,3}$' })),
    cursor: opt(Type.String({ maxLength: 200 })),
    order: opt(enumOf(['DESC', 'ASC'] as const)),
    order_by: opt(enumOf(['created_at'] as const, 'Creation order only.')),
  },
  { additionalProperties: false },
);

export const FIELD_STATUSES = ['INCOMPLETE', 'READY_FOR_SUBMISSION', 'CHANGES_REQUESTED', 'APPROVED'] as const;
export const APPLICATION_ERRORS = [
  'MISSING_BENEFICIAL_OWNER',
  'MISSING_OFFICER',
  'MISSING_INDIVIDUAL',
  'TERMS_AND_CONDITIONS_NOT_ACCEPTED',
  'MISSING_AUTHORIZED_PERSON',
  'MISSING_CONTROL_PERSON',
] as const;
export type ApplicationErrorCode = (typeof APPLICATION_ERRORS)[number];

const FieldError = Type.Object({ field_name: Type.String(), field_status: enumOf(FIELD_STATUSES), description: Type.String() });
const DocumentError = Type.Object({
  id: Type.String({ description: 'The document id to upload to (POST /v1/documents/{id}).' }),
  status: enumOf(DOCUMENT_STATUSES),
  document: enumOf(Object.keys(DOCUMENT_TYPES)),
  description: Type.String(),
});
export const ApplicationState = Type.Object({
  id: Type.String(),
  status: ApplicationStatus,
  application_type: enumOf(APPLICATION_TYPES),
  customer_id: Type.String(),
  account_to_open: AccountToOpen,
  terms_and_conditions_accepted: Type.Boolean(),
  information_attested: Type.Boolean(),
  application_errors: Type.Array(enumOf(APPLICATION_ERRORS)),
  validation_errors: Type.Array(FieldError, { description: 'Fields missing or to change (1.1.2 name).' }),
  application_validation_errors: Type.Array(FieldError, { description: 'The same list (1.0.5 name).' }),
  application_document_errors: Type.Array(DocumentError, { description: 'Every document required of the application, with its status.' }),
  document_errors: Type.Array(DocumentError, { description: 'The same list (alias).' }),
  individual_errors: Type.Array(
    Type.Object({
      id: Type.String(),
      individual_validation_errors: Type.Array(FieldError),
      individual_document_errors: Type.Array(DocumentError),
    }),
    { description: 'One entry per individual of a corporate application.' },
  ),
});

const decisionFields = {
  decision: enumOf(['APPROVED', 'REJECTED', 'CHANGES_REQUESTED'] as const),
  fields: opt(
    Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      maxItems: 100,
      uniqueItems: true,
      description: 'CHANGES_REQUESTED: fields to change, e.g. customer_details.date_of_birth, customer_id, individuals.<id>.first_name.',
    }),
  ),
  documents: opt(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 100,
      uniqueItems: true,
      description: 'CHANGES_REQUESTED: ids of documents to upload again.',
    }),
  ),
};
export const AdminDecisionBody = Type.Object(
  { ...decisionFields, reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export const SimulationDecisionBody = Type.Object(
  { ...decisionFields, reason: opt(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);
export interface DecisionInput {
  decision: 'APPROVED' | 'REJECTED' | 'CHANGES_REQUESTED';
  reason?: string | undefined;
  fields?: string[] | undefined;
  documents?: string[] | undefined;
}

export const AccessCode = Type.Object({
  id: Type.String({ description: 'The application id.' }),
  access_code: Type.String(),
  expiry: Type.String({ format: 'date-time' }),
});
