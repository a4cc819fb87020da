import { and, asc, eq } from 'drizzle-orm';
import { boolean, pgTable, text } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import { ts } from '../../db/columns.js';

/** migrations/0020_vault_keys.sql. Declared here, beside the only code that reads it. */
export const vaultKeys = pgTable('vault_keys', {
  id: text('id').primaryKey(),
  purpose: text('purpose').notNull().$type<KeyPurpose>(),
  masterKeyId: text('master_key_id').notNull(),
  wrappedKey: text('wrapped_key').notNull(),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull(),
  rewrappedAt: ts('rewrapped_at'),
});

export type KeyPurpose = 'encryption' | 'lookup';
export type VaultKeyRow = typeof vaultKeys.$inferSelect;

export const vaultRepository = {
  all(db: Db | Tx): Promise<VaultKeyRow[]> {
    return db.select().from(vaultKeys).orderBy(asc(vaultKeys.createdAt), asc(vaultKeys.id));
  },
  /** Inserts an active key unless the purpose has one already (another process won): true when inserted. */
  async insertActive(db: Db, row: Omit<typeof vaultKeys.$inferInsert, 'active'>): Promise<boolean> {
    const inserted = await db
      .insert(vaultKeys)
      .values({ ...row, active: true })
      .onConflictDoNothing()
      .returning({ id: vaultKeys.id });
    return inserted.length > 0;
  },
  /** Replaces a key's wrapping, only if it is still wrapped as read (compare-and-set). */
  async rewrap(tx: Tx, id: string, from: string, to: { masterKeyId: string; wrappedKey: string; at: Date }): Promise<boolean> {
    const rows = await tx
      .update(vaultKeys)
      .set({ masterKeyId: to.masterKeyId, wrappedKey: to.wrappedKey, rewrappedAt: to.at })
      .where(and(eq(vaultKeys.id, id), eq(vaultKeys.wrappedKey, from)))
      .returning({ id: vaultKeys.id });
    return rows.length > 0;
  },
};
