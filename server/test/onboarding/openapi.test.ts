import { beforeAll, expect, it } from 'vitest';
import { getApp } from '../helpers.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

it('OpenAPI documents the onboarding routes (alias paths hidden), the multipart upload and the binary download', async () => {
  const app = await getApp();
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json();
  expect(Object.keys(doc.paths).filter((p) => /applications|documents/.test(p))).toEqual([
    '/v1/applications',
    '/v1/applications/{id}',
    '/v1/applications/{id}/status',
    '/v1/applications/{id}/history',
    '/v1/applications/{id}/submit',
    '/v1/applications/{id}/accesscode',
    '/v1/applications/{id}/individual',
    '/v1/applications/{id}/individual/{individual_id}',
    '/v1/admin/applications/{id}/decision',
    '/v1/documents/{document_id}',
    '/v1/documents/{document_id}/download',
    '/v1/admin/documents/{id}/review',
    '/v1/simulations/applications/{id}/decision',
  ]);
  const upload = doc.paths['/v1/documents/{document_id}'].post;
  expect(upload.requestBody.content['multipart/form-data'].schema).toMatchObject({
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary' } },
  });
  expect(upload.security).toEqual([{ oauth2: ['applications:write'] }]);
  expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '415']));
  expect(doc.paths['/v1/documents/{document_id}/download'].get.responses['200'].content).toEqual({
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  });
  expect(doc.paths['/v1/admin/applications/{id}/decision'].post.security).toEqual([{ oauth2: ['admin'] }]);
});
