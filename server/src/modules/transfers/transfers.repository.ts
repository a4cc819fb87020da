import { and, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { sqlLiteral as lit, type Reader, type Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { transfers } from '../../db/schema.js';
import { type CallArg, queryRows, sqlCall, textArrayLiteral } from '../../db/sql.js';
import { statusFilter } from '../../db/status-filter.js';
import { extend } from '../../shared/objects.js';
import type { PageRequest } from '../../shared/pagination.js';
import { type TransferRow, type TransferStatus, transferMachine } from './transfers.machine.js';

/** A transfer the service built, before it is written. */
export interface NewTransfer {
  clientId: string;
  id: string;
  sourceAccountId: string;
  destinationAccountId: string;
  assetTypeId: string;
  amount: bigint;
  description: string | null;
  status: 'REQUESTED';
  validUntil: Date;
  createdAt: Date;
  updatedAt: Date;
}

const byId = (clientId: string, id: string) => and(eq(transfers.clientId, clientId), eq(transfers.id, id));

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
  | { outcome: 'NOT_FOUND' | 'INSUFFICIENT_FUNDS' }
  | { outcome: 'STATUS' | 'EXPIRED'; transfer: TransferJson }
  | { outcome: 'NOT_TRANSACTABLE'; role: string; account_id: string; account_status?: string; customer_status?: string };

/** The arguments of transfer_accept_many. */
export interface AcceptManyParams {
  clientId: string;
  ids: string[];
  at: Date;
  from: readonly string[];
  transactable: readonly string[];
  txnIds: string[];
  eventIds: string[];
}

/** One transfer of a batch to execute, as transfers_execute_batch takes it. */
export interface BatchItem {
  id: string;
  source: string;
  destination: string;
  asset: string;
  amount: string;
  description: string | null;
  txn_ids: [string, string];
  event_ids: [string, string];
}

/** The arguments of transfers_execute_batch (transfers.sql). */
export interface BatchParams {
  clientId: string;
  items: BatchItem[];
  at: Date;
  validUntil: Date;
  transactable: readonly string[];
  atomic: boolean;
  /** How many batches of one client may execute at once (0: no limit); see transfers.sql. */
  slots: number;
}

export interface BatchOutcome {
  applied: boolean;
  results: (
    | { transfer: TransferJson }
    | { error: 'NOT_TRANSACTABLE' | 'INSUFFICIENT_FUNDS'; role?: string; account_id?: string }
    | Record<string, never>
  )[];
  dormant_accounts?: string[];
  dormant_customers?: string[];
}

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
  /** parties() as literal SQL: a unit of work's prefetch, read with BEGIN. */
  partiesSql(clientId: string, ids: string[]): string {
    return `SELECT * FROM ${partiesCall(clientId, ids).literal}`;
  },
  /**
   * The insert of REQUESTED transfers the service built, as one literal SQL statement sent with
   * COMMIT; the rows as they will read back (no default but seq, which no view shows).
   */
  insertAtCommit(rows: NewTransfer[]): { statement: string; rows: TransferRow[] } {
    const values = rows.map(
      (row) => `(${lit(row.clientId)}, ${lit(row.id)}, ${lit(row.sourceAccountId)}, ${lit(row.destinationAccountId)},
        ${lit(row.assetTypeId)}, ${lit(row.amount)}, ${lit(row.description)}, ${lit(row.status)},
        ${lit(row.validUntil.toISOString())}, ${lit(row.createdAt.toISOString())}, ${lit(row.updatedAt.toISOString())})`,
    );
    const statement = `INSERT INTO transfers (client_id, id, source_account_id, destination_account_id, asset_type_id, amount,
        description, status, valid_until, created_at, updated_at) VALUES ${values.join(',\n')}`;
    return { statement, rows: rows.map((row): TransferRow => extend(row, { entryId: null, executedAt: null, seq: 0n })) };
  },
  /** Accounts of transfers and their customers' statuses, in one read (transfer_parties, transfers.sql). */
  async parties(db: Reader, clientId: string, ids: string[]): Promise<Party[]> {
    return queryRows<Party>(db, sql`SELECT * FROM ${partiesCall(clientId, ids).bound}`);
  },
  /**
   * transfer_accept_many (transfers.sql): the accept of distinct transfers in one round trip, one
   * outcome per id, in order. Item i's lines get txnIds[2i], txnIds[2i+1] (0-based), its events likewise.
   */
  async acceptMany(tx: Tx, p: AcceptManyParams): Promise<AcceptOutcome[]> {
    const [row] = await queryRows<{ r: AcceptOutcome[] }>(tx, sql`SELECT ${acceptManyCall(p).bound} AS r`);
    return (row as { r: AcceptOutcome[] }).r;
  },
  /**
   * acceptMany as literal SQL, for a group's opening round trip (unit of work, coalesce.opening):
   * the items whose entry of `runs` (an SQL boolean[], one per id) is false are not run (null outcome).
   */
  acceptManySql(p: AcceptManyParams, runs: string): string {
    const ids = `(SELECT array_agg(CASE WHEN u.runs THEN u.id END ORDER BY u.o)
           FROM unnest(${runs}, ${lit(textArrayLiteral(p.ids))}::text[]) WITH ORDINALITY AS u(runs, id, o))`;
    return `SELECT ${acceptManyCall(p, { expression: ids }).literal} AS r`;
  },
  /** Which of these ids the client's transfers already use. */
  async existingIds(db: Reader, clientId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await db
      .select({ id: transfers.id })
      .from(transfers)
      .where(and(eq(transfers.clientId, clientId), inArray(transfers.id, ids)));
    return new Set(rows.map((r) => r.id));
  },
  /** transfers_execute_batch (transfers.sql): create and execute many in one round trip. */
  async executeBatch(tx: Tx, p: BatchParams): Promise<BatchOutcome> {
    const [row] = await queryRows<{ r: BatchOutcome }>(tx, sql`SELECT ${executeBatchCall(p, false).bound} AS r`);
    return (row as { r: BatchOutcome }).r;
  },
  /**
   * executeBatch as literal SQL in strict mode, for the unit's last round trip (ctx.atCommitPredicted):
   * it raises LL005 unless every item executes, with no party to wake.
   */
  executeBatchPredictedSql(p: BatchParams): string {
    return `SELECT ${executeBatchCall(p, true).literal}`;
  },
  /** REQUESTED past valid_until -> EXPIRED (the sweeper). */
  async expireDue(tx: Tx, now: Date, clientId?: string): Promise<number> {
    const expiry = transferMachine.spec.expiry;
    if (!expiry) return 0;
    const where: SQL[] = [inArray(transfers.status, [...expiry.from]), lt(transfers.validUntil, now)];
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
    if (status) where.push(statusFilter(transferMachine, { status: transfers.status, deadline: transfers.validUntil }, status, now));
    return fetchPage(db, transfers, transfers.seq, where, page);
  },
};

/** transfer_parties (transfers.sql), as parties() reads it and as a prefetch sends it. */
function partiesCall(clientId: string, ids: string[]) {
  return sqlCall('transfer_parties', [
    { value: clientId, type: 'text' },
    { value: textArrayLiteral(ids), type: 'text[]' },
  ]);
}

/** transfer_accept_many (transfers.sql); `ids` replaced by an expression in a group's opening. */
function acceptManyCall(p: AcceptManyParams, ids: CallArg = { value: textArrayLiteral(p.ids), type: 'text[]' }) {
  return sqlCall('transfer_accept_many', [
    { value: p.clientId, type: 'text' },
    ids,
    { value: p.at.toISOString(), type: 'timestamptz' },
    { value: textArrayLiteral(p.from), type: 'text[]' },
    { value: textArrayLiteral(p.transactable), type: 'text[]' },
    { value: textArrayLiteral(p.txnIds), type: 'text[]' },
    { value: textArrayLiteral(p.eventIds), type: 'text[]' },
  ]);
}

/** transfers_execute_batch (transfers.sql), strict or not. */
function executeBatchCall(p: BatchParams, strict: boolean) {
  return sqlCall('transfers_execute_batch', [
    { value: p.clientId, type: 'text' },
    { value: JSON.stringify(p.items), type: 'jsonb' },
    { value: p.at.toISOString(), type: 'timestamptz' },
    { value: p.validUntil.toISOString(), type: 'timestamptz' },
    { value: textArrayLiteral(p.transactable), type: 'text[]' },
    { value: p.atomic, type: 'boolean' },
    { value: p.slots, type: 'int' },
    { value: strict, type: 'boolean' },
  ]);
}
