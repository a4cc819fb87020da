import { and, eq, gt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Reader, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { transfers } from '../../db/schema.js';
import { queryRows } from '../../db/sql.js';
import type { PageRequest } from '../../shared/pagination.js';
import { type TransferRow, type TransferStatus, transferMachine } from './transfers.machine.js';

const byId = (clientId: string, id: string) => and(eq(transfers.clientId, clientId), eq(transfers.id, id));
const expiry = transferMachine.spec.expiry;

/** A row as transfer_json (transfers.sql) writes it: money, ids and times as text. */
interface TransferJson {
  client_id: string;
  id: string;
  source_account_id: string;
  destination_account_id: string;
  asset_type_id: string;
  amount: string;
  description: string | null;
  status: TransferStatus;
  valid_until: string;
  entry_id: string | null;
  created_at: string;
  updated_at: string;
  executed_at: string | null;
  seq: string;
}

export function fromJson(j: TransferJson): TransferRow {
  return {
    clientId: j.client_id,
    id: j.id,
    sourceAccountId: j.source_account_id,
    destinationAccountId: j.destination_account_id,
    assetTypeId: j.asset_type_id,
    amount: BigInt(j.amount),
    description: j.description,
    status: j.status,
    validUntil: new Date(j.valid_until),
    entryId: j.entry_id === null ? null : BigInt(j.entry_id),
    createdAt: new Date(j.created_at),
    updatedAt: new Date(j.updated_at),
    executedAt: j.executed_at === null ? null : new Date(j.executed_at),
    seq: BigInt(j.seq),
  } as TransferRow;
}

export type AcceptOutcome =
  | { outcome: 'EXECUTED'; transfer: TransferJson; dormant_accounts: string[]; dormant_customers: string[] }
  | { outcome: 'NOT_FOUND' }
  | { outcome: 'STATUS' | 'EXPIRED'; transfer: TransferJson }
  | { outcome: 'NOT_TRANSACTABLE'; role: string; account_id: string; account_status?: string; customer_status?: string };

/** A party of a transfer as the create step checks it. */
export interface Party {
  id: string;
  asset_type_id: string;
  status: string;
  customer_status: string | null;
}

/** The transfers table (this module's only): SQL only. */
export const transfersRepository = {
  async find(db: Reader, clientId: string, id: string): Promise<TransferRow | undefined> {
    const [row] = await db.select().from(transfers).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<TransferRow | undefined> {
    const [row] = await tx.select().from(transfers).where(byId(clientId, id)).for('no key update');
    return row;
  },
  async insert(tx: Tx, row: typeof transfers.$inferInsert): Promise<TransferRow> {
    const [created] = await tx.insert(transfers).values(row).returning();
    return created as TransferRow;
  },
  async insertMany(tx: Tx, rows: (typeof transfers.$inferInsert)[]): Promise<TransferRow[]> {
    return rows.length ? tx.insert(transfers).values(rows).returning() : [];
  },
  async setStatus(tx: Tx, clientId: string, id: string, status: TransferStatus, at: Date): Promise<TransferRow> {
    const [row] = await tx.update(transfers).set({ status, updatedAt: at }).where(byId(clientId, id)).returning();
    return row as TransferRow;
  },
  /** Both accounts of a transfer and their customers' statuses, in one read. */
  async parties(db: Reader, clientId: string, ids: string[]): Promise<Party[]> {
    return queryRows<Party>(
      db,
      sql`SELECT a.id, a.asset_type_id, a.status, c.status AS customer_status
            FROM accounts a LEFT JOIN customers c ON c.client_id = a.client_id AND c.id = a.customer_id
           WHERE a.client_id = ${clientId} AND a.id IN ${ids}`,
    );
  },
  /** transfer_accept (transfers.sql): the whole accept in one round trip. */
  async accept(
    tx: Tx,
    p: {
      clientId: string;
      id: string;
      at: Date;
      from: readonly string[];
      transactable: readonly string[];
      txnIds: string[];
      eventIds: string[];
    },
  ): Promise<AcceptOutcome> {
    const [row] = await queryRows<{ r: AcceptOutcome }>(
      tx,
      sql`SELECT transfer_accept(${p.clientId}, ${p.id}, ${p.at.toISOString()}::timestamptz, ${toArray(p.from)}::text[],
            ${toArray(p.transactable)}::text[], ${toArray(p.txnIds)}::text[], ${toArray(p.eventIds)}::text[]) AS r`,
    );
    return (row as { r: AcceptOutcome }).r;
  },
  /** REQUESTED past valid_until -> EXPIRED (the sweeper). */
  async expireDue(tx: Tx, now: Date, clientId?: string): Promise<number> {
    if (!expiry) return 0;
    const where: SQL[] = [eq(transfers.status, 'REQUESTED'), lte(transfers.validUntil, now)];
    if (clientId) where.push(eq(transfers.clientId, clientId));
    const rows = await tx
      .update(transfers)
      .set({ status: expiry.to, updatedAt: now })
      .where(and(...where))
      .returning({ id: transfers.id });
    return rows.length;
  },
  /** A page of a client's transfers; a status filter means the status as read at `now` (the machine's). */
  async list(db: Reader, clientId: string, status: TransferStatus | undefined, now: Date, page: PageRequest) {
    const where: SQL[] = [eq(transfers.clientId, clientId)];
    if (status) where.push(statusAt(status, now));
    return fetchPage(db, transfers, transfers.seq, where, page);
  },
};

/** The SQL of "reads as `status` at `now`": expiring statuses split at valid_until. */
function statusAt(status: TransferStatus, now: Date): SQL {
  if (expiry && expiry.from.includes(status)) return and(eq(transfers.status, status), gt(transfers.validUntil, now)) as SQL;
  if (expiry && status === expiry.to) {
    return or(eq(transfers.status, status), and(eq(transfers.status, 'REQUESTED'), lte(transfers.validUntil, now))) as SQL;
  }
  return eq(transfers.status, status);
}

/** A text[] parameter as an array literal (both drivers take it): every element quoted, " and \ escaped. */
function toArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
