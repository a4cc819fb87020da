/**
 * The executing batch answers before the ledger runs (ctx.atCommitPredicted): its
 * transfers_execute_batch travels in the unit's last round trip, with the stored answer and COMMIT,
 * so no server work sits between its locks and COMMIT. When the call finds, under its locks, that
 * the answer would be wrong, it raises, nothing commits, and the request runs again answering from
 * what happened (so an id another request took meanwhile refuses only its item, where the call's
 * unique violation used to refuse the whole batch). PostgreSQL only: it holds the batch in its
 * slot from another connection, which the embedded database (one session) cannot do. The fallback
 * itself runs on both databases (transfers-batch.test.ts: an item the funds no longer cover).
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import { balances, fundedAccount, ok, pgSessions, USD, verifyLedger } from './_fixtures.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.runIf(!!DATABASE_URL)('an executing batch answers before its ledger call, which goes with COMMIT', () => {
  const connect = pgSessions(DATABASE_URL);

  /** Takes every batch slot of the client (TRANSFER_BATCH_SLOTS, 2 by default) on `c`, in a transaction. */
  const holdSlots = async (c: pg.Client, clientId: string, slots: number) => {
    await c.query('BEGIN');
    for (let slot = 0; slot < slots; slot++) {
      await c.query('SELECT pg_advisory_xact_lock(transfers_batch_slot_key($1), hashtext($2))', [slot, clientId]);
    }
  };
  /** The statement of the app's backend waiting on an advisory lock inside transfers_execute_batch. */
  const waitingBatch = async (watcher: pg.Client) => {
    for (let i = 0; i < 200; i++) {
      const { rows } = await watcher.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%transfers_execute_batch%'`,
      );
      if (rows[0]) return rows[0].query;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('no batch waited for its slot');
  };

  it('the call waits for its slot in the round trip that stores the answer and commits; the answer reads back as given', async () => {
    const app = await getApp();
    const slots = app.ledgerline.config.transferBatchSlots;
    expect(slots).toBeGreaterThan(0);
    const t = await newTenant(app);
    const [a, b] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [holder, watcher] = [await connect(), await connect()];
    await holdSlots(holder, t.clientId, slots);

    const key = `predicted-${Date.now()}`;
    const body = { execute: true, transfers: [{ source_account_id: a, destination_account_id: b, amount: '2.50', description: 'one' }] };
    const pending = t.api.post('/v1/transfers/batch', body, { 'x-l2f-idempotency-id': key });
    const statement = await waitingBatch(watcher);
    // One round trip: the call (strict), the stored answer, COMMIT. Nothing of the server runs
    // between the call's locks and the end of its transaction.
    // (pg_stat_activity keeps the first 1,024 bytes: the call and the start of the stored answer.)
    expect(statement).toMatch(/^SELECT transfers_execute_batch\([\s\S]*, 'true'::boolean\);\s*INSERT INTO idempotency_keys /);
    expect(await balances(t.api, a)).toEqual({ current: '10', available: '10' });

    await holder.query('COMMIT');
    const res = await pending;
    const { results } = await ok(res);
    expect(results[0].transfer).toMatchObject({ status: 'EXECUTED', description: 'one', source_details: { amount_to_debit: 2.5 } });
    // The answer given before the ledger ran is the transfer as it reads back, and as it replays.
    expect(await ok(t.api.get(`/v1/transfers/${results[0].transfer.id}`))).toEqual(results[0].transfer);
    const replay = await t.api.post('/v1/transfers/batch', body, { 'x-l2f-idempotency-id': key });
    expect(replay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(replay.raw).toBe(res.raw);
    expect(await balances(t.api, a)).toEqual({ current: '7.5', available: '7.5' });
    await verifyLedger(app);
  });

  it('an account frozen while the call waited: nothing of the prediction commits, the request runs again and answers what happened', async () => {
    const app = await getApp();
    const slots = app.ledgerline.config.transferBatchSlots;
    const t = await newTenant(app);
    const [a, b, c] = [
      (await fundedAccount(t, USD, '10.00')).id,
      (await fundedAccount(t, USD)).id,
      (await fundedAccount(t, USD, '3.00')).id,
    ];
    const [holder, watcher] = [await connect(), await connect()];
    await holdSlots(holder, t.clientId, slots);

    const key = `predicted-frozen-${Date.now()}`;
    const body = {
      execute: true,
      transfers: [
        { source_account_id: a, destination_account_id: b, amount: '1.00' },
        { source_account_id: c, destination_account_id: b, amount: '2.00' },
      ],
    };
    const pending = t.api.post('/v1/transfers/batch', body, { 'x-l2f-idempotency-id': key });
    await waitingBatch(watcher);
    // The route checked `a` ACTIVE and answered so; the freeze commits before the call's locks.
    await ok(t.api.patch(`/v1/accounts/deposits/${a}`, { status: 'FROZEN' }));
    await holder.query('COMMIT');

    const res = await pending;
    const { results } = await ok(res);
    expect(results[0].errors).toEqual([expect.objectContaining({ code: 'NOT_TRANSACTABLE', field: 'transfers.0' })]);
    expect(results[1].transfer).toMatchObject({ status: 'EXECUTED', source_details: { amount_to_debit: 2 } });
    expect(await balances(t.api, a)).toEqual({ current: '10', available: '10' });
    expect(await balances(t.api, b)).toEqual({ current: '2', available: '2' });
    expect(await balances(t.api, c)).toEqual({ current: '1', available: '1' });
    // One transfer written, the one that executed; the stored answer is the second run's.
    const listed = await ok(t.api.get('/v1/transfers'));
    expect(listed.transfers.map((x: { id: string }) => x.id)).toEqual([results[1].transfer.id]);
    const replay = await t.api.post('/v1/transfers/batch', body, { 'x-l2f-idempotency-id': key });
    expect(replay.raw).toBe(res.raw);
    await verifyLedger(app);
  });

  it('an id another request took while the call waited: only that item is refused (DUPLICATE_ID), the rest execute', async () => {
    const app = await getApp();
    const slots = app.ledgerline.config.transferBatchSlots;
    const t = await newTenant(app);
    const [a, b] = [(await fundedAccount(t, USD, '10.00')).id, (await fundedAccount(t, USD)).id];
    const [holder, watcher] = [await connect(), await connect()];
    await holdSlots(holder, t.clientId, slots);

    const taken = `taken-${Date.now()}`;
    const body = {
      execute: true,
      transfers: [
        { id: taken, source_account_id: a, destination_account_id: b, amount: '1.00' },
        { source_account_id: a, destination_account_id: b, amount: '2.00' },
      ],
    };
    const pending = t.api.post('/v1/transfers/batch', body);
    await waitingBatch(watcher);
    // Another request creates a transfer with that id (REQUESTED, no slot needed) and commits first.
    const other = await ok(
      t.api.post('/v1/transfers/batch', { transfers: [{ id: taken, source_account_id: b, destination_account_id: a, amount: '0.50' }] }),
    );
    expect(other.results[0].transfer).toMatchObject({ id: taken, status: 'REQUESTED' });
    await holder.query('COMMIT');

    const { results } = await ok(pending);
    expect(results[0].errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_ID', field: 'transfers.0.id' })]);
    expect(results[1].transfer).toMatchObject({ status: 'EXECUTED', source_details: { amount_to_debit: 2 } });
    expect(await balances(t.api, a)).toEqual({ current: '8', available: '8' });
    expect((await ok(t.api.get(`/v1/transfers/${taken}`))).status).toBe('REQUESTED');
    await verifyLedger(app);
  });
});
