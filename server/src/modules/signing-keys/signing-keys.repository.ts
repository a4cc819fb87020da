import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { signatureUses, signingKeys } from '../../db/schema.js';

export type SigningKeyRow = typeof signingKeys.$inferSelect;

/** The signing_keys and signature_uses tables (this module's): SQL only. */
export const signingKeysRepository = {
  /** Undefined when the client already registered this key. */
  async insert(tx: Tx, row: typeof signingKeys.$inferInsert): Promise<SigningKeyRow | undefined> {
    const [created] = await tx.insert(signingKeys).values(row).onConflictDoNothing().returning();
    return created;
  },
  async active(db: Reader, clientId: string): Promise<SigningKeyRow[]> {
    return db
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.clientId, clientId), isNull(signingKeys.revokedAt)))
      .orderBy(asc(signingKeys.seq));
  },
  /** Undefined when no active key of the client has this id. */
  async revoke(tx: Tx, clientId: string, id: string, at: Date): Promise<SigningKeyRow | undefined> {
    const [row] = await tx
      .update(signingKeys)
      .set({ revokedAt: at })
      .where(and(eq(signingKeys.clientId, clientId), eq(signingKeys.id, id), isNull(signingKeys.revokedAt)))
      .returning();
    return row;
  },
  /** Records a signature's use; false when it was recorded before. */
  async recordUse(tx: Tx, clientId: string, digest: string, expiresAt: Date): Promise<boolean> {
    const rows = await tx
      .insert(signatureUses)
      .values({ clientId, digest, expiresAt })
      .onConflictDoNothing()
      .returning({ digest: signatureUses.digest });
    return rows.length > 0;
  },
  async purgeUses(db: Reader, before: Date): Promise<void> {
    await db.delete(signatureUses).where(lt(signatureUses.expiresAt, before));
  },
};

/**
 * The record of signature uses as literal SQL, for the statement a unit of work sends with BEGIN:
 * `rows` is a VALUES list or a SELECT of (client_id, digest, expires_at). It returns the digests
 * recorded now: a digest used before returns nothing.
 */
export const recordUsesSql = (rows: string): string =>
  `INSERT INTO signature_uses (client_id, digest, expires_at) ${rows} ON CONFLICT DO NOTHING RETURNING digest`;
