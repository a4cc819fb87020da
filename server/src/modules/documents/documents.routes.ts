import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { DocumentsService } from './documents.service.js';
import { DOCUMENT_TYPES } from './documents.types.js';
import { MULTIPART_LIMITS, readUpload, refuseOversizedBody } from './documents.upload.js';

const tags = ['Documents'];
const Params = Type.Object({ document_id: Type.String({ maxLength: 64 }) });
const AdminParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const DocStatus = Type.Unsafe<string>({ type: 'string', enum: ['MISSING', 'SUBMITTED', 'CHANGES_REQUESTED', 'REJECTED', 'APPROVED'] });

export const Document = Type.Object({
  id: Type.String(),
  status: DocStatus,
  document: Type.Unsafe<string>({ type: 'string', enum: Object.keys(DOCUMENT_TYPES) }),
  application_id: Type.Union([Type.String(), Type.Null()], { description: 'The application the document is for, if any.' }),
  withdrawal_id: Type.Union([Type.String(), Type.Null()], { description: 'The withdrawal that asked for it (RFI), if any.' }),
  individual_id: Type.Union([Type.String(), Type.Null()], {
    description: 'The individual the document is about; null for the application itself.',
  }),
  required: Type.Boolean({ description: 'false: no longer required by the rules, kept because it holds a file.' }),
  file: Type.Union([
    Type.Object({
      filename: Type.String(),
      content_type: Type.String({ description: 'application/pdf, image/jpeg or image/png, recognised from the bytes.' }),
      size: Type.Integer(),
      sha256: Type.String(),
      uploaded_at: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
  review: Type.Union([Type.Object({ reason: Type.String(), reviewed_at: Type.String({ format: 'date-time' }) }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

/** Multipart upload (part `file`, 30 MB at most, PDF/JPEG/PNG), download, and the operator's review. */
export const documentsRoutes: FastifyPluginAsyncTypebox<{ service: DocumentsService }> = async (app, { service }) => {
  // Multipart is parsed in this plugin only; the rest of the API keeps its 1 MB JSON body limit.
  await app.register(multipart, { limits: MULTIPART_LIMITS });

  app.post(
    '/documents/:document_id',
    {
      config: { auth: { scope: 'applications:write' } },
      onRequest: refuseOversizedBody,
      // The body schema documents the multipart form; the part is read and checked by readUpload.
      validatorCompiler: (req) => (req.httpPart === 'body' ? () => true : (app.validatorCompiler as FastifySchemaCompiler<unknown>)(req)),
      schema: {
        tags,
        summary: 'Upload a document',
        description:
          'multipart/form-data with the file in a part named `file`: PDF, JPEG or PNG (recognised by its bytes), at most 30 MB. A new upload replaces the file; the document becomes SUBMITTED and the application status is recomputed. Document ids come from GET /v1/applications/{id}/status.',
        headers: MutationHeaders,
        params: Params,
        consumes: ['multipart/form-data'],
        body: Type.Object({
          file: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The document: PDF, JPEG or PNG, at most 30 MB.' }),
        }),
        response: {
          200: data(Document),
          ...errorResponses(
            'NOT_FOUND',
            'NOT_UPDATABLE',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.upload(writeContext(request), request.params.document_id, await readUpload(request)) }),
  );

  app.get(
    '/documents/:document_id',
    {
      config: { auth: { scope: 'applications:read' } },
      schema: {
        tags,
        summary: 'Retrieve a document (status and file metadata)',
        params: Params,
        response: { 200: data(Document), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.document_id) }),
  );

  app.get(
    '/documents/:document_id/download',
    {
      config: { auth: { scope: 'applications:read' } },
      schema: {
        tags,
        summary: 'Download a document',
        description: 'The uploaded bytes, unchanged, with their content type.',
        params: Params,
        response: {
          200: {
            description: 'The file',
            content: { 'application/octet-stream': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } },
          },
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const { document, content } = await service.download(readContext(request), request.params.document_id);
      return reply
        .type(document.contentType ?? 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${document.filename ?? document.id}"`)
        .send(content);
    },
  );

  app.post(
    '/admin/documents/:id/review',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['Admin: onboarding'],
        summary: 'Review an uploaded document (operator)',
        description: 'With x-l2f-client-id. APPROVED or REJECTED, with the reason; a REJECTED document must be uploaded again.',
        headers: MutationHeaders,
        params: AdminParams,
        body: Type.Object(
          {
            decision: Type.Unsafe<'APPROVED' | 'REJECTED'>({ type: 'string', enum: ['APPROVED', 'REJECTED'] }),
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: data(Document), ...errorResponses('NOT_FOUND', 'NOT_UPDATABLE', 'INVALID_STATUS_TRANSITION') },
      },
    },
    async (request) => ({ data: await service.review(writeContext(request), request.params.id, request.body) }),
  );
};
