import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentFiles, documents } from '../../src/db/schema-onboarding.js';
import { getApp, newTenant } from '../helpers.js';
import {
  corporationApplication,
  createApplication,
  errs,
  expectError,
  ISO,
  individualApplication,
  ok,
  person,
  requiredDocuments,
  statusOf,
} from './_fixtures.js';
import { FILES, uploadFile } from './_multipart.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

async function corporate() {
  const app = await getApp();
  const t = await newTenant(app, { regulated: false });
  const { id } = await createApplication(t.api, corporationApplication());
  return { app, t, id: id as string, base: `/v1/applications/${id}/individual` };
}

describe('individuals of corporate applications', () => {
  it('adds (singular path and plural alias), reads, updates with both forms, and shows them on the application', async () => {
    const { t, id, base } = await corporate();
    const ceo = await ok(t.api.post(base, person({ id: 'mine', application_id: 'other' })));
    const { id: ceoId, created_at, updated_at, ...rest } = ceo;
    expect(ceoId).toMatch(/^ind_[0-9a-f-]{36}$/);
    expect([created_at, updated_at === created_at]).toEqual([expect.stringMatching(ISO), true]);
    expect(rest).toEqual({ application_id: id, ...person() });
    const cfo = await ok(t.api.post(`/v1/applications/${id}/individuals`, person({ title: 'CFO', individual_type: ['OFFICER'] })));
    expect(await ok(t.api.get(`${base}/${ceoId}`))).toEqual(ceo);
    expect(await ok(t.api.get(`/v1/applications/${id}/individuals/${cfo.id}`))).toEqual(cfo);

    const layer2 = await ok(
      t.api.patch(`${base}/${cfo.id}`, {
        updates: [
          { field: 'percentage_ownership', value: '40' },
          { field: 'individual_type', value: '["OFFICER","BENEFICIAL_OWNER"]' },
        ],
      }),
    );
    expect([layer2.percentage_ownership, layer2.individual_type]).toEqual([40, ['OFFICER', 'BENEFICIAL_OWNER']]);
    const plain = await ok(t.api.patch(`${base}/${cfo.id}`, { role: 'BENEFICIAL_OWNER', ownership_percentage: 45, title: null }));
    expect([plain.individual_type, plain.percentage_ownership, plain.title]).toEqual([['BENEFICIAL_OWNER'], 45, undefined]);
    const application = await ok(t.api.get(`/v1/applications/${id}`));
    expect(application.customer_details.individuals.map((i: any) => i.id)).toEqual([ceoId, cfo.id]);
    const hist = (await ok(t.api.get(`/v1/applications/${id}/history`))).history.map((h: any) => h.field);
    expect(hist).toContain(`individuals.${cfo.id}.percentage_ownership`);
    expect(hist).toContain(`individuals.${ceoId}`);
  });

  it('refuses bad bodies and ownership totals over 100%, at add and at update', async () => {
    const { t, base } = await corporate();
    const res = await t.api.post(base, { first_name: 'J', nickname: 'JJ' });
    expect(errs(res)).toEqual([
      { code: 'VALIDATION_ERROR', field: 'individual_type' },
      { code: 'VALIDATION_ERROR', field: 'last_name' },
      { code: 'VALIDATION_ERROR', field: 'nickname' },
    ]);
    expectError(await t.api.post(base, person({ percentage_ownership: 101 })), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    const a = await ok(t.api.post(base, person({ individual_type: ['BENEFICIAL_OWNER'], percentage_ownership: 60 })));
    await ok(t.api.post(base, person({ individual_type: ['BENEFICIAL_OWNER'], percentage_ownership: 40 })));
    expectError(
      await t.api.post(base, person({ individual_type: ['BENEFICIAL_OWNER'], percentage_ownership: 1 })),
      400,
      'VALIDATION_ERROR',
      'percentage_ownership',
    );
    expectError(await t.api.patch(`${base}/${a.id}`, { percentage_ownership: 61 }), 400, 'VALIDATION_ERROR', 'percentage_ownership');
    expectError(await t.api.patch(`${base}/${a.id}`, { date_of_birth: 'yesterday' }), 400, 'VALIDATION_ERROR', 'date_of_birth');
    expectError(await t.api.patch(`${base}/${a.id}`, { application_id: 'app_other' }), 400, 'NOT_UPDATABLE', 'application_id');
    expect((await ok(t.api.get(`${base}/${a.id}`))).percentage_ownership).toBe(60);
  });

  it('DELETE removes the individual and its documents, files included; its requested changes go too', async () => {
    const { app, t, id, base } = await corporate();
    const ceo = await ok(t.api.post(base, person()));
    const [doc] = (await requiredDocuments(t.api, id)).filter((d) => d.owner === ceo.id);
    expect((await uploadFile(t.api, doc!.id, FILES.jpeg, 'id.jpg')).status).toBe(200);
    const deleted = await t.api.delete(`${base}/${ceo.id}`);
    expect([deleted.status, deleted.body]).toEqual([200, { data: { id: ceo.id } }]);
    expectError(await t.api.get(`${base}/${ceo.id}`), 404, 'NOT_FOUND', 'individual_id');
    expectError(await t.api.get(`/v1/documents/${doc!.id}`), 404, 'NOT_FOUND', 'document_id');
    const db = app.ledgerline.database.db;
    expect(await db.select().from(documents).where(eq(documents.individualId, ceo.id))).toEqual([]);
    expect(await db.select().from(documentFiles).where(eq(documentFiles.documentId, doc!.id))).toEqual([]);
    expect((await statusOf(t.api, id)).individual_errors).toEqual([]);
    expect((await statusOf(t.api, id)).application_errors).toEqual([
      'MISSING_INDIVIDUAL',
      'MISSING_OFFICER',
      'MISSING_CONTROL_PERSON',
      'MISSING_BENEFICIAL_OWNER',
    ]);
    expectError(await t.api.delete(`${base}/${ceo.id}`), 404, 'NOT_FOUND', 'individual_id');
    const rows = await db.select().from(documents).where(eq(documents.applicationId, id)).orderBy(asc(documents.seq));
    expect(rows.map((r) => r.documentType)).toEqual(['INCORPORATION_DOCUMENTS']);
  });

  it('document ids are stable while the requirement stays; a requirement that goes and comes back keeps its file', async () => {
    const { t, id, base } = await corporate();
    const owner = await ok(t.api.post(base, person({ individual_type: ['BENEFICIAL_OWNER'], percentage_ownership: 30 })));
    const [first] = (await requiredDocuments(t.api, id)).filter((d) => d.owner === owner.id);
    await ok(t.api.patch(`${base}/${owner.id}`, { first_name: 'Gracie' }));
    expect((await requiredDocuments(t.api, id)).filter((d) => d.owner === owner.id).map((d) => d.id)).toEqual([first!.id]);
    expect((await uploadFile(t.api, first!.id, FILES.pdf)).status).toBe(200);
    await ok(t.api.patch(`${base}/${owner.id}`, { percentage_ownership: 20 }));
    expect((await requiredDocuments(t.api, id)).filter((d) => d.owner === owner.id)).toEqual([]);
    expect(await ok(t.api.get(`/v1/documents/${first!.id}`))).toMatchObject({ required: false, status: 'SUBMITTED' });
    await ok(t.api.patch(`${base}/${owner.id}`, { percentage_ownership: 25 }));
    expect((await requiredDocuments(t.api, id)).filter((d) => d.owner === owner.id)).toEqual([
      { id: first!.id, status: 'SUBMITTED', document: 'GOVERNMENT_ID_FRONT', owner: owner.id },
    ]);
  });

  it('adding is idempotent with x-l2f-idempotency-id', async () => {
    const { t, id, base } = await corporate();
    const headers = { 'x-l2f-idempotency-id': `ind-${id}` };
    const first = await t.api.post(base, person(), headers);
    const second = await t.api.post(base, person(), headers);
    expect([first.status, second.status, second.raw, second.headers['x-l2f-idempotent-replay']]).toEqual([200, 200, first.raw, 'true']);
    expect((await ok(t.api.get(`/v1/applications/${id}`))).customer_details.individuals.map((i: any) => i.id)).toEqual([
      first.body.data.id,
    ]);
  });

  it('INDIVIDUAL applications have no individuals (400 INVALID_CUSTOMER_TYPE); unknown ids are 404', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id } = await createApplication(t.api, individualApplication());
    expectError(await t.api.post(`/v1/applications/${id}/individual`, person()), 400, 'INVALID_CUSTOMER_TYPE', 'application_type');
    expectError(await t.api.post('/v1/applications/app_nope/individual', person()), 404, 'NOT_FOUND', 'id');
    const c = await corporate();
    expectError(await c.t.api.patch(`${c.base}/ind_nope`, { first_name: 'A' }), 404, 'NOT_FOUND', 'individual_id');
    expectError(await c.t.api.delete(`${c.base}/ind_nope`), 404, 'NOT_FOUND', 'individual_id');
    expectError(await c.t.api.get(`${c.base}/ind_nope`), 404, 'NOT_FOUND', 'individual_id');
  });
});
