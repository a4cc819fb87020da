import type { Tx } from '../../db/client.js';
import { adjustments } from '../../db/schema.js';

/** The adjustments table (this module's): SQL only. */
export const adjustmentsRepository = {
  async insert(tx: Tx, row: typeof adjustments.$inferInsert): Promise<void> {
    await tx.insert(adjustments).values(row);
  },
};
