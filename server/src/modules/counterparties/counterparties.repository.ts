import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { counterparties } from '../../db/schema-counterparties.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { encryptStoredPersonal, openPersonal, sealPersonal } from '../../platform/vault/personal-data.js';
import type { PageRequest } from '../../shared/pagination.js';

export type CounterpartyRow = typeof counterparties.$inferSelect;
export type NewCounterpartyRow = typeof counterparties.$inferInsert;

const byId = (clientId: string, id: string) => and(eq(counterparties.clientId, clientId), eq(counterparties.id, id));

export const counterpartiesRepository = {
  async insert(tx: Tx, row: NewCounterpartyRow): Promise<CounterpartyRow> {
    const [created] = await tx.insert(counterparties).values(row).returning();
    return created as CounterpartyRow;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await db.select().from(counterparties).where(byId(clientId, id));
    return row;
  },
  /** Locks the row for an update (status and details are re-checked under the lock). */
  async lock(tx: Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await tx.select().from(counterparties).where(byId(clientId, id)).for('no key update');
    return row;
  },
  /** For money movements: the counterparty cannot change status while the movement commits. */
  /** A customer's counterparties, locked in id order. */
  async lockOfCustomer(tx: Tx, clientId: string, customerId: string): Promise<CounterpartyRow[]> {
    return tx
      .select()
      .from(counterparties)
      .where(and(eq(counterparties.clientId, clientId), eq(counterparties.customerId, customerId)))
      .orderBy(asc(counterparties.id))
      .for('no key update');
  },
  async share(tx: Tx, clientId: string, id: string): Promise<CounterpartyRow | undefined> {
    const [row] = await tx.select().from(counterparties).where(byId(clientId, id)).for('share');
    return row;
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<NewCounterpartyRow>): Promise<CounterpartyRow> {
    const [row] = await tx.update(counterparties).set(patch).where(byId(clientId, id)).returning();
    return row as CounterpartyRow;
  },
  async list(
    db: Db,
    clientId: string,
    filters: { customerId?: string | undefined; type?: string | undefined; status?: string | undefined },
    page: PageRequest,
  ) {
    const where: SQL[] = [eq(counterparties.clientId, clientId)];
    if (filters.customerId) where.push(eq(counterparties.customerId, filters.customerId));
    if (filters.type) where.push(eq(counterparties.counterpartyType, filters.type));
    if (filters.status) where.push(eq(counterparties.status, filters.status));
    return fetchPage(db, counterparties, counterparties.seq, where, page);
  },
};

/**
 * Tax reference numbers at rest (CONTRACT §17): the repository as the counterparty use cases see
 * it, every row's details opened as read and sealed as written (bound to the row).
 */
const counterpartyContext = (clientId: string, id: string) => `counterparties.details:${clientId}:${id}`;

export type CounterpartiesRepository = typeof counterpartiesRepository;

export function sealedCounterpartiesRepository(box: SecretBox): CounterpartiesRepository {
  const r = counterpartiesRepository;
  const opened = <T extends CounterpartyRow | undefined>(row: T): T =>
    row && { ...row, details: openPersonal(box, row.details, counterpartyContext(row.clientId, row.id), { reveal: true }) };
  const sealed = <P extends { details?: Record<string, unknown> | undefined }>(context: string, patch: P): P =>
    patch.details === undefined ? patch : { ...patch, details: sealPersonal(box, patch.details, context) };
  return {
    ...r,
    insert: async (tx, row) => opened(await r.insert(tx, sealed(counterpartyContext(row.clientId, row.id), row))),
    find: async (db, clientId, id) => opened(await r.find(db, clientId, id)),
    lock: async (tx, clientId, id) => opened(await r.lock(tx, clientId, id)),
    lockOfCustomer: async (tx, clientId, customerId) => (await r.lockOfCustomer(tx, clientId, customerId)).map(opened),
    share: async (tx, clientId, id) => opened(await r.share(tx, clientId, id)),
    update: async (tx, clientId, id, patch) => opened(await r.update(tx, clientId, id, sealed(counterpartyContext(clientId, id), patch))),
    list: async (db, clientId, filters, page) => {
      const result = await r.list(db, clientId, filters, page);
      return { ...result, rows: result.rows.map(opened) };
    },
  };
}

/** Encrypts the tax reference numbers an earlier version stored in clear (at start, once the vault is open). */
export function encryptStoredCounterparties(db: Db, box: SecretBox): Promise<number> {
  return encryptStoredPersonal(db, box, {
    table: 'counterparties',
    keys: ['client_id', 'id'],
    columns: ['details'],
    context: (row) => counterpartyContext(row.client_id as string, row.id as string),
  });
}
