import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, individualBody, makeApp, newTenant, type Tenant } from '../helpers.js';
import {
  createApplication,
  errs,
  eventsOf,
  expectError,
  getApplication,
  individualApplication,
  individualDetails,
  ok,
  requiredDocuments,
  statusOf,
  uploadAll,
} from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

/** An application submitted and waiting for a decision (REVIEW in its name, sandbox). */
async function processing(t: Tenant, extra: Record<string, unknown> = {}) {
  const body = individualApplication(individualDetails({ last_name: 'Reviewer', ...extra }));
  const { id } = await createApplication(t.api, body);
  await uploadAll(t.api, id);
  expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');
  return { id: id as string, body };
}

const statusHistory = async (t: Tenant, id: string) =>
  (await ok(t.api.get(`/v1/applications/${id}/history`))).history
    .filter((h: any) => h.field === 'status')
    .map((h: any) => ({ to: h.after, actor: h.actor.type, reason: h.reason }));

describe('decisions', () => {
  it('sandbox magic values on submit: REJECT -> REJECTED (no customer), REVIEW -> waits, anything else -> APPROVED', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const rejected = individualApplication(individualDetails({ last_name: 'McReject' }));
    const { id } = await createApplication(t.api, rejected);
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('REJECTED');
    expectError(await t.api.get(`/v1/customers/${rejected.customer_id}`), 404, 'NOT_FOUND', 'id');
    expect((await eventsOf(app, t.clientId, id)).map((e) => e.type).slice(-3)).toEqual([
      'APPLICATION_SUBMITTED',
      'APPLICATION_PROCESSING',
      'APPLICATION_REJECTED',
    ]);
    expect(await statusHistory(t, id)).toEqual([
      { to: 'REJECTED', actor: 'client', reason: 'sandbox: a name contains REJECT' },
      { to: 'PROCESSING', actor: 'client', reason: null },
      { to: 'SUBMITTED', actor: 'client', reason: null },
      { to: 'READY_FOR_SUBMISSION', actor: 'client', reason: null },
    ]);
    const waiting = await processing(t);
    expect((await getApplication(t.api, waiting.id)).status).toBe('PROCESSING');
    expectError(await t.api.get(`/v1/customers/${waiting.body.customer_id}`), 404, 'NOT_FOUND', 'id');
  });

  it('operator APPROVED with a reason: customer and account created; the reason is in the history', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const { id, body } = await processing(t);
    const approved = await ok(
      t.operator.post(`/v1/admin/applications/${id}/decision`, { decision: 'APPROVED', reason: 'KYC checks passed' }),
    );
    expect(approved.status).toBe('APPROVED');
    expect(await ok(t.api.get(`/v1/customers/${body.customer_id}`))).toMatchObject({ status: 'ACTIVE', last_name: 'Reviewer' });
    expect((await statusHistory(t, id))[0]).toEqual({ to: 'APPROVED', actor: 'operator', reason: 'KYC checks passed' });
    expectError(
      await t.operator.post(`/v1/admin/applications/${id}/decision`, { decision: 'REJECTED', reason: 'late' }),
      400,
      'INVALID_STATUS_TRANSITION',
      'status',
    );
  });

  it('operator REJECTED: final, frees the customer id', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id, body } = await processing(t);
    expect(
      (await ok(t.operator.post(`/v1/admin/applications/${id}/decision`, { decision: 'REJECTED', reason: 'sanctions hit' }))).status,
    ).toBe('REJECTED');
    expectError(await t.api.patch(`/v1/applications/${id}`, { first_name: 'X' }), 400, 'NOT_UPDATABLE', 'status');
    expect((await createApplication(t.api, { ...individualApplication(), customer_id: body.customer_id })).customer_id).toBe(
      body.customer_id,
    );
  });

  it('CHANGES_REQUESTED names fields and documents; they stay flagged until changed / uploaded again', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id } = await processing(t);
    const [idDoc] = await requiredDocuments(t.api, id);
    const res = await ok(
      t.operator.post(`/v1/admin/applications/${id}/decision`, {
        decision: 'CHANGES_REQUESTED',
        reason: 'blurry photo',
        fields: ['date_of_birth', 'customer_details.mailing_address', 'terms_and_conditions_accepted'],
        documents: [idDoc!.id],
      }),
    );
    expect(res.status).toBe('CHANGES_REQUESTED');
    let s = await statusOf(t.api, id);
    expect(s.application_validation_errors.map((e: any) => [e.field_name, e.field_status])).toEqual([
      ['date_of_birth', 'CHANGES_REQUESTED'],
      ['mailing_address', 'CHANGES_REQUESTED'],
      ['terms_and_conditions_accepted', 'CHANGES_REQUESTED'],
    ]);
    expect(s.application_document_errors[0]).toMatchObject({ id: idDoc!.id, status: 'CHANGES_REQUESTED' });
    expect(s.application_document_errors[0].description).toContain('(blurry photo)');

    await ok(
      t.api.patch(`/v1/applications/${id}`, {
        date_of_birth: '1991-01-01',
        mailing_address: { address_line1: '2 Side St', city: 'Paris', postal_code: '75001', country_code: 'FR' },
      }),
    );
    s = await statusOf(t.api, id);
    expect(s.application_validation_errors.map((e: any) => e.field_name)).toEqual(['terms_and_conditions_accepted']);
    await ok(t.api.patch(`/v1/applications/${id}`, { updates: [{ field: 'terms_and_conditions_accepted', value: 'true' }] }));
    expect((await getApplication(t.api, id)).status).toBe('CHANGES_REQUESTED'); // unchanged value: still asked for
    await ok(t.api.patch(`/v1/applications/${id}`, { terms_and_conditions_accepted: false }));
    expect((await getApplication(t.api, id)).status).toBe('CHANGES_REQUESTED'); // the document is still to upload
    await uploadAll(t.api, id);
    expect((await getApplication(t.api, id)).status).toBe('INCOMPLETE'); // everything asked for changed; terms now missing
    expect((await statusOf(t.api, id)).application_errors).toEqual(['TERMS_AND_CONDITIONS_NOT_ACCEPTED']);
    expect((await ok(t.api.patch(`/v1/applications/${id}`, { terms_and_conditions_accepted: true }))).status).toBe('READY_FOR_SUBMISSION');
  });

  it('refuses decisions that do not name what to fix, name unknown things, or come at the wrong time', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const other = await processing(t);
    const { id } = await processing(t);
    const url = `/v1/admin/applications/${id}/decision`;
    expectError(await t.operator.post(url, { decision: 'CHANGES_REQUESTED', reason: 'x' }), 400, 'VALIDATION_ERROR', 'fields');
    const [otherDoc] = await requiredDocuments(t.api, other.id);
    const bad = await t.operator.post(url, {
      decision: 'CHANGES_REQUESTED',
      reason: 'x',
      fields: ['first_name', 'shoe_size', 'individuals.ind_nope.first_name', 'registered_name'],
      documents: [otherDoc!.id],
    });
    expect([bad.status, errs(bad)]).toEqual([
      400,
      [
        { code: 'VALIDATION_ERROR', field: 'fields.1' },
        { code: 'VALIDATION_ERROR', field: 'fields.2' },
        { code: 'VALIDATION_ERROR', field: 'fields.3' },
        { code: 'VALIDATION_ERROR', field: 'documents.0' },
      ],
    ]);
    expectError(
      await t.operator.post(url, { decision: 'APPROVED', reason: 'x', fields: ['first_name'] }),
      400,
      'VALIDATION_ERROR',
      'fields',
    );
    expectError(await t.operator.post(url, { decision: 'APPROVED' }), 400, 'VALIDATION_ERROR', 'reason');
    expectError(await t.operator.post(url, { decision: 'MAYBE', reason: 'x' }), 400, 'VALIDATION_ERROR', 'decision');
    expect((await getApplication(t.api, id)).status).toBe('PROCESSING');
    const draft = await createApplication(t.api, individualApplication());
    expectError(
      await t.operator.post(`/v1/admin/applications/${draft.id}/decision`, { decision: 'APPROVED', reason: 'x' }),
      400,
      'INVALID_STATUS_TRANSITION',
      'status',
    );
    expectError(await t.api.post(`/v1/applications/${draft.id}/submit`), 400, 'INVALID_STATUS_TRANSITION', 'status');
    expectError(
      await t.operator.post('/v1/admin/applications/app_nope/decision', { decision: 'APPROVED', reason: 'x' }),
      404,
      'NOT_FOUND',
      'id',
    );
  });

  it('approval is refused (409) when the customer id was taken meanwhile; nothing changes', async () => {
    const t = await newTenant(await getApp()); // regulated: may also create customers directly
    const { id, body } = await processing(t);
    await ok(t.api.post('/v1/customers', individualBody(body.customer_id)));
    expectError(
      await t.operator.post(`/v1/admin/applications/${id}/decision`, { decision: 'APPROVED', reason: 'ok' }),
      409,
      'DUPLICATE_ID',
      'customer_id',
    );
    expect((await getApplication(t.api, id)).status).toBe('PROCESSING');
    expectError(await t.api.get(`/v1/accounts/deposits/${body.account_to_open.account_id}`), 404, 'NOT_FOUND', 'id');
  });

  it('sandbox simulation route decides like the operator (reason optional); it does not exist in production mode', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id } = await processing(t);
    const [doc] = await requiredDocuments(t.api, id);
    const res = await ok(
      t.api.post(`/v1/simulations/applications/${id}/decision`, { decision: 'CHANGES_REQUESTED', documents: [doc!.id] }),
    );
    expect(res.status).toBe('CHANGES_REQUESTED');
    expect((await statusOf(t.api, id)).application_validation_errors).toEqual([]);
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');
    expect((await ok(t.api.post(`/v1/simulations/applications/${id}/decision`, { decision: 'APPROVED' }))).status).toBe('APPROVED');

    const prod = await makeApp({ LEDGERLINE_MODE: 'production' });
    try {
      const p = await newTenant(prod, { regulated: false });
      const created = await createApplication(p.api, individualApplication());
      await uploadAll(p.api, created.id);
      // No magic values in production: a submitted application waits for the operator.
      expect((await ok(p.api.post(`/v1/applications/${created.id}/submit`))).status).toBe('PROCESSING');
      expectError(await p.api.post(`/v1/simulations/applications/${created.id}/decision`, { decision: 'APPROVED' }), 404, 'NOT_FOUND');
      expect(
        (await ok(p.operator.post(`/v1/admin/applications/${created.id}/decision`, { decision: 'APPROVED', reason: 'ok' }))).status,
      ).toBe('APPROVED');
    } finally {
      await prod.close();
    }
  });
});
