/**
 * The batch route's slots (transfers_execute_batch, TRANSFER_BATCH_SLOTS): at most so many
 * executing batches of one client run at once, across connections; the next one waits for a slot
 * before writing anything, another client's does not wait. PostgreSQL only: the embedded database
 * is one session, where nothing runs at once.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { balances, fundedAccount, pgSessions, USD, verifyLedger } from './_fixtures.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.runIf(!!DATABASE_URL)('executing batches of one client take slots', () => {
  const connect = pgSessions(DATABASE_URL);

  let n = 0;
  const items = (source: string, destination: string) => {
    n += 1;
    return JSON.stringify([
      {
        id: `slot-${n}`,
        source,
        destination,
        asset: USD,
        amount: '100',
        description: null,
        txn_ids: [`txn_slot_${n}_${Date.now()}_d`, `txn_slot_${n}_${Date.now()}_c`],
        event_ids: [`evt_slot_${n}_${Date.now()}_d`, `evt_slot_${n}_${Date.now()}_c`],
      },
    ]);
  };
  const execute = (c: pg.Client, clientId: string, body: string, slots: number) =>
    c.query<{ r: { applied: boolean; results: { transfer?: { status: string } }[] } }>(
      `SELECT transfers_execute_batch($1, $2::jsonb, now(), now() + interval '15 minutes', ARRAY['ACTIVE', 'DORMANT'], false, $3) AS r`,
      [clientId, body, slots],
    );
  /** What a backend waits on, as pg_stat_activity says (null: running or idle). */
  const waitOf = async (watcher: pg.Client, pid: number) =>
    (
      await watcher.query<{ w: string | null }>(`SELECT wait_event_type || ':' || wait_event AS w FROM pg_stat_activity WHERE pid = $1`, [
        pid,
      ])
    ).rows[0]?.w ?? null;
  const pidOf = async (c: pg.Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number;

  it('one slot: the second batch of a client waits (an advisory lock, no row written) until the first commits; another client does not wait', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const u = await newTenant(app);
    const [a, b] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [c, d] = [(await fundedAccount(u, USD, '10.00')).id, (await fundedAccount(u, USD)).id];
    const [first, second, other, watcher] = [await connect(), await connect(), await connect(), await connect()];

    await first.query('BEGIN');
    expect((await execute(first, t.clientId, items(a, b), 1)).rows[0]?.r.applied).toBe(true);

    await second.query('BEGIN');
    const secondPid = await pidOf(second);
    let secondDone = false;
    const waiting = execute(second, t.clientId, items(a, b), 1).then((res) => {
      secondDone = true;
      return res;
    });
    // It waits on the slot (an advisory lock), not on a row: it has written nothing yet.
    let wait: string | null = null;
    for (let i = 0; i < 100 && wait !== 'Lock:advisory'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      wait = await waitOf(watcher, secondPid);
    }
    expect(wait).toBe('Lock:advisory');
    // Nothing written, nothing locked yet: no lock on any table it writes (an insert takes one).
    const touched = await watcher.query(
      `SELECT 1 FROM pg_locks WHERE pid = $1 AND relation = ANY (ARRAY['transfers', 'events', 'accounts', 'ledger_accounts']::regclass[])`,
      [secondPid],
    );
    expect(touched.rowCount).toBe(0);
    expect(secondDone).toBe(false);

    // Another client's batch has its own slots.
    await other.query('BEGIN');
    expect((await execute(other, u.clientId, items(c, d), 1)).rows[0]?.r.applied).toBe(true);
    await other.query('COMMIT');
    expect(secondDone).toBe(false);

    await first.query('COMMIT');
    const res = await waiting;
    expect(res.rows[0]?.r.results[0]?.transfer?.status).toBe('EXECUTED');
    await second.query('COMMIT');

    expect(await balances(t.api, a)).toEqual({ current: '8', available: '8' });
    expect(await balances(t.api, b)).toEqual({ current: '2', available: '2' });
    expect(await balances(u.api, d)).toEqual({ current: '1', available: '1' });
    await verifyLedger(app);
  });

  it('two slots: two batches of a client run at once, a third waits; no slot limit (0): none waits', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const [a, b] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [e, f] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [g, h] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [one, two, three, watcher] = [await connect(), await connect(), await connect(), await connect()];
    for (const c of [one, two, three]) await c.query('BEGIN');
    // Disjoint accounts: only the slots can make one wait.
    await execute(one, t.clientId, items(a, b), 2);
    await execute(two, t.clientId, items(e, f), 2);
    const threePid = await pidOf(three);
    const third = execute(three, t.clientId, items(g, h), 2);
    let wait: string | null = null;
    for (let i = 0; i < 100 && wait !== 'Lock:advisory'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      wait = await waitOf(watcher, threePid);
    }
    expect(wait).toBe('Lock:advisory');
    // It waits on one of the two slots, chosen at random (PostgreSQL cannot wait on "either"), so
    // it runs once that one is free: here, once both are.
    await one.query('COMMIT');
    await two.query('COMMIT');
    expect((await third).rows[0]?.r.results[0]?.transfer?.status).toBe('EXECUTED');
    await three.query('COMMIT');

    // With no limit, a batch runs while two others of the client are open.
    for (const c of [one, two, three]) await c.query('BEGIN');
    await execute(one, t.clientId, items(a, b), 0);
    await execute(two, t.clientId, items(e, f), 0);
    await execute(three, t.clientId, items(g, h), 0);
    for (const c of [one, two, three]) await c.query('COMMIT');
    for (const x of [b, f, h]) expect(await balances(t.api, x)).toEqual({ current: '2', available: '2' });
    await verifyLedger(app);
  });
});
