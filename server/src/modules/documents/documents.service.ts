import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { writeHistory } from '../history/index.js';
import { type DocumentRow, documentsRepository } from './documents.repository.js';
import { cleanFilename, sniff } from './documents.types.js';

/**
 * What the owner of documents (an application, or a withdrawal waiting for an RFI) does around a
 * document change, in the same transaction: lock and check itself first, react after.
 */
export interface DocumentOwnerHooks {
  /** Locks the owner; refuses with NOT_UPDATABLE when it does not take this change now. */
  lockOwner(tx: Tx, ctx: WriteContext, ownerId: string, change: 'upload' | 'review'): Promise<void>;
  afterChange(tx: Tx, ctx: WriteContext, ownerId: string, at: Date): Promise<void>;
}

export type DocumentOwnerKind = 'application' | 'withdrawal';
export type DocumentOwners = Record<DocumentOwnerKind, DocumentOwnerHooks>;

function ownerOf(row: DocumentRow): { kind: DocumentOwnerKind; id: string } {
  if (row.applicationId !== null) return { kind: 'application', id: row.applicationId };
  if (row.withdrawalId !== null) return { kind: 'withdrawal', id: row.withdrawalId };
  throw new Error(`document ${row.id} has no owner`);
}

export function documentView(row: DocumentRow) {
  return {
    id: row.id,
    status: row.status,
    document: row.documentType,
    application_id: row.applicationId,
    withdrawal_id: row.withdrawalId,
    individual_id: row.individualId,
    required: row.required,
    file:
      row.uploadedAt === null
        ? null
        : {
            filename: row.filename as string,
            content_type: row.contentType as string,
            size: row.sizeBytes as number,
            sha256: row.sha256 as string,
            uploaded_at: row.uploadedAt.toISOString(),
          },
    review: row.reviewedAt === null ? null : { reason: row.reviewReason as string, reviewed_at: row.reviewedAt.toISOString() },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type DocumentView = ReturnType<typeof documentView>;

/** Uploads, downloads and operator reviews of the documents the platform asks for (LAYER2_API.md §2.2). */
export class DocumentsService {
  constructor(private readonly owners: DocumentOwners) {}

  async get(ctx: Context, id: string): Promise<DocumentView> {
    const row = await documentsRepository.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Document', 'document_id');
    return documentView(row);
  }

  /** Stores the file (replacing any earlier one): the document becomes SUBMITTED. */
  async upload(ctx: WriteContext, id: string, file: { content: Buffer; filename: string | undefined }): Promise<DocumentView> {
    const found = await documentsRepository.find(ctx.db, ctx.tenantId, id);
    if (!found) throw notFound('Document', 'document_id');
    if (file.content.length === 0) throw new AppError('VALIDATION_ERROR', 'The file is empty.', 'file');
    const contentType = sniff(file.content);
    if (!contentType) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not a PDF, JPEG or PNG (recognised by its content, not its name).', 'file');
    }
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const owner = ownerOf(found);
    const row = await (async (tx: Tx) => {
      await this.owners[owner.kind].lockOwner(tx, ctx, owner.id, 'upload');
      const current = await documentsRepository.lock(tx, ctx.tenantId, id);
      if (!current) throw notFound('Document', 'document_id');
      const at = ctx.now;
      const stored = await documentsRepository.storeFile(
        tx,
        ctx.tenantId,
        id,
        { content: file.content, filename: cleanFilename(file.filename, contentType), contentType, sha256 },
        at,
      );
      await writeHistory(
        tx,
        owner.kind,
        owner.id,
        [
          { field: `documents.${id}.status`, before: current.status, after: stored.status },
          { field: `documents.${id}.sha256`, before: current.sha256, after: sha256 },
        ].filter((c) => c.before !== c.after),
        { auth: ctx, at },
      );
      await this.owners[owner.kind].afterChange(tx, ctx, owner.id, at);
      return stored;
    })(ctx.tx);
    return documentView(row);
  }

  async download(ctx: Context, id: string): Promise<{ document: DocumentRow; content: Buffer }> {
    const document = await documentsRepository.find(ctx.db, ctx.tenantId, id);
    if (!document) throw notFound('Document', 'document_id');
    const content = document.uploadedAt ? await documentsRepository.readFile(ctx.db, ctx.tenantId, id) : undefined;
    if (!content) throw new AppError('NOT_FOUND', 'No file has been uploaded to this document yet.', 'document_id');
    return { document, content };
  }

  /** Operator review of an uploaded file: APPROVED or REJECTED, with the reason recorded. */
  async review(ctx: WriteContext, id: string, body: { decision: 'APPROVED' | 'REJECTED'; reason: string }): Promise<DocumentView> {
    const found = await documentsRepository.find(ctx.db, ctx.tenantId, id);
    if (!found) throw notFound('Document', 'id');
    const owner = ownerOf(found);
    const row = await (async (tx: Tx) => {
      await this.owners[owner.kind].lockOwner(tx, ctx, owner.id, 'review');
      const current = await documentsRepository.lock(tx, ctx.tenantId, id);
      if (!current) throw notFound('Document', 'id');
      if (current.uploadedAt === null || current.status === 'MISSING' || current.status === 'CHANGES_REQUESTED') {
        throw new AppError(
          'INVALID_STATUS_TRANSITION',
          `The document is ${current.status}: only an uploaded file (SUBMITTED, or already reviewed) can be reviewed.`,
          'status',
        );
      }
      const at = ctx.now;
      const reviewed = await documentsRepository.review(tx, ctx.tenantId, id, body.decision, body.reason, at);
      await writeHistory(tx, owner.kind, owner.id, [{ field: `documents.${id}.status`, before: current.status, after: body.decision }], {
        auth: ctx,
        reason: body.reason,
        at,
      });
      await this.owners[owner.kind].afterChange(tx, ctx, owner.id, at);
      return reviewed;
    })(ctx.tx);
    return documentView(row);
  }
}
