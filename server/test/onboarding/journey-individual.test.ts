import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import {
  createApplication,
  eventsOf,
  getApplication,
  ISO,
  individualApplication,
  individualDetails,
  ok,
  requiredDocuments,
  statusOf,
  uploadAll,
} from './_fixtures.js';
import { FILES, uploadFile } from './_multipart.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

describe('individual journey', () => {
  it('create -> documents -> READY -> submit -> APPROVED: customer and account created, events for each step', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const body = individualApplication();
    const created = await createApplication(t.api, body);
    const { id, created_at, updated_at, ...rest } = created;
    expect(id).toMatch(/^app_[0-9a-f-]{36}$/);
    expect(created_at).toMatch(ISO);
    expect(updated_at).toBe(created_at);
    expect(rest).toEqual({
      status: 'INCOMPLETE',
      application_type: 'INDIVIDUAL',
      customer_id: body.customer_id,
      account_to_open: body.account_to_open,
      terms_and_conditions_accepted: true,
      information_attested: true,
      customer_details: individualDetails(),
    });
    expect(await getApplication(t.api, id)).toEqual(created);

    // All fields are there: only the two documents are missing.
    const before = await statusOf(t.api, id);
    expect(before.application_errors).toEqual([]);
    expect(before.application_validation_errors).toEqual([]);
    expect(before.individual_errors).toEqual([]);
    expect(before.application_document_errors.map((d: any) => [d.document, d.status])).toEqual([
      ['GOVERNMENT_ID_FRONT', 'MISSING'],
      ['UTILITY_BILL', 'MISSING'],
    ]);
    for (const d of before.application_document_errors) expect([d.document_id, d.mandatory]).toEqual([d.id, true]);
    for (const d of before.application_document_errors) expect(d.id).toMatch(/^doc_[0-9a-f-]{36}$/);

    const [idDoc, billDoc] = before.application_document_errors;
    const up = await uploadFile(t.api, idDoc.id, FILES.png, 'passport.png');
    expect(up.status, up.raw).toBe(200);
    expect(up.body.data).toMatchObject({
      id: idDoc.id,
      status: 'SUBMITTED',
      document: 'GOVERNMENT_ID_FRONT',
      application_id: id,
    });
    expect(up.body.data.file).toMatchObject({ filename: 'passport.png', content_type: 'image/png', size: FILES.png.length });
    expect((await getApplication(t.api, id)).status).toBe('INCOMPLETE');
    await uploadAll(t.api, id);
    expect((await requiredDocuments(t.api, id)).map((d) => [d.id, d.status])).toEqual([
      [idDoc.id, 'SUBMITTED'],
      [billDoc.id, 'SUBMITTED'],
    ]);
    expect((await getApplication(t.api, id)).status).toBe('READY_FOR_SUBMISSION');

    const submitted = await ok(t.api.post(`/v1/applications/${id}/submit`));
    expect(submitted.status).toBe('APPROVED');

    const customer = await ok(t.api.get(`/v1/customers/${body.customer_id}`));
    expect(customer).toMatchObject({
      id: body.customer_id,
      customer_type: 'INDIVIDUAL',
      status: 'ACTIVE',
      ...individualDetails(),
      accounts: [{ id: body.account_to_open.account_id, asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' }],
    });
    const account = await ok(t.api.get(`/v1/accounts/deposits/${body.account_to_open.account_id}`));
    expect(account).toMatchObject({ customer_id: body.customer_id, product_id: 'DEPOSIT_BASIC', status: 'OPEN', current_balance: 0 });

    expect(await eventsOf(app, t.clientId, id)).toEqual(
      ['INCOMPLETE', 'READY_FOR_SUBMISSION', 'SUBMITTED', 'PROCESSING', 'APPROVED'].map((status) => ({
        type: `APPLICATION_${status}`,
        resource: 'application',
        data: { application: { id, status } },
      })),
    );
    expect((await eventsOf(app, t.clientId, body.customer_id)).map((e) => e.type)).toEqual(['CUSTOMER_ACTIVE']);
    expect((await eventsOf(app, t.clientId, body.account_to_open.account_id)).map((e) => e.type)).toEqual(['ACCOUNT_OPEN']);
  });
});
