import { beforeAll, describe, expect, it } from 'vitest';
import { Api, getApp, newTenant, operatorApi, tokenFor } from '../helpers.js';
import { corporationApplication, createApplication, expectError, ok, person, requiredDocuments } from './_fixtures.js';
import { FILES, multipartBody, postRaw, uploadFile } from './_multipart.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

async function ownerWithEverything() {
  const app = await getApp();
  const a = await newTenant(app, { regulated: false });
  const created = await createApplication(a.api, corporationApplication());
  const individual = await ok(a.api.post(`/v1/applications/${created.id}/individual`, person()));
  const [doc] = await requiredDocuments(a.api, created.id);
  expect((await uploadFile(a.api, doc!.id, FILES.pdf)).status).toBe(200);
  return { app, a, appId: created.id as string, individualId: individual.id as string, docId: doc!.id };
}

describe('tenant isolation and scopes', () => {
  it('another client gets 404 on every application and document route, and sees nothing in its list', async () => {
    const { app, a, appId, individualId, docId } = await ownerWithEverything();
    const b = await newTenant(app, { regulated: false });
    const ind = `/v1/applications/${appId}/individual/${individualId}`;
    const calls: [Promise<any>, string][] = [
      [b.api.get(`/v1/applications/${appId}`), 'id'],
      [b.api.patch(`/v1/applications/${appId}`, { trading_name: 'Mine' }), 'id'],
      [b.api.get(`/v1/applications/${appId}/status`), 'id'],
      [b.api.get(`/v1/applications/${appId}/history`), 'id'],
      [b.api.post(`/v1/applications/${appId}/submit`), 'id'],
      [b.api.post(`/v1/applications/${appId}/accesscode`), 'id'],
      [b.api.post(`/v1/applications/${appId}/individual`, person()), 'id'],
      [b.api.get(ind), 'id'],
      [b.api.patch(ind, { first_name: 'X' }), 'id'],
      [b.api.delete(ind), 'id'],
      [b.api.post(`/v1/simulations/applications/${appId}/decision`, { decision: 'APPROVED' }), 'id'],
      [b.operator.post(`/v1/admin/applications/${appId}/decision`, { decision: 'APPROVED', reason: 'x' }), 'id'],
      [uploadFile(b.api, docId, FILES.png), 'document_id'],
      [b.api.get(`/v1/documents/${docId}`), 'document_id'],
      [b.api.get(`/v1/documents/${docId}/download`), 'document_id'],
      [b.operator.post(`/v1/admin/documents/${docId}/review`, { decision: 'REJECTED', reason: 'x' }), 'id'],
    ];
    for (const [call, field] of calls) expectError(await call, 404, 'NOT_FOUND', field);
    expect((await ok(b.api.get('/v1/applications'))).applications).toEqual([]);
    // Nothing changed for the owner.
    expect(await ok(a.api.get(`/v1/documents/${docId}`))).toMatchObject({ status: 'SUBMITTED', file: { content_type: 'application/pdf' } });
    expect((await ok(a.api.get(ind))).first_name).toBe('Grace');
    // The operator acting for the owner reaches it.
    expect((await ok(a.operator.get(`/v1/documents/${docId}`))).id).toBe(docId);
    const down = await app.inject({
      method: 'GET',
      url: `/v1/documents/${docId}/download`,
      headers: { authorization: `Bearer ${a.operator.token}`, 'x-l2f-client-id': a.clientId },
    });
    expect(down.rawPayload.equals(FILES.pdf)).toBe(true);
  });

  it('scopes: applications:read reads only; applications:write writes; admin routes need the operator', async () => {
    const { app, a, appId, docId } = await ownerWithEverything();
    const reader = new Api(app, await tokenFor(app, a.clientId, a.secret, 'applications:read'));
    const customersOnly = new Api(app, await tokenFor(app, a.clientId, a.secret, 'customers:read customers:write'));
    expect((await reader.get(`/v1/applications/${appId}`)).status).toBe(200);
    expect((await reader.get(`/v1/applications/${appId}/status`)).status).toBe(200);
    expect((await reader.get(`/v1/documents/${docId}/download`)).status).toBe(200);
    for (const res of [
      await reader.post('/v1/applications', corporationApplication()),
      await reader.patch(`/v1/applications/${appId}`, { trading_name: 'T' }),
      await reader.post(`/v1/applications/${appId}/submit`),
      await reader.post(`/v1/applications/${appId}/individual`, person()),
      await uploadFile(reader, docId, FILES.pdf),
      await reader.post(`/v1/simulations/applications/${appId}/decision`, { decision: 'APPROVED' }),
      await customersOnly.get('/v1/applications'),
      await customersOnly.get(`/v1/documents/${docId}/download`),
      await a.api.post(`/v1/admin/applications/${appId}/decision`, { decision: 'APPROVED', reason: 'x' }),
      await a.api.post(`/v1/admin/documents/${docId}/review`, { decision: 'APPROVED', reason: 'x' }),
    ]) {
      expectError(res, 403, 'INSUFFICIENT_SCOPE');
    }
    const op = await operatorApi(app);
    expectError(
      await op.post(`/v1/admin/applications/${appId}/decision`, { decision: 'APPROVED', reason: 'x' }),
      400,
      'VALIDATION_ERROR',
      'x-l2f-client-id',
    );
    expectError(await op.get(`/v1/applications/${appId}`), 400, 'VALIDATION_ERROR', 'x-l2f-client-id');
    const anonymous = await app.inject({ method: 'GET', url: `/v1/applications/${appId}` });
    expect(anonymous.statusCode).toBe(401);
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'a.pdf', content: FILES.pdf }]);
    expect((await postRaw(new Api(app, 'not-a-token'), `/v1/documents/${docId}`, body, contentType)).status).toBe(401);
  });

  it('routes answer under /api/v1 too', async () => {
    const { a, appId, docId } = await ownerWithEverything();
    expect((await ok(a.api.get(`/api/v1/applications/${appId}/status`))).id).toBe(appId);
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'a.png', content: FILES.png }]);
    const res = await postRaw(a.api, `/api/v1/documents/${docId}`, body, contentType);
    expect([res.status, res.body.data.file.content_type]).toEqual([200, 'image/png']);
  });
});
