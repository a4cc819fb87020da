import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../db/client.js';
import type { BytesBox } from '../../platform/vault/index.js';
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

export type DocumentOwnerKind = 'application' | 'withdrawal' | 'payment';
export type DocumentOwners = Record<DocumentOwnerKind, DocumentOwnerHooks>;

function ownerOf(row: DocumentRow): { kind: DocumentOwnerKind; id: string } {
  if (row.applicationId !== null) return { kind: 'application', id: row.applicationId };
  if (row.withdrawalId !== null) return { kind: 'withdrawal', id: row.withdrawalId };
  if (row.paymentId !== null) return { kind: 'payment', id: row.paymentId };
  throw new Error(`document ${row.id} has no owner`);
}

export function documentView(row: DocumentRow) {
  return {
    id: row.id,
    status: row.status,
    document: row.documentType,
    application_id: row.applicationId,
    withdrawal_id: row.withdrawalId,
    ...(row.paymentId !== null && { payment_id: row.paymentId }),
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

/**
 * The encryption context of a document's file: bound to its client and document, so bytes copied
 * to another document do not decrypt there.
 */
const fileContext = (clientId: string, documentId: string) => `document_files.content:${clientId}:${documentId}`;

/**
 * Encrypts the files an earlier version stored in clear (identity documents: CONTRACT §17), one
 * at a time (files are up to 30 MB), each compare-and-set on "still clear" so processes starting
 * together do not clash. Called at start once the vault is open; returns how many it encrypted.
 */
export async function encryptStoredDocuments(db: Db, box: BytesBox, batch = 100): Promise<number> {
  let done = 0;
  let after = { clientId: '', documentId: '' };
  for (;;) {
    const files = await documentsRepository.clearFiles(db, after, batch);
    for (const f of files) {
      const content = await documentsRepository.readFile(db, f.clientId, f.documentId);
      if (!content || box.isEncryptedBytes(content)) continue;
      const sealed = box.encryptBytes(content, fileContext(f.clientId, f.documentId));
      if (await documentsRepository.replaceClearFile(db, f.clientId, f.documentId, sealed)) done++;
    }
    const last = files.at(-1);
    if (!last || files.length < batch) return done;
    after = last;
  }
}

/**
 * Uploads, downloads and operator reviews of the documents the platform asks for (LAYER2_API.md
 * §2.2). Files are stored encrypted by the vault (AES-256-GCM, CONTRACT §17) and opened on
 * download; size and SHA-256 are those of the uploaded bytes.
 */
export class DocumentsService {
  constructor(
    private readonly owners: DocumentOwners,
    private readonly box: BytesBox,
  ) {}

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
        {
          content: this.box.encryptBytes(file.content, fileContext(ctx.tenantId, id)),
          size: file.content.length,
          filename: cleanFilename(file.filename, contentType),
          contentType,
          sha256,
        },
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
    const stored = document.uploadedAt ? await documentsRepository.readFile(ctx.db, ctx.tenantId, id) : undefined;
    if (!stored) throw new AppError('NOT_FOUND', 'No file has been uploaded to this document yet.', 'document_id');
    // A file still in clear (written by an earlier version, before the start-up upgrade) is answered as it is.
    const content = this.box.isEncryptedBytes(stored) ? this.box.decryptBytes(stored, fileContext(ctx.tenantId, id)) : stored;
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
