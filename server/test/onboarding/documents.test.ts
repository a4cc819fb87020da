import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import {
  createApplication,
  errs,
  expectError,
  getApplication,
  individualApplication,
  individualDetails,
  ok,
  requiredDocuments,
  statusOf,
  uploadAll,
} from './_fixtures.js';
import { FILES, multipartBody, postRaw, uploadFile } from './_multipart.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

async function withDocuments() {
  const app = await getApp();
  const t = await newTenant(app, { regulated: false });
  const { id } = await createApplication(t.api, individualApplication());
  const [idDoc, bill] = await requiredDocuments(t.api, id);
  return { app, t, id: id as string, idDoc: idDoc!, bill: bill! };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('documents', () => {
  it('recognises PDF, JPEG and PNG by their bytes (not the name), stores size and SHA-256, downloads byte-identical', async () => {
    const { t, idDoc } = await withDocuments();
    for (const [kind, type, name] of [
      ['pdf', 'application/pdf', 'scan.png'],
      ['jpeg', 'image/jpeg', 'scan'],
      ['png', 'image/png', '../../etc/passwd.pdf'],
    ] as const) {
      const res = await uploadFile(t.api, idDoc.id, FILES[kind], name);
      expect(res.status, res.raw).toBe(200);
      expect(res.body.data.file).toMatchObject({ content_type: type, size: FILES[kind].length, sha256: sha256(FILES[kind]) });
      const down = await t.api.app.inject({
        method: 'GET',
        url: `/v1/documents/${idDoc.id}/download`,
        headers: { authorization: `Bearer ${t.api.token}` },
      });
      expect(down.statusCode).toBe(200);
      expect(down.headers['content-type']).toBe(type);
      expect(down.rawPayload.equals(FILES[kind])).toBe(true);
    }
    const meta = await ok(t.api.get(`/v1/documents/${idDoc.id}`));
    expect(meta.file.filename).toBe('passwd.pdf');
    expect(meta).toMatchObject({ status: 'SUBMITTED', document: 'GOVERNMENT_ID_FRONT', required: true, review: null });
  });

  it('refuses other types (415), an empty file, no file part, extra parts, no body (400), and a non-multipart body (415)', async () => {
    const { t, idDoc } = await withDocuments();
    expectError(await uploadFile(t.api, idDoc.id, FILES.gif, 'x.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'file');
    expectError(await uploadFile(t.api, idDoc.id, FILES.text, 'x.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'file');
    expectError(await uploadFile(t.api, idDoc.id, Buffer.alloc(0), 'x.pdf'), 400, 'VALIDATION_ERROR', 'file');
    const wrongName = multipartBody([{ name: 'document', filename: 'a.pdf', content: FILES.pdf }]);
    const res = await postRaw(t.api, `/v1/documents/${idDoc.id}`, wrongName.body, wrongName.contentType);
    expect([res.status, errs(res)]).toEqual([
      400,
      [
        { code: 'VALIDATION_ERROR', field: 'file' },
        { code: 'VALIDATION_ERROR', field: 'document' },
      ],
    ]);
    const fieldOnly = multipartBody([{ name: 'note', content: 'hello' }]);
    expect(errs(await postRaw(t.api, `/v1/documents/${idDoc.id}`, fieldOnly.body, fieldOnly.contentType))).toEqual([
      { code: 'VALIDATION_ERROR', field: 'file' },
      { code: 'VALIDATION_ERROR', field: 'note' },
    ]);
    const two = multipartBody([
      { name: 'file', filename: 'a.pdf', content: FILES.pdf },
      { name: 'file', filename: 'b.pdf', content: FILES.pdf },
    ]);
    expectError(await postRaw(t.api, `/v1/documents/${idDoc.id}`, two.body, two.contentType), 400, 'VALIDATION_ERROR', 'file');
    expectError(await postRaw(t.api, `/v1/documents/${idDoc.id}`, undefined), 400, 'VALIDATION_ERROR', 'file');
    expectError(await t.api.post(`/v1/documents/${idDoc.id}`, { file: 'JVBERi0=' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await uploadFile(t.api, 'd'.repeat(65), FILES.pdf), 400, 'VALIDATION_ERROR', 'document_id');
    expectError(await uploadFile(t.api, 'doc_nope', FILES.pdf), 404, 'NOT_FOUND', 'document_id');
    const broken = await postRaw(t.api, `/v1/documents/${idDoc.id}`, Buffer.from('garbage'), 'multipart/form-data; boundary=zzz');
    expectError(broken, 400, 'VALIDATION_ERROR', 'file');
    expect(await ok(t.api.get(`/v1/documents/${idDoc.id}`))).toMatchObject({ status: 'MISSING', file: null });
    expectError(await t.api.get(`/v1/documents/${idDoc.id}/download`), 404, 'NOT_FOUND', 'document_id');
  });

  // Uploads some 60 MB through inject: on a loaded machine this takes longer than the default 30 s.
  it('refuses a file over 30 MB with 413 and keeps the previous file; 30 MB exactly is accepted', async () => {
    const { t, idDoc } = await withDocuments();
    expect((await uploadFile(t.api, idDoc.id, FILES.pdf)).status).toBe(200);
    const limit = 30 * 1024 * 1024;
    const big = Buffer.concat([FILES.pdf.subarray(0, 8), Buffer.alloc(limit + 1 - 8, 0x20)]);
    expectError(await uploadFile(t.api, idDoc.id, big), 413, 'PAYLOAD_TOO_LARGE', 'file');
    const huge = Buffer.concat([big, randomBytes(2 * 1024 * 1024)]);
    expectError(await uploadFile(t.api, idDoc.id, huge), 413, 'PAYLOAD_TOO_LARGE', 'file');
    expect((await ok(t.api.get(`/v1/documents/${idDoc.id}`))).file.sha256).toBe(sha256(FILES.pdf));
    const exact = big.subarray(0, limit);
    const res = await uploadFile(t.api, idDoc.id, exact);
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.file).toMatchObject({ size: limit, sha256: sha256(exact) });
    // The JSON body limit of the rest of the API is unchanged (1 MB).
    const json = await t.api.post('/v1/applications', { pad: 'x'.repeat(1024 * 1024) });
    expectError(json, 413, 'PAYLOAD_TOO_LARGE');
  }, 120_000);

  it('a re-upload replaces the file and sets SUBMITTED again; uploads recompute the application status', async () => {
    const { t, id, idDoc, bill } = await withDocuments();
    await uploadFile(t.api, idDoc.id, FILES.pdf);
    await uploadFile(t.api, bill.id, FILES.pdf);
    expect((await getApplication(t.api, id)).status).toBe('READY_FOR_SUBMISSION');
    const rejected = await ok(
      t.operator.post(`/v1/admin/documents/${bill.id}/review`, { decision: 'REJECTED', reason: 'bill older than 3 months' }),
    );
    expect(rejected).toMatchObject({ status: 'REJECTED', review: { reason: 'bill older than 3 months' } });
    expect((await getApplication(t.api, id)).status).toBe('INCOMPLETE');
    const s = await statusOf(t.api, id);
    expect(s.application_document_errors[1]).toEqual({
      id: bill.id,
      status: 'REJECTED',
      document: 'UTILITY_BILL',
      description: `A utility bill of the last 3 months showing the address (proof of address). Rejected: bill older than 3 months. Upload a new file with POST /v1/documents/${bill.id}.`,
    });
    const again = await uploadFile(t.api, bill.id, FILES.png, 'bill.png');
    expect(again.body.data).toMatchObject({
      status: 'SUBMITTED',
      review: null,
      file: { content_type: 'image/png', sha256: sha256(FILES.png) },
    });
    expect((await getApplication(t.api, id)).status).toBe('READY_FOR_SUBMISSION');
    const approved = await ok(t.operator.post(`/v1/admin/documents/${idDoc.id}/review`, { decision: 'APPROVED', reason: 'matches' }));
    expect(approved.status).toBe('APPROVED');
    expect((await requiredDocuments(t.api, id)).map((d) => d.status)).toEqual(['APPROVED', 'SUBMITTED']);
    const hist = (await ok(t.api.get(`/v1/applications/${id}/history`))).history;
    expect(hist.find((h: any) => h.field === `documents.${bill.id}.status` && h.after === 'REJECTED')).toMatchObject({
      before: 'SUBMITTED',
      reason: 'bill older than 3 months',
      actor: { type: 'operator' },
    });
  });

  it('an upload with an idempotency key is stored once and replayed', async () => {
    const { t, id, idDoc } = await withDocuments();
    const headers = { 'x-l2f-idempotency-id': `up-${idDoc.id}` };
    const first = await uploadFile(t.api, idDoc.id, FILES.pdf, 'a.pdf', headers);
    const second = await uploadFile(t.api, idDoc.id, FILES.pdf, 'a.pdf', headers);
    expect([first.status, second.status, second.raw, second.headers['x-l2f-idempotent-replay']]).toEqual([200, 200, first.raw, 'true']);
    const hist = (await ok(t.api.get(`/v1/applications/${id}/history`))).history.filter(
      (h: any) => h.field === `documents.${idDoc.id}.sha256`,
    );
    expect(hist.map((h: any) => [h.before, h.after])).toEqual([[null, sha256(FILES.pdf)]]);
  });

  it('review refusals: nothing uploaded yet, bad body, client token, final application', async () => {
    const { t, id, idDoc, bill } = await withDocuments();
    expectError(
      await t.operator.post(`/v1/admin/documents/${idDoc.id}/review`, { decision: 'APPROVED', reason: 'x' }),
      400,
      'INVALID_STATUS_TRANSITION',
      'status',
    );
    expectError(
      await t.operator.post(`/v1/admin/documents/${idDoc.id}/review`, { decision: 'MAYBE', reason: 'x' }),
      400,
      'VALIDATION_ERROR',
      'decision',
    );
    expectError(
      await t.operator.post(`/v1/admin/documents/${idDoc.id}/review`, { decision: 'APPROVED' }),
      400,
      'VALIDATION_ERROR',
      'reason',
    );
    expectError(
      await t.api.post(`/v1/admin/documents/${idDoc.id}/review`, { decision: 'APPROVED', reason: 'x' }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    expectError(
      await t.operator.post('/v1/admin/documents/doc_nope/review', { decision: 'APPROVED', reason: 'x' }),
      404,
      'NOT_FOUND',
      'id',
    );
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('APPROVED');
    expectError(await uploadFile(t.api, idDoc.id, FILES.pdf), 400, 'NOT_UPDATABLE', 'status');
    expectError(
      await t.operator.post(`/v1/admin/documents/${bill.id}/review`, { decision: 'REJECTED', reason: 'late' }),
      400,
      'NOT_UPDATABLE',
      'status',
    );
    const down = await t.api.app.inject({
      method: 'GET',
      url: `/v1/documents/${idDoc.id}/download`,
      headers: { authorization: `Bearer ${t.api.token}` },
    });
    expect(down.rawPayload.equals(FILES.pdf)).toBe(true);
  });

  it('uploads are refused while the application is under review (PROCESSING)', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const { id } = await createApplication(t.api, individualApplication(individualDetails({ last_name: 'Reviewson' })));
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');
    const [doc] = await requiredDocuments(t.api, id);
    expectError(await uploadFile(t.api, doc!.id, FILES.pdf), 400, 'NOT_UPDATABLE', 'status');
    const review = await ok(t.operator.post(`/v1/admin/documents/${doc!.id}/review`, { decision: 'APPROVED', reason: 'ok' }));
    expect(review.status).toBe('APPROVED');
    expect((await getApplication(t.api, id)).status).toBe('PROCESSING');
  });
});
