/**
 * The batch route's SQL alone: transfers_execute_batch of 100, driven by pgbench straight into
 * PostgreSQL (no server, no HTTP), as many at once as the route's batch case sends. Its rate beside
 * the baseline's says how near the route could come to the baseline if the server cost nothing: the
 * floor of the data a transfer writes (its transfer, entry, two lines, two events and their indexes).
 *
 * It writes real, balanced transfers into the bench database, through bench-only objects made there
 * (`bench_batch_set`, `bench_batch`), which the next run's recreated database drops.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { canTransact, STATUSES } from '../src/shared/status.js';
import { type BaselineResult, runPgbench } from './baseline.js';

// Builds one call's items as the route does (minor units as text, ids shaped as newId's: a time
// prefix then a counter, so each index takes them in order) and makes the route's strict call.
const OBJECTS = `
CREATE TABLE IF NOT EXISTS bench_batch_set (client_id text NOT NULL, accounts text[] NOT NULL, transactable text[] NOT NULL);
CREATE OR REPLACE FUNCTION bench_batch(p_size int, p_slots int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_client text; v_acc text[]; v_transactable text[]; n int; v_items jsonb;
  v_head text := lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0');
  v_pre text := substr(v_head, 1, 8) || '-' || substr(v_head, 9, 4) || '-7' || substr(md5(random()::text), 1, 3)
    || '-8' || substr(md5(random()::text), 1, 3) || '-';
BEGIN
  SELECT client_id, accounts, transactable INTO v_client, v_acc, v_transactable FROM bench_batch_set;
  n := cardinality(v_acc);
  SELECT jsonb_agg(jsonb_build_object(
           'id', 'trf_' || v_pre || lpad(to_hex(5 * k), 12, '0'),
           'source', v_acc[1 + i], 'destination', v_acc[1 + (i + 1 + j) % n],
           'asset', 'FIAT_TESTNET_USD', 'amount', '1', 'description', NULL,
           'txn_ids', jsonb_build_array('txn_' || v_pre || lpad(to_hex(5 * k + 1), 12, '0'), 'txn_' || v_pre || lpad(to_hex(5 * k + 2), 12, '0')),
           'event_ids', jsonb_build_array('evt_' || v_pre || lpad(to_hex(5 * k + 3), 12, '0'), 'evt_' || v_pre || lpad(to_hex(5 * k + 4), 12, '0')))
         ORDER BY k)
    INTO v_items
    FROM (SELECT k, floor(random() * n)::int AS i, floor(random() * (n - 1))::int AS j FROM generate_series(1, p_size) k) r;
  RETURN transfers_execute_batch(v_client, v_items, now(), now() + interval '1 hour', v_transactable, false, p_slots, true);
END $$;
`;

/**
 * pgbench with `clients` connections, each calling transfers_execute_batch of `size` transfers
 * between random accounts of `accounts` (all of `clientId`), for `seconds`; `slots` as the server's
 * TRANSFER_BATCH_SLOTS. tps is calls per second (each `size` transfers).
 */
export async function pgbenchBatchSql(
  url: string,
  opts: { clientId: string; accounts: readonly string[]; size: number; clients: number; slots: number; seconds: number },
): Promise<BaselineResult> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(OBJECTS);
    await db.query('DELETE FROM bench_batch_set');
    await db.query('INSERT INTO bench_batch_set (client_id, accounts, transactable) VALUES ($1, $2, $3)', [
      opts.clientId,
      opts.accounts,
      STATUSES.filter(canTransact), // as the route passes them
    ]);
  } finally {
    await db.end();
  }
  const script = join(tmpdir(), `ledgerline-batch-sql-${process.pid}.sql`);
  writeFileSync(script, 'SELECT bench_batch(:size, :slots);\n');
  return runPgbench(url, {
    script,
    defines: { size: String(opts.size), slots: String(opts.slots) },
    clients: opts.clients,
    seconds: opts.seconds,
  });
}
