import { eq } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { clientCatalogue } from '../../db/schema.js';

export type ClientCatalogueRow = typeof clientCatalogue.$inferSelect;

/** The client_catalogue table (this module's): SQL only. */
export const catalogueRepository = {
  async find(db: Reader, clientId: string): Promise<ClientCatalogueRow | undefined> {
    const [row] = await db.select().from(clientCatalogue).where(eq(clientCatalogue.clientId, clientId));
    return row;
  },
  async upsert(tx: Tx, clientId: string, value: { products: string[]; assets: string[] }, updatedAt: Date): Promise<void> {
    await tx
      .insert(clientCatalogue)
      .values({ clientId, ...value, updatedAt })
      .onConflictDoUpdate({ target: clientCatalogue.clientId, set: { ...value, updatedAt } });
  },
};
