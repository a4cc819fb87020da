/**
 * Drizzle tables of onboarding (migrations/0003_applications_documents.sql): applications, their
 * individuals, documents with their files, access codes.
 */
import { bigint, boolean, customType, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { seq, ts } from './columns.js';

/** bytea as a Buffer on both drivers (node-postgres gives a Buffer, PGlite a Uint8Array). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

export const APPLICATION_STATUSES = [
  'INCOMPLETE',
  'READY_FOR_SUBMISSION',
  'SUBMITTED',
  'PROCESSING',
  'CHANGES_REQUESTED',
  'APPROVED',
  'REJECTED',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const DOCUMENT_STATUSES = ['MISSING', 'SUBMITTED', 'CHANGES_REQUESTED', 'REJECTED', 'APPROVED'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const applications = pgTable(
  'applications',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    applicationType: text('application_type', { enum: ['INDIVIDUAL', 'CORPORATION'] }).notNull(),
    status: text('status', { enum: APPLICATION_STATUSES }).notNull(),
    customerId: text('customer_id').notNull(),
    accountId: text('account_id').notNull(),
    productId: text('product_id').notNull(),
    assetTypeId: text('asset_type_id').notNull(),
    termsAndConditionsAccepted: boolean('terms_and_conditions_accepted').notNull(),
    informationAttested: boolean('information_attested').notNull(),
    attestationRequired: boolean('attestation_required').notNull().default(true),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    changesRequested: jsonb('changes_requested').$type<string[]>().notNull(),
    decisionReason: text('decision_reason'),
    decidedAt: ts('decided_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const applicationIndividuals = pgTable(
  'application_individuals',
  {
    clientId: text('client_id').notNull(),
    applicationId: text('application_id').notNull(),
    id: text('id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const documents = pgTable(
  'documents',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    applicationId: text('application_id'),
    withdrawalId: text('withdrawal_id'),
    paymentId: text('payment_id'),
    individualId: text('individual_id'),
    ownerKey: text('owner_key').notNull(),
    documentType: text('document_type').notNull(),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull(),
    required: boolean('required').notNull(),
    filename: text('filename'),
    contentType: text('content_type'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    sha256: text('sha256'),
    uploadedAt: ts('uploaded_at'),
    reviewReason: text('review_reason'),
    reviewedAt: ts('reviewed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);

export const documentFiles = pgTable(
  'document_files',
  {
    clientId: text('client_id').notNull(),
    documentId: text('document_id').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.documentId] })],
);

export const applicationAccessCodes = pgTable(
  'application_access_codes',
  {
    clientId: text('client_id').notNull(),
    id: text('id').notNull(),
    applicationId: text('application_id').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull(),
    seq: seq(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.id] })],
);
