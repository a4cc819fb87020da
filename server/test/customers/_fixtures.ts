/** Helpers shared by the customers tests (test/helpers.ts stays untouched). */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { events } from '../../src/db/schema.js';
import type { Status } from '../../src/shared/status.js';
import { type Api, asClient, corporationBody, individualBody, type Response, type Tenant } from '../helpers.js';

export interface ErrorSummary {
  code: string;
  field?: string;
}

/** The error entries of a response as {code, field}, in order. */
export function errs(res: Response): ErrorSummary[] {
  const list = (res.body?.errors ?? []) as { code: string; field?: string }[];
  return list.map((e) => (e.field === undefined ? { code: e.code } : { code: e.code, field: e.field }));
}

/** Expects one error entry with this status, code and field. */
export function expectError(res: Response, status: number, code: string, field?: string): void {
  expect(res.status, res.raw).toBe(status);
  expect(errs(res)).toEqual([field === undefined ? { code } : { code, field }]);
}

export async function createCustomer(api: Api, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await api.post('/v1/customers', body);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

export async function getCustomer(api: Api, id: string): Promise<Record<string, any>> {
  const res = await api.get(`/v1/customers/${id}`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** The history rows of a resource path (e.g. /v1/customers/x), newest first. */
export async function historyOf(api: Api, path: string): Promise<Record<string, any>[]> {
  const res = await api.get(`${path}/history`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data.history;
}

/** History rows without their generated id and timestamp, sorted by field. */
export function historyFacts(rows: Record<string, any>[]) {
  return rows.map(({ id: _id, created_at: _c, ...rest }) => rest).sort((a, b) => String(a.field).localeCompare(String(b.field)));
}

/** Inserts a customer in any status through the service (PENDING is not reachable by PATCH). */
export async function insertCustomer(
  app: FastifyInstance,
  tenant: Tenant,
  id: string,
  status: Status,
  type: 'INDIVIDUAL' | 'CORPORATION' = 'INDIVIDUAL',
): Promise<void> {
  const { id: _id, customer_type: _t, ...details } = type === 'INDIVIDUAL' ? individualBody(id) : corporationBody(id);
  await asClient(app, tenant.clientId, (ctx) => app.ledgerline.services.customers.insert(ctx, { id, customerType: type, details, status }));
}

/** The events written for one customer of one client, oldest first. */
export async function customerEvents(app: FastifyInstance, clientId: string, customerId: string) {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, customerId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => ({ clientId: r.clientId, eventType: r.eventType, resourceType: r.resourceType, eventData: r.eventData }));
}

export const individualPerson = (extra: Record<string, unknown> = {}) => ({
  individual_type: ['BENEFICIAL_OWNER'],
  first_name: 'Jane',
  last_name: 'Smith',
  email_address: 'jane@acme.example',
  percentage_ownership: 30,
  ...extra,
});

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
