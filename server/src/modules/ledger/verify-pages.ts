import { sql } from 'drizzle-orm';
import type { Reader } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';

/**
 * The invariant check of LedgerService.verify, in pieces a caller can show progress on (the
 * `ledgerline ledger verify` command): customer accounts a page at a time, in id order, and the
 * per-asset sums (with the platform accounts' running balances) once. Together they check what
 * verify() checks; each piece is a read of its own.
 */
export async function verifyCustomerAccountsPage(db: Reader, after: bigint, limit: number) {
  const [range] = await queryRows<{ total: string; checked: string; last: string | null; more: boolean | null }>(
    db,
    sql`
    WITH page AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM (
                    SELECT id FROM ledger_accounts WHERE kind = 'customer' AND id > ${after} ORDER BY id LIMIT ${limit + 1}) x)
    SELECT (SELECT count(*) FROM ledger_accounts WHERE kind = 'customer')::text AS total,
           count(*) FILTER (WHERE n <= ${limit})::text AS checked,
           (max(id) FILTER (WHERE n <= ${limit}))::text AS last,
           bool_or(n > ${limit}) AS more FROM page`,
  );
  const last = range?.last ? BigInt(range.last) : null;
  const more = range?.more === true;
  if (last === null) return { total: Number(range?.total ?? 0), checked: 0, last: null, more, mismatched: [] as Record<string, string>[] };
  const mismatched = await queryRows<Record<string, string>>(
    db,
    sql`
    SELECT a.id::text AS ledger_account_id, a.client_id, a.asset_type_id,
           a.posted::text AS posted, coalesce(l.total, 0)::text AS lines,
           a.pending_out::text AS pending_out, coalesce(h.out_open, 0)::text AS holds_out,
           a.pending_in::text AS pending_in, coalesce(h.in_open, 0)::text AS holds_in
      FROM ledger_accounts a
      LEFT JOIN (SELECT ledger_account_id, sum(amount) AS total FROM ledger_transactions
                  WHERE kind = 'line' AND ledger_account_id > ${after} AND ledger_account_id <= ${last}
                  GROUP BY 1) l ON l.ledger_account_id = a.id
      LEFT JOIN (SELECT acc, sum(o) AS out_open, sum(i) AS in_open FROM (
                   SELECT debit_account_id AS acc, amount AS o, 0 AS i FROM ledger_holds
                    WHERE status = 'OPEN' AND debit_account_id > ${after} AND debit_account_id <= ${last}
                   UNION ALL
                   SELECT credit_account_id, 0, amount FROM ledger_holds
                    WHERE status = 'OPEN' AND credit_account_id > ${after} AND credit_account_id <= ${last}) x
                  GROUP BY acc) h ON h.acc = a.id
     WHERE a.kind = 'customer' AND a.id > ${after} AND a.id <= ${last}
       AND (a.posted <> coalesce(l.total, 0) OR a.pending_out <> coalesce(h.out_open, 0)
            OR a.pending_in <> coalesce(h.in_open, 0) OR a.posted - a.pending_out < 0)
     ORDER BY a.id`,
  );
  const chains = await brokenChains(
    db,
    sql`ledger_account_id IN (SELECT id FROM ledger_accounts WHERE kind = 'customer' AND id > ${after} AND id <= ${last})`,
  );
  for (const id of chains) {
    if (!mismatched.some((r) => r.ledger_account_id === id))
      mismatched.push({ ledger_account_id: id, reason: 'running balance chain broken' });
  }
  return { total: Number(range?.total ?? 0), checked: Number(range?.checked ?? 0), last, more, mismatched };
}

/** Per asset, the posted lines sum to zero; the platform accounts' running balances chain. */
export async function verifyAssets(db: Reader) {
  const assets = await queryRows<{ asset_type_id: string; sum: string }>(
    db,
    sql`SELECT asset_type_id, sum(amount)::text AS sum FROM ledger_transactions WHERE kind = 'line'
         GROUP BY asset_type_id ORDER BY asset_type_id`,
  );
  const chains = await brokenChains(db, sql`ledger_account_id IN (SELECT id FROM ledger_accounts WHERE kind <> 'customer')`);
  const mismatched = chains.map((id) => ({ ledger_account_id: id, reason: 'running balance chain broken' }));
  return {
    balanced: assets.every((a) => BigInt(a.sum) === 0n) && mismatched.length === 0,
    assets: assets.map((a) => ({ asset_type_id: a.asset_type_id, sum: a.sum })),
    mismatched_accounts: mismatched,
  };
}

async function brokenChains(db: Reader, accounts: ReturnType<typeof sql>): Promise<string[]> {
  const rows = await queryRows<{ ledger_account_id: string }>(
    db,
    sql`
    SELECT ledger_account_id::text AS ledger_account_id FROM (
      SELECT ledger_account_id, running_balance,
             sum(amount) OVER (PARTITION BY ledger_account_id ORDER BY id) AS expected
        FROM ledger_transactions
       WHERE kind = 'line' AND running_balance IS NOT NULL AND ${accounts}) s
     WHERE running_balance <> expected GROUP BY ledger_account_id ORDER BY 1`,
  );
  return rows.map((r) => r.ledger_account_id);
}
