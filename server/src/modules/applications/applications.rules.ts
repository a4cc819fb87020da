/**
 * What an application needs before it can be submitted: required fields (base and conditional),
 * application errors, required documents. Pure functions over the stored data; the rules are
 * written out for clients in docs/applications.md — keep the two in step.
 */
import type { ApplicationStatus } from '../../db/schema-onboarding.js';
import { DOCUMENT_TYPES, type DocumentRow, type DocumentType, type Requirement } from '../documents/index.js';
import type { ApplicationErrorCode } from './applications.schemas.js';

type Json = Record<string, unknown>;

export interface ApplicationFacts {
  applicationType: 'INDIVIDUAL' | 'CORPORATION';
  status: ApplicationStatus;
  termsAndConditionsAccepted: boolean;
  informationAttested: boolean;
  /** false for applications created in API version 1.0.5, which has no attestation field. */
  attestationRequired?: boolean;
  details: Json;
  changesRequested: string[];
  decisionReason: string | null;
}
export interface IndividualFacts {
  id: string;
  details: Json;
}

interface FieldRule {
  field: string;
  when?: (d: Json) => boolean;
  because?: string;
}

export const valueAt = (obj: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((node, seg) => (node && typeof node === 'object' ? (node as Json)[seg] : undefined), obj);
const is =
  (path: string, ...values: unknown[]) =>
  (d: Json) =>
    values.includes(valueAt(d, path));
const hasRole = (d: Json, role: string) => Array.isArray(d.individual_type) && d.individual_type.includes(role);

const address = (prefix: string): FieldRule[] => [
  ...['address_line1', 'city', 'postal_code', 'country_code'].map((f) => ({ field: `${prefix}.${f}` })),
  { field: `${prefix}.state`, when: is(`${prefix}.country_code`, 'US'), because: `${prefix}.country_code is US` },
];
const taxId: FieldRule = {
  field: 'tax_reference_number',
  when: is('us_residency_status', 'US_CITIZEN', 'RESIDENT_ALIEN'),
  because: 'us_residency_status is US_CITIZEN or RESIDENT_ALIEN',
};

export const INDIVIDUAL_RULES: FieldRule[] = [
  { field: 'first_name' },
  { field: 'last_name' },
  { field: 'date_of_birth' },
  { field: 'email_address' },
  { field: 'nationality' },
  ...address('mailing_address'),
  taxId,
  { field: 'employer_name', when: is('employment_status', 'EMPLOYEE'), because: 'employment_status is EMPLOYEE' },
  { field: 'employment_description', when: is('employment_status', 'OTHER'), because: 'employment_status is OTHER' },
  {
    field: 'investment_profile.primary_source_of_funds_description',
    when: is('investment_profile.primary_source_of_funds', 'OTHER'),
    because: 'investment_profile.primary_source_of_funds is OTHER',
  },
];

export const CORPORATION_RULES: FieldRule[] = [
  { field: 'registered_name' },
  { field: 'registered_number' },
  { field: 'corporate_entity_type' },
  { field: 'country_of_incorporation' },
  { field: 'email_address' },
  ...address('registered_address'),
  { field: 'corporate_entity_type_description', when: is('corporate_entity_type', 'OTHER'), because: 'corporate_entity_type is OTHER' },
  { field: 'state_of_incorporation', when: is('country_of_incorporation', 'US'), because: 'country_of_incorporation is US' },
  {
    field: 'kyc_profile.regulation_agency',
    when: is('kyc_profile.regulated_status', 'REGULATED', 'REGISTERED', 'LICENSED'),
    because: 'kyc_profile.regulated_status is REGULATED, REGISTERED or LICENSED',
  },
  {
    field: 'kyc_profile.description_of_business_nature',
    when: is('kyc_profile.primary_business', 'OTHER'),
    because: 'kyc_profile.primary_business is OTHER',
  },
  {
    field: 'investment_profile.primary_source_of_funds_description',
    when: is('investment_profile.primary_source_of_funds', 'OTHER'),
    because: 'investment_profile.primary_source_of_funds is OTHER',
  },
];

export const PERSON_RULES: FieldRule[] = [
  { field: 'first_name' },
  { field: 'last_name' },
  { field: 'date_of_birth' },
  { field: 'nationality' },
  ...address('mailing_address'),
  taxId,
  { field: 'title', when: (d) => hasRole(d, 'OFFICER'), because: 'the individual is an OFFICER' },
  { field: 'percentage_ownership', when: (d) => hasRole(d, 'BENEFICIAL_OWNER'), because: 'the individual is a BENEFICIAL_OWNER' },
];

/** Beneficial owners holding this share or more, and every control person, show an ID. */
export const OWNER_ID_THRESHOLD = 25;

export interface FieldError {
  field_name: string;
  field_status: 'INCOMPLETE' | 'CHANGES_REQUESTED';
  description: string;
}
export interface DocumentError {
  id: string;
  status: DocumentRow['status'];
  document: string;
  description: string;
}

function missingFields(rules: FieldRule[], d: Json): FieldError[] {
  return rules
    .filter((r) => (!r.when || r.when(d)) && valueAt(d, r.field) === undefined)
    .map((r) => ({
      field_name: r.field,
      field_status: 'INCOMPLETE' as const,
      description: r.because ? `${r.field} is required when ${r.because}.` : `${r.field} is required.`,
    }));
}

/** Requested changes first, then missing fields; a field is listed once. */
function withRequested(missing: FieldError[], requested: string[], reason: string | null): FieldError[] {
  const asked = requested.map((field_name) => ({
    field_name,
    field_status: 'CHANGES_REQUESTED' as const,
    description: `Change ${field_name}: the reviewer asked for it${reason ? ` (${reason})` : ''}.`,
  }));
  return [...asked, ...missing.filter((m) => !requested.includes(m.field_name))];
}

export function requiredDocuments(app: ApplicationFacts, individuals: IndividualFacts[]): Requirement[] {
  const own = (documentType: DocumentType): Requirement => ({ individualId: null, documentType });
  if (app.applicationType === 'INDIVIDUAL') return [own('GOVERNMENT_ID_FRONT'), own('UTILITY_BILL')];
  const list = [own('INCORPORATION_DOCUMENTS')];
  const entity = app.details.corporate_entity_type;
  if (entity === 'LLC') list.push(own('LLC_AGREEMENT'));
  if (entity === 'LLP' || entity === 'LP') list.push(own('PARTNERSHIP_AGREEMENT'));
  for (const i of individuals) {
    const share = typeof i.details.percentage_ownership === 'number' ? i.details.percentage_ownership : 0;
    if (hasRole(i.details, 'CONTROL_PERSON') || (hasRole(i.details, 'BENEFICIAL_OWNER') && share >= OWNER_ID_THRESHOLD)) {
      list.push({ individualId: i.id, documentType: 'GOVERNMENT_ID_FRONT' });
    }
  }
  return list;
}

function applicationErrorsOf(app: ApplicationFacts, individuals: IndividualFacts[]): ApplicationErrorCode[] {
  const errors: ApplicationErrorCode[] = [];
  if (app.applicationType === 'CORPORATION') {
    const exemption = valueAt(app.details, 'kyc_profile.control_exemption_reason');
    const exempt = typeof exemption === 'string' && exemption !== 'NONE';
    const entity = app.details.corporate_entity_type;
    const any = (role: string) => individuals.some((i) => hasRole(i.details, role));
    if (!individuals.length) errors.push('MISSING_INDIVIDUAL');
    if (!any('OFFICER')) errors.push('MISSING_OFFICER');
    if (!any('CONTROL_PERSON') && !exempt) errors.push('MISSING_CONTROL_PERSON');
    if (!any('BENEFICIAL_OWNER') && !exempt && entity !== 'C_CORP_PUBLIC' && entity !== 'NON_PROFIT')
      errors.push('MISSING_BENEFICIAL_OWNER');
  }
  if (!app.termsAndConditionsAccepted) errors.push('TERMS_AND_CONDITIONS_NOT_ACCEPTED');
  return errors;
}

function documentError(row: DocumentRow, decisionReason: string | null): DocumentError {
  const what = DOCUMENT_TYPES[row.documentType as DocumentType] ?? row.documentType;
  const upload = `Upload it with POST /v1/documents/${row.id}.`;
  const description =
    row.status === 'MISSING'
      ? `${what} ${upload}`
      : row.status === 'REJECTED'
        ? `${what} Rejected${row.reviewReason ? `: ${row.reviewReason}` : ''}. Upload a new file with POST /v1/documents/${row.id}.`
        : row.status === 'CHANGES_REQUESTED'
          ? `${what} The reviewer asked for a new file${decisionReason ? ` (${decisionReason})` : ''}. ${upload}`
          : `${what} ${row.status === 'APPROVED' ? 'Approved.' : 'Received.'}`;
  return { id: row.id, status: row.status, document: row.documentType, description };
}

const DONE = new Set<DocumentRow['status']>(['SUBMITTED', 'APPROVED']);
const DETAILS = 'customer_details.';

export interface Assessment {
  applicationErrors: ApplicationErrorCode[];
  fieldErrors: FieldError[];
  documentErrors: DocumentError[];
  individualErrors: { id: string; individual_validation_errors: FieldError[]; individual_document_errors: DocumentError[] }[];
  /** Nothing missing, no document outstanding, nothing left to change. */
  complete: boolean;
  /** Something the reviewer asked for is not changed yet. */
  changesOutstanding: boolean;
}

export function assess(app: ApplicationFacts, individuals: IndividualFacts[], documents: DocumentRow[]): Assessment {
  const required = documents.filter((d) => d.required);
  const requested = app.changesRequested;
  const topLevel = requested.filter((f) => !f.startsWith('individuals.')).map((f) => (f.startsWith(DETAILS) ? f.slice(DETAILS.length) : f));
  const missing = missingFields(app.applicationType === 'INDIVIDUAL' ? INDIVIDUAL_RULES : CORPORATION_RULES, app.details);
  if (!app.informationAttested && app.attestationRequired !== false) {
    missing.push({
      field_name: 'information_attested',
      field_status: 'INCOMPLETE',
      description: 'information_attested must be true: the customer attests personally that the information is true.',
    });
  }
  const fieldErrors = withRequested(missing, topLevel, app.decisionReason);
  const individualErrors = individuals.map((i) => {
    const prefix = `individuals.${i.id}.`;
    const asked = requested.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    return {
      id: i.id,
      individual_validation_errors: withRequested(missingFields(PERSON_RULES, i.details), asked, app.decisionReason),
      individual_document_errors: required.filter((d) => d.individualId === i.id).map((d) => documentError(d, app.decisionReason)),
    };
  });
  const applicationErrors = applicationErrorsOf(app, individuals);
  const documentErrors = required.filter((d) => d.individualId === null).map((d) => documentError(d, app.decisionReason));
  const complete =
    !applicationErrors.length &&
    !fieldErrors.length &&
    individualErrors.every((i) => !i.individual_validation_errors.length) &&
    required.every((d) => DONE.has(d.status));
  const changesOutstanding = requested.length > 0 || required.some((d) => d.status === 'CHANGES_REQUESTED');
  return { applicationErrors, fieldErrors, documentErrors, individualErrors, complete, changesOutstanding };
}

/**
 * Requested changes the client has made: a requested path is resolved by a change at that path,
 * under it, or of a field that contains it.
 */
export function unresolved(requested: string[], changedFields: string[]): string[] {
  return requested.filter((p) => !changedFields.some((f) => f === p || f.startsWith(`${p}.`) || p.startsWith(`${f}.`)));
}
