/**
 * The references of transfers, events and ledger lines, checked per INSERT statement (migration
 * 0056, in place of foreign keys checked per row): a row naming a parent that does not exist is
 * refused with foreign_key_violation, whoever writes it, and its whole statement with it; the
 * parents are never deleted and the references never change, which the database refuses too.
 */
import { describe, expect, it } from 'vitest';
import { pgErrorCode } from '../../src/db/client.js';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, fund, ok, USD } from '../money/_fixtures.js';

type Row = Record<string, unknown>;

async function setup() {
  const app = await getApp();
  const t = await newTenant(app);
  const other = await newTenant(app);
  const a = (await customerWithAccount(t, USD)).accountId;
  const b = (await customerWithAccount(t, USD)).accountId;
  const foreign = (await customerWithAccount(other, USD)).accountId;
  await fund(t, a, '10.00');
  const raw = (text: string, params: unknown[] = []) => app.ledgerline.database.rawTransaction((s) => s.query<Row>(text, params));
  /**
   * The SQLSTATE a statement fails with (undefined: it succeeded; it is rolled back either way). A
   * deadlock is not an answer: on PostgreSQL the test files share one database, and a TRUNCATE
   * waiting for its locks among their transactions may be chosen as the victim before the guard's
   * trigger runs (seen in CI). It is tried again.
   */
  const refusal = async (text: string, params: unknown[] = []) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await app.ledgerline.database.rawTransaction(async (s) => {
          await s.query(text, params);
          throw new Error('rollback');
        });
      } catch (err) {
        const code = pgErrorCode(err);
        if (code === '40P01' && attempt < 5) continue;
        return code;
      }
    }
  };
  const [ledger] = await raw('SELECT ledger_account_id::text AS id FROM accounts WHERE client_id = $1 AND id = $2', [t.clientId, a]);
  const [entry] = await raw('SELECT max(entry_id)::text AS id FROM ledger_transactions WHERE client_id = $1', [t.clientId]);
  return { app, t, other, a, b, foreign, raw, refusal, ledger: ledger?.id as string, entry: entry?.id as string };
}

const line = (i: number, ledger: string, entry: string | null, hold: string | null, kind = 'line') =>
  `('txn_ref_${i}_' || md5(random()::text), ${ledger}, '${kind}', ${entry ?? 'NULL'}, ${hold ?? 'NULL'}, 1, '${kind === 'line' ? 'POSTED' : 'AUTHORIZED'}', 'FIAT_TESTNET_USD', 'X', 'X', 'x', now())`;
const LINES = `INSERT INTO ledger_transactions (public_id, ledger_account_id, kind, entry_id, hold_id, amount, status, asset_type_id,
  transaction_type, category_type, category_id, created_at) VALUES `;

describe('references checked per statement (migration 0056)', () => {
  it('a ledger line naming an unknown ledger account, entry or hold is refused, and its statement with it', async () => {
    const { raw, refusal, ledger, entry } = await setup();
    expect(await refusal(LINES + line(1, ledger, entry, null))).toBeUndefined(); // the control: a good line goes in
    expect(await refusal(LINES + line(2, '999999999', entry, null))).toBe('23503');
    expect(await refusal(LINES + line(3, ledger, '999999999', null))).toBe('23503');
    expect(await refusal(LINES + line(4, ledger, null, '999999999', 'hold'))).toBe('23503');
    // One bad line among good ones: nothing of the statement stays.
    const before = await raw('SELECT count(*)::int AS n FROM ledger_transactions');
    expect(
      await refusal(LINES + [line(5, ledger, entry, null), line(6, '999999999', entry, null), line(7, ledger, entry, null)].join(', ')),
    ).toBe('23503');
    expect(await raw('SELECT count(*)::int AS n FROM ledger_transactions')).toEqual(before);
  });

  it("a transfer naming an unknown account, or another client's, is refused", async () => {
    const { t, a, b, foreign, refusal } = await setup();
    const insert = (src: string, dst: string) =>
      refusal(
        `INSERT INTO transfers (client_id, id, source_account_id, destination_account_id, asset_type_id, amount, status, valid_until, created_at, updated_at)
         VALUES ($1, 'trf_ref_' || md5(random()::text), $2, $3, 'FIAT_TESTNET_USD', 1, 'REQUESTED', now() + interval '1 day', now(), now())`,
        [t.clientId, src, dst],
      );
    expect(await insert(a, b)).toBeUndefined();
    expect(await insert(a, 'acc_nobody')).toBe('23503');
    expect(await insert('acc_nobody', b)).toBe('23503');
    expect(await insert(a, foreign)).toBe('23503');
  });

  it('an event of an unknown client is refused', async () => {
    const { t, refusal } = await setup();
    const insert = (client: string) =>
      refusal(
        `INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at)
         VALUES ($1, 'evt_ref_' || md5(random()::text), 'CUSTOMER_ACTIVE', 'customer', 'c1', '{}', now())`,
        [client],
      );
    expect(await insert(t.clientId)).toBeUndefined();
    expect(await insert('cli_nobody')).toBe('23503');
  });

  it('the parents are never deleted, and keys and references never change', async () => {
    const { t, a, b, raw, refusal, ledger } = await setup();
    for (const table of ['clients', 'accounts', 'ledger_accounts', 'ledger_entries', 'ledger_holds']) {
      expect(await refusal(`DELETE FROM ${table} WHERE false`), table).toBe('23001');
      expect(await refusal(`TRUNCATE ${table} CASCADE`), table).toBe('23001');
    }
    // (A ledger account's id is an identity: PostgreSQL itself refuses to change it.)
    expect(await refusal('UPDATE ledger_accounts SET id = id + 1000000000 WHERE id = $1', [ledger])).toBe('428C9');
    expect(await refusal('UPDATE clients SET id = id || $2 WHERE id = $1', [t.clientId, '-x'])).toBe('23001');
    expect(await refusal('UPDATE accounts SET id = id || $3 WHERE client_id = $1 AND id = $2', [t.clientId, a, '-x'])).toBe('23001');
    // Changing anything else stays allowed (a balance, a status).
    expect(await refusal('UPDATE ledger_accounts SET posted = posted WHERE id = $1', [ledger])).toBeUndefined();
    const { results } = await ok(
      t.api.post('/v1/transfers/batch', {
        execute: true,
        transfers: [{ source_account_id: a, destination_account_id: b, amount: '1.00' }],
      }),
    );
    const id = results[0].transfer.id;
    expect(await refusal('UPDATE transfers SET destination_account_id = $3 WHERE client_id = $1 AND id = $2', [t.clientId, id, a])).toBe(
      '23001',
    );
    expect(await refusal('UPDATE ledger_transactions SET ledger_account_id = $2 WHERE category_id = $1', [id, ledger])).toBe('23001');
    expect(await refusal('UPDATE events SET client_id = $1 WHERE false', ['x'])).toBeUndefined();
    const [posted] = await raw(`SELECT count(*)::int AS n FROM ledger_transactions WHERE category_id = $1`, [id]);
    expect(posted).toEqual({ n: 2 });
  });
});
