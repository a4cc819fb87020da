/** Helpers shared by the onboarding tests. */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { events } from '../../src/db/schema.js';
import { type Api, type Response, uid } from '../helpers.js';
import { FILES, uploadFile } from './_multipart.js';

export const address = { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' };

/** Everything an INDIVIDUAL application needs except the documents. */
export const individualDetails = (extra: Record<string, unknown> = {}) => ({
  first_name: 'Ada',
  last_name: 'Lovelace',
  email_address: 'ada@example.com',
  telephone_number: '+14155550101',
  date_of_birth: '1990-12-10',
  nationality: 'GB',
  mailing_address: address,
  ...extra,
});

export const corporationDetails = (extra: Record<string, unknown> = {}) => ({
  registered_name: 'Acme Widgets Inc.',
  registered_number: 'C1234567',
  corporate_entity_type: 'C_CORP_PRIVATE',
  country_of_incorporation: 'US',
  state_of_incorporation: 'DE',
  email_address: 'ops@acme.example',
  registered_address: { ...address, city: 'Wilmington', state: 'DE', postal_code: '19801' },
  ...extra,
});

export const person = (extra: Record<string, unknown> = {}) => ({
  individual_type: ['OFFICER', 'CONTROL_PERSON'],
  title: 'CEO',
  first_name: 'Grace',
  last_name: 'Hopper',
  email_address: 'grace@acme.example',
  date_of_birth: '1980-01-02',
  nationality: 'US',
  mailing_address: address,
  ...extra,
});

export const accountToOpen = (extra: Record<string, unknown> = {}) => ({
  account_id: uid('acct'),
  product_id: 'DEPOSIT_BASIC',
  asset_type_id: 'FIAT_TESTNET_USD',
  ...extra,
});

export function individualApplication(details: Record<string, unknown> = individualDetails(), extra: Record<string, unknown> = {}) {
  return {
    application_type: 'INDIVIDUAL',
    customer_id: uid('cust'),
    account_to_open: accountToOpen(),
    terms_and_conditions_accepted: true,
    information_attested: true,
    customer_details: details,
    ...extra,
  };
}

export function corporationApplication(details: Record<string, unknown> = corporationDetails(), extra: Record<string, unknown> = {}) {
  return { ...individualApplication(details, extra), application_type: 'CORPORATION', ...extra };
}

export function errs(res: Response): { code: string; field?: string }[] {
  return ((res.body?.errors ?? []) as { code: string; field?: string }[]).map((e) =>
    e.field === undefined ? { code: e.code } : { code: e.code, field: e.field },
  );
}

export function expectError(res: Response, status: number, code: string, field?: string): void {
  expect(res.status, res.raw).toBe(status);
  expect(errs(res)).toEqual([field === undefined ? { code } : { code, field }]);
}

export async function ok<T = Record<string, any>>(promise: Promise<Response>): Promise<T> {
  const res = await promise;
  expect(res.status, res.raw).toBe(200);
  return res.body.data as T;
}

export const createApplication = (api: Api, body: Record<string, unknown>) => ok(api.post('/v1/applications', body));
export const statusOf = (api: Api, id: string) => ok(api.get(`/v1/applications/${id}/status`));
export const getApplication = (api: Api, id: string) => ok(api.get(`/v1/applications/${id}`));

/** Every required document of an application (its own and its individuals'), from /status. */
export async function requiredDocuments(api: Api, id: string): Promise<{ id: string; status: string; document: string; owner: string }[]> {
  const s = await statusOf(api, id);
  return [
    ...s.application_document_errors.map((d: any) => ({ id: d.id, status: d.status, document: d.document, owner: 'application' })),
    ...s.individual_errors.flatMap((i: any) =>
      i.individual_document_errors.map((d: any) => ({ id: d.id, status: d.status, document: d.document, owner: i.id })),
    ),
  ];
}

/** Uploads a PDF to every document still MISSING, REJECTED or CHANGES_REQUESTED. */
export async function uploadAll(api: Api, id: string): Promise<void> {
  for (const d of await requiredDocuments(api, id)) {
    if (d.status === 'SUBMITTED' || d.status === 'APPROVED') continue;
    const res = await uploadFile(api, d.id, FILES.pdf, `${d.document.toLowerCase()}.pdf`);
    expect(res.status, res.raw).toBe(200);
  }
}

/** Event types written for one resource of one client, oldest first. */
export async function eventTypes(app: FastifyInstance, clientId: string, resourceId: string): Promise<string[]> {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, resourceId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => r.eventType);
}

export async function eventsOf(app: FastifyInstance, clientId: string, resourceId: string) {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, resourceId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => ({ type: r.eventType, resource: r.resourceType, data: r.eventData }));
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
