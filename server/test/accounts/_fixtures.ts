/** Helpers shared by the accounts tests (test/helpers.ts stays untouched). */
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { accounts, events } from '../../src/db/schema.js';
import { createCustomer } from '../customers/_fixtures.js';
import { type Api, individualBody, type Tenant, uid } from '../helpers.js';

export { createCustomer, errs, expectError, getCustomer, historyOf, ISO, insertCustomer } from '../customers/_fixtures.js';

export const DEPOSITS = '/v1/accounts/deposits';

export const openBody = (customerId: string, accountId = uid('a'), assetTypeId = 'FIAT_TESTNET_USD', productId = 'DEPOSIT_BASIC') => ({
  customer_id: customerId,
  account_to_open: { account_id: accountId, product_id: productId, asset_type_id: assetTypeId },
});

/** Opens an account through the API and returns its representation. */
export async function openAccount(
  api: Api,
  customerId: string,
  assetTypeId = 'FIAT_TESTNET_USD',
  accountId = uid('a'),
): Promise<Record<string, any>> {
  const res = await api.post(DEPOSITS, openBody(customerId, accountId, assetTypeId));
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** A new ACTIVE individual customer with one OPEN account in `assetTypeId`. */
export async function customerWithAccount(t: Tenant, assetTypeId = 'FIAT_TESTNET_USD') {
  const customer = await createCustomer(t.api, individualBody());
  const account = await openAccount(t.api, customer.id, assetTypeId);
  return { customerId: customer.id as string, accountId: account.id as string, account };
}

export async function getAccount(api: Api, id: string): Promise<Record<string, any>> {
  const res = await api.get(`${DEPOSITS}/${id}`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** An operator correction (CONTRACT §12) on a tenant's account. */
export async function adjust(t: Tenant, accountId: string, amount: number | string, type: 'CREDIT_CORRECTION' | 'DEBIT_CORRECTION') {
  const res = await t.operator.post('/v1/admin/adjustments', { account_id: accountId, amount, transaction_type: type, reason: 'test' });
  expect(res.status, res.raw).toBe(200);
  return res.body.data;
}

/** The events written for one resource of one client, oldest first, as [event_type, event_data]. */
export async function eventsOf(app: FastifyInstance, clientId: string, resourceId: string) {
  const rows = await app.ledgerline.database.db
    .select()
    .from(events)
    .where(and(eq(events.clientId, clientId), eq(events.resourceId, resourceId)))
    .orderBy(asc(events.seq));
  return rows.map((r) => [r.eventType, r.eventData] as [string, unknown]);
}

/** Test set-up only: puts an account in a status the API cannot reach (PENDING from OPEN). */
export async function forceAccountStatus(app: FastifyInstance, clientId: string, id: string, status: string): Promise<void> {
  await app.ledgerline.database.db
    .update(accounts)
    .set({ status })
    .where(and(eq(accounts.clientId, clientId), eq(accounts.id, id)));
}

export const ids = (list: { id: string }[]) => list.map((x) => x.id);
