import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type DocumentStatus, documentFiles, documents } from '../../db/schema-onboarding.js';
import { newId } from '../../shared/ids.js';

export type DocumentRow = typeof documents.$inferSelect;

/** The first bytes of an encrypted file (the vault's binary envelope); no PDF, JPEG or PNG starts so. */
const ENCRYPTED_PREFIX = Buffer.from('llv1:', 'latin1');

/** A document the rules require: about the application itself, or about one of its individuals. */
export interface Requirement {
  individualId: string | null;
  documentType: string;
}

const ownerKeyOf = (r: Requirement) => r.individualId ?? 'application';
const byId = (clientId: string, id: string) => and(eq(documents.clientId, clientId), eq(documents.id, id));

export const documentsRepository = {
  /** A document the platform asks of a payment (RFI, Rail 1.1.2 collections); returns its id. */
  async requestForPayment(tx: Tx, clientId: string, paymentId: string, documentType: string, at: Date): Promise<string> {
    const id = newId('document');
    await tx.insert(documents).values({
      clientId,
      id,
      applicationId: null,
      withdrawalId: null,
      paymentId,
      individualId: null,
      ownerKey: 'payment',
      documentType,
      status: 'MISSING',
      required: true,
      createdAt: at,
      updatedAt: at,
    });
    return id;
  },
  /** A document the platform asks of a withdrawal (RFI); returns its id. */
  async requestForWithdrawal(tx: Tx, clientId: string, withdrawalId: string, documentType: string, at: Date): Promise<string> {
    const id = newId('document');
    await tx.insert(documents).values({
      clientId,
      id,
      applicationId: null,
      withdrawalId,
      individualId: null,
      ownerKey: 'withdrawal',
      documentType,
      status: 'MISSING',
      required: true,
      createdAt: at,
      updatedAt: at,
    });
    return id;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<DocumentRow | undefined> {
    const [row] = await db.select().from(documents).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<DocumentRow | undefined> {
    const [row] = await tx.select().from(documents).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** Every document row of an application (metadata only, never the bytes), oldest first. */
  async ofApplication(db: Db | Tx, clientId: string, applicationId: string): Promise<DocumentRow[]> {
    return db
      .select()
      .from(documents)
      .where(and(eq(documents.clientId, clientId), eq(documents.applicationId, applicationId)))
      .orderBy(asc(documents.seq));
  },

  /**
   * Makes the document rows match the requirements, in the caller's transaction: a new requirement
   * gets a row (and its platform-issued id), a requirement that is still there keeps its row and id.
   * A row no longer required is deleted when it holds no file, and kept out of sight (required =
   * false) when it does, so the file and the id come back if the requirement does.
   */
  async sync(tx: Tx, clientId: string, applicationId: string, required: Requirement[], at: Date): Promise<void> {
    const rows = await this.ofApplication(tx, clientId, applicationId);
    const key = (ownerKey: string, type: string) => `${ownerKey}|${type}`;
    const existing = new Map(rows.map((r) => [key(r.ownerKey, r.documentType), r]));
    const wanted = new Set(required.map((r) => key(ownerKeyOf(r), r.documentType)));
    const inserts = required
      .filter((r) => !existing.has(key(ownerKeyOf(r), r.documentType)))
      .map((r) => ({
        clientId,
        id: newId('document'),
        applicationId,
        individualId: r.individualId,
        ownerKey: ownerKeyOf(r),
        documentType: r.documentType,
        status: 'MISSING' as const,
        required: true,
        createdAt: at,
        updatedAt: at,
      }));
    if (inserts.length) await tx.insert(documents).values(inserts);
    const revive = rows.filter((r) => !r.required && wanted.has(key(r.ownerKey, r.documentType))).map((r) => r.id);
    const gone = rows.filter((r) => !wanted.has(key(r.ownerKey, r.documentType)));
    const drop = gone.filter((r) => r.uploadedAt === null).map((r) => r.id);
    const hide = gone.filter((r) => r.uploadedAt !== null && r.required).map((r) => r.id);
    const scope = (ids: string[]) => and(eq(documents.clientId, clientId), inArray(documents.id, ids));
    if (revive.length) await tx.update(documents).set({ required: true, updatedAt: at }).where(scope(revive));
    if (hide.length) await tx.update(documents).set({ required: false, updatedAt: at }).where(scope(hide));
    if (drop.length) await tx.delete(documents).where(scope(drop));
  },

  async setStatus(tx: Tx, clientId: string, ids: string[], status: DocumentStatus, at: Date): Promise<void> {
    if (!ids.length) return;
    await tx
      .update(documents)
      .set({ status, updatedAt: at })
      .where(and(eq(documents.clientId, clientId), inArray(documents.id, ids)));
  },

  async review(tx: Tx, clientId: string, id: string, status: 'APPROVED' | 'REJECTED', reason: string, at: Date): Promise<DocumentRow> {
    const [row] = await tx
      .update(documents)
      .set({ status, reviewReason: reason, reviewedAt: at, updatedAt: at })
      .where(byId(clientId, id))
      .returning();
    return row as DocumentRow;
  },

  /** Stores (or replaces) the file of a document (`content` as stored: encrypted; `size` the file's); the document becomes SUBMITTED, unreviewed. */
  async storeFile(
    tx: Tx,
    clientId: string,
    id: string,
    file: { content: Buffer; size: number; filename: string; contentType: string; sha256: string },
    at: Date,
  ): Promise<DocumentRow> {
    // Bytes travel as base64 text, decoded by the database: PGlite's binary parameter path is an
    // order of magnitude slower for large values (30 MB: ~16 s against ~1 s).
    const content = sql`decode(${file.content.toString('base64')}, 'base64')`;
    await tx
      .insert(documentFiles)
      .values({ clientId, documentId: id, content })
      .onConflictDoUpdate({ target: [documentFiles.clientId, documentFiles.documentId], set: { content } });
    const [row] = await tx
      .update(documents)
      .set({
        status: 'SUBMITTED',
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.size,
        sha256: file.sha256,
        uploadedAt: at,
        reviewReason: null,
        reviewedAt: null,
        updatedAt: at,
      })
      .where(byId(clientId, id))
      .returning();
    return row as DocumentRow;
  },

  /** The stored bytes of a document's file, as stored (encrypted: the service opens them). */
  async readFile(db: Db | Tx, clientId: string, id: string): Promise<Buffer | undefined> {
    const [row] = await db
      .select({ content: sql<string>`encode(${documentFiles.content}, 'base64')` })
      .from(documentFiles)
      .where(and(eq(documentFiles.clientId, clientId), eq(documentFiles.documentId, id)));
    return row ? Buffer.from(row.content, 'base64') : undefined;
  },

  /** Files not yet encrypted (an earlier version stored them in clear), after (client, document), in key order. */
  async clearFiles(
    db: Db,
    after: { clientId: string; documentId: string },
    limit: number,
  ): Promise<{ clientId: string; documentId: string }[]> {
    return db
      .select({ clientId: documentFiles.clientId, documentId: documentFiles.documentId })
      .from(documentFiles)
      .where(
        and(
          sql`(${documentFiles.clientId}, ${documentFiles.documentId}) > (${after.clientId}, ${after.documentId})`,
          sql`substring(${documentFiles.content} from 1 for ${ENCRYPTED_PREFIX.length}) <> decode(${ENCRYPTED_PREFIX.toString('hex')}, 'hex')`,
        ),
      )
      .orderBy(asc(documentFiles.clientId), asc(documentFiles.documentId))
      .limit(limit);
  },
  /** Replaces a file still in clear by its encrypted bytes (compare-and-set on "still clear"): true when replaced. */
  async replaceClearFile(db: Db, clientId: string, id: string, encrypted: Buffer): Promise<boolean> {
    const rows = await db
      .update(documentFiles)
      .set({ content: sql`decode(${encrypted.toString('base64')}, 'base64')` })
      .where(
        and(
          eq(documentFiles.clientId, clientId),
          eq(documentFiles.documentId, id),
          sql`substring(${documentFiles.content} from 1 for ${ENCRYPTED_PREFIX.length}) <> decode(${ENCRYPTED_PREFIX.toString('hex')}, 'hex')`,
        ),
      )
      .returning({ id: documentFiles.documentId });
    return rows.length > 0;
  },

  async deleteOfIndividual(tx: Tx, clientId: string, individualId: string): Promise<string[]> {
    const rows = await tx
      .delete(documents)
      .where(and(eq(documents.clientId, clientId), eq(documents.individualId, individualId)))
      .returning({ id: documents.id });
    return rows.map((r) => r.id);
  },
};
