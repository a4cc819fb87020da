/** Withdrawal RFI (LAYER2_API.md §2.9): above the threshold a supporting document is asked for first. */

import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema.js';
import { makeApp, newTenant } from '../helpers.js';
import { FILES, uploadFile } from '../onboarding/_multipart.js';
import { balances, customerWithAccount, expectError, fund, ok, usCounterparty } from './_fixtures.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await makeApp({ WITHDRAWAL_RFI_THRESHOLD: '1000' });
});
afterAll(async () => app.close());

async function setup() {
  const t = await newTenant(app);
  const { customerId, accountId } = await customerWithAccount(t);
  await fund(t, accountId, '5000');
  const cp = await usCounterparty(t, customerId);
  return { t, accountId, cp };
}

describe('withdrawal RFI', () => {
  it('asks for a document at or above the threshold, refuses accept until it is in, then proceeds', async () => {
    const { t, accountId, cp } = await setup();
    const body = {
      withdrawal_rail: 'ACH',
      source_account_id: accountId,
      destination_counterparty_id: cp,
      amount: 1000,
      purpose: 'PERSONAL_ACCOUNT',
    };
    const w = await ok(t.api.post('/v1/withdrawals', body));
    expect(w.status).toBe('CHANGES_REQUESTED');

    const status = await ok(t.api.get(`/v1/withdrawals/${w.id}/status`));
    expect(status.documents).toHaveLength(1);
    const [doc] = status.documents;
    expect([doc.document, doc.status]).toEqual(['INVOICE', 'MISSING']);
    expect(status.document_errors).toEqual(status.documents);

    const [evt] = await app.ledgerline.database.db
      .select()
      .from(events)
      .where(and(eq(events.clientId, t.clientId), eq(events.resourceId, w.id)));
    expect([evt?.eventType, evt?.eventData]).toEqual([
      'WITHDRAWAL_CHANGES_REQUESTED',
      { withdrawal: { id: w.id, status: 'CHANGES_REQUESTED' } },
    ]);

    expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');
    expect(await balances(t.api, accountId)).toEqual({ current: '5000', available: '5000' });

    // Not a document type: refused, nothing changes.
    expectError(await uploadFile(t.api, doc.document_id, FILES.text), 415, 'UNSUPPORTED_MEDIA_TYPE', 'file');
    expect((await ok(t.api.get(`/v1/withdrawals/${w.id}`))).status).toBe('CHANGES_REQUESTED');

    const uploaded = await ok(uploadFile(t.api, doc.document_id, FILES.pdf, 'invoice.pdf'));
    expect([uploaded.status, uploaded.withdrawal_id, uploaded.application_id]).toEqual(['SUBMITTED', w.id, undefined]);
    const after = await ok(t.api.get(`/v1/withdrawals/${w.id}/status`));
    expect([after.status, after.documents[0].status, after.document_errors]).toEqual(['REQUESTED', 'SUBMITTED', []]);

    expect((await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`))).status).toBe('AUTHORIZED');
    expect(await balances(t.api, accountId)).toEqual({ current: '5000', available: '4000' });
    // Once accepted, the document can no longer be replaced.
    expectError(await uploadFile(t.api, doc.document_id, FILES.pdf), 400, 'NOT_UPDATABLE');
  });

  it('below the threshold no document is asked; another client cannot reach the document', async () => {
    const { t, accountId, cp } = await setup();
    const small = await ok(
      t.api.post('/v1/withdrawals', {
        withdrawal_rail: 'ACH',
        source_account_id: accountId,
        destination_counterparty_id: cp,
        amount: 999.99,
        purpose: 'PERSONAL_ACCOUNT',
      }),
    );
    expect([small.status, (await ok(t.api.get(`/v1/withdrawals/${small.id}/status`))).documents]).toEqual(['REQUESTED', []]);

    const big = await ok(
      t.api.post('/v1/withdrawals', {
        withdrawal_rail: 'ACH',
        source_account_id: accountId,
        destination_counterparty_id: cp,
        amount: 2500,
        purpose: 'PERSONAL_ACCOUNT',
      }),
    );
    const docId = (await ok(t.api.get(`/v1/withdrawals/${big.id}/status`))).documents[0].document_id;
    const other = await newTenant(app);
    expectError(await uploadFile(other.api, docId, FILES.pdf), 404, 'NOT_FOUND');
    expect((await ok(t.api.get(`/v1/withdrawals/${big.id}`))).status).toBe('CHANGES_REQUESTED');
    // A waiting withdrawal can be cancelled.
    expect((await ok(t.api.post(`/v1/withdrawals/${big.id}/cancel`))).status).toBe('CANCELLED');
  });
});
