/** POST /v1/transfers/batch (issue 9): per-item results in order, execution in order, atomic, idempotent. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/sql.js';
import { getApp, newTenant, operatorApi, type Tenant } from '../helpers.js';
import { balances, EUR, expectError, fundedAccount, ok, transactionEvents, USD, verifyLedger } from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

const batch = (t: Tenant, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.api.post('/v1/transfers/batch', body, headers);
const item = (source: string, destination: string, amount: string | number, extra: Record<string, unknown> = {}) => ({
  source_account_id: source,
  destination_account_id: destination,
  amount,
  ...extra,
});

async function setup(funds = '10.00') {
  const app = await getApp();
  const t = await newTenant(app);
  const a = (await fundedAccount(t, USD, funds)).id;
  const b = (await fundedAccount(t, USD)).id;
  const e = (await fundedAccount(t, EUR, '5.00')).id;
  return { app, t, a, b, e };
}

describe('POST /v1/transfers/batch', () => {
  it('executes in order, each item answering its own result; funds are checked item by item', async () => {
    const { app, t, a, b, e } = await setup('10.00');
    const res = await batch(t, {
      execute: true,
      transfers: [
        item(a, b, '4.00', { description: 'first' }),
        item('no-such-account', b, '1.00'),
        item(a, b, '7.00', { description: 'too much after the first' }),
        item(a, e, '1.00'),
        item(a, b, '0.001'),
        item(a, b, '6.00', { description: 'exactly what is left' }),
      ],
    });
    const { results } = await ok(res);
    expect(results).toHaveLength(6);
    expect(results[0].transfer).toMatchObject({ status: 'EXECUTED', description: 'first', source_details: { amount_to_debit: 4 } });
    expect(results[1].errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'transfers.1.source_account_id' })]);
    expect(results[2].errors).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_FUNDS', field: 'transfers.2' })]);
    expect(results[3].errors).toEqual([expect.objectContaining({ code: 'ASSET_MISMATCH', field: 'transfers.3.destination_account_id' })]);
    expect(results[4].errors).toEqual([expect.objectContaining({ code: 'AMOUNT_PRECISION', field: 'transfers.4.amount' })]);
    expect(results[5].transfer).toMatchObject({ status: 'EXECUTED', source_details: { amount_to_debit: 6 } });
    expect(await balances(t.api, a)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, b)).toEqual({ current: '10', available: '10' });
    // Each executed transfer is a real one: retrievable, with its two lines and two events.
    const one = await ok(t.api.get(`/v1/transfers/${results[0].transfer.id}`));
    expect(one).toEqual(results[0].transfer);
    const txns = await ok(t.api.get(`/v1/accounts/deposits/${b}/transactions`));
    expect(txns.transactions.map((x: { value: number; category_id: string }) => [x.value, x.category_id])).toEqual([
      [6, results[5].transfer.id],
      [4, results[0].transfer.id],
    ]);
    const posted = (await transactionEvents(app, t.clientId)).filter((x) => x.data.transaction.category_type === 'TRANSFER');
    expect(posted).toHaveLength(4);
    expect(new Set(posted.map((x) => x.data.transaction.category_id))).toEqual(new Set([results[0].transfer.id, results[5].transfer.id]));
    // The refused one left no transfer behind (the batch writes its transfers before its locks).
    const listed = await ok(t.api.get('/v1/transfers'));
    expect(listed.transfers.map((x: { id: string }) => x.id).sort()).toEqual([results[0].transfer.id, results[5].transfer.id].sort());
  });

  it('under its locks (transfers_execute_batch): an item whose account froze after the check, or that funds no longer cover, leaves nothing; atomic leaves nothing at all', async () => {
    const { app, t, a, b } = await setup('10.00');
    const frozen = (await fundedAccount(t, USD, '5.00')).id;
    await ok(t.api.patch(`/v1/accounts/deposits/${frozen}`, { status: 'FROZEN' }));
    // Items as the route hands them over once TypeScript has checked them; the frozen one is what a
    // freeze committed between that check and the locks looks like.
    let n = 0;
    const entry = (id: string, source: string, destination: string, amount: string) => {
      n += 1;
      return {
        id,
        source,
        destination,
        asset: USD,
        amount,
        description: null,
        txn_ids: [`txn_locks_${t.clientId}_${id}_d`, `txn_locks_${t.clientId}_${id}_c`], // unique across tenants, as public ids are
        event_ids: [`evt_locks_${id}_${n}_d`, `evt_locks_${id}_${n}_c`],
      };
    };
    const run = (items: unknown[], atomic: boolean) =>
      app.ledgerline.database.rawTransaction(async (s) => {
        const [row] = await s.query<{ r: any }>(
          `SELECT transfers_execute_batch($1, $2::jsonb, now(), now() + interval '15 minutes', ARRAY['ACTIVE', 'DORMANT'], $3, 2) AS r`,
          [t.clientId, JSON.stringify(items), atomic],
        );
        return row?.r;
      });
    const rows = async (ids: string[]) => ({
      transfers: (await ok(t.api.get('/v1/transfers'))).transfers.map((x: { id: string }) => x.id).filter((id: string) => ids.includes(id)),
      events: (await transactionEvents(app, t.clientId)).filter((x) => ids.includes(x.data.transaction.category_id)).length,
    });

    const atomic = await run([entry('lk-1', a, b, '300'), entry('lk-2', frozen, b, '100'), entry('lk-3', a, b, '800')], true);
    expect(atomic.applied).toBe(false);
    expect(atomic.results).toEqual([{}, { error: 'NOT_TRANSACTABLE', role: 'source account', account_id: frozen }, {}]);
    const unfunded = await run([entry('lk-1', a, b, '300'), entry('lk-3', a, b, '800')], true);
    expect(unfunded).toMatchObject({ applied: false, results: [{}, { error: 'INSUFFICIENT_FUNDS' }] });
    expect(await rows(['lk-1', 'lk-2', 'lk-3'])).toEqual({ transfers: [], events: 0 });
    expect(await balances(t.api, a)).toEqual({ current: '10', available: '10' });

    const mixed = await run(
      [entry('lk-1', a, b, '300'), entry('lk-2', frozen, b, '100'), entry('lk-3', a, b, '800'), entry('lk-4', a, b, '700')],
      false,
    );
    expect(mixed.applied).toBe(true);
    expect(mixed.results[0].transfer).toMatchObject({ id: 'lk-1', status: 'EXECUTED', amount: '300' });
    expect(mixed.results[1]).toEqual({ error: 'NOT_TRANSACTABLE', role: 'source account', account_id: frozen });
    expect(mixed.results[2]).toEqual({ error: 'INSUFFICIENT_FUNDS' });
    expect(mixed.results[3].transfer).toMatchObject({ id: 'lk-4', status: 'EXECUTED', amount: '700' });
    expect(await rows(['lk-1', 'lk-2', 'lk-3', 'lk-4'])).toEqual({ transfers: expect.arrayContaining(['lk-1', 'lk-4']), events: 4 });
    expect((await rows(['lk-2', 'lk-3'])).transfers).toEqual([]);
    expect(await balances(t.api, a)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, b)).toEqual({ current: '10', available: '10' });
    expect(await balances(t.api, frozen)).toEqual({ current: '5', available: '5' });
  });

  it('without execute: REQUESTED transfers, accepted later like any other', async () => {
    const { t, a, b } = await setup('10.00');
    const { results } = await ok(batch(t, { transfers: [item(a, b, '1.50'), item(a, b, '2.50', { id: 'my-transfer-1' })] }));
    expect(results.map((r: { transfer: { status: string } }) => r.transfer.status)).toEqual(['REQUESTED', 'REQUESTED']);
    expect(results[1].transfer.id).toBe('my-transfer-1');
    expect(await balances(t.api, a)).toEqual({ current: '10', available: '10' });
    expect((await ok(t.api.post('/v1/transfers/my-transfer-1/accept'))).status).toBe('EXECUTED');
    expect(await balances(t.api, b)).toEqual({ current: '2.5', available: '2.5' });
  });

  it('atomic: one refusal and nothing takes effect (its code decides the status, each refusal named); all valid and all execute', async () => {
    const { t, a, b } = await setup('10.00');
    const refused = await batch(t, {
      execute: true,
      atomic: true,
      transfers: [item(a, b, '3.00'), item(a, b, '3.00'), item(a, b, '5.00'), item(a, 'nowhere', '1.00')],
    });
    expect(refused.status, refused.raw).toBe(404);
    expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'transfers.3.destination_account_id' })]);
    const unfunded = await batch(t, {
      execute: true,
      atomic: true,
      transfers: [item(a, b, '3.00'), item(a, b, '3.00'), item(a, b, '5.00')],
    });
    expect(unfunded.status, unfunded.raw).toBe(400);
    expect(unfunded.body.errors).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_FUNDS', field: 'transfers.2' })]);
    expect(await balances(t.api, a)).toEqual({ current: '10', available: '10' });
    expect((await ok(t.api.get('/v1/transfers'))).transfers).toEqual([]);

    const { results } = await ok(batch(t, { execute: true, atomic: true, transfers: [item(a, b, '3.00'), item(a, b, '7.00')] }));
    expect(results.map((r: { transfer: { status: string } }) => r.transfer.status)).toEqual(['EXECUTED', 'EXECUTED']);
    expect(await balances(t.api, b)).toEqual({ current: '10', available: '10' });
    // Everything executes, so the route answered before its ledger call ran (the call went with
    // COMMIT, ctx.atCommitPredicted): the answer is each transfer as it reads back (where, being a
    // Layer2 operation, a null description is left out).
    for (const r of results) {
      expect(r.transfer.description).toBeNull();
      expect(await ok(t.api.get(`/v1/transfers/${r.transfer.id}`))).toEqual({ ...r.transfer, description: undefined });
    }
  });

  it('is idempotent as a whole: the same key replays byte for byte, another body is 422', async () => {
    const { t, a, b } = await setup('10.00');
    const body = { execute: true, transfers: [item(a, b, '1.00'), item(a, b, '2.00')] };
    const key = { 'x-l2f-idempotency-id': `batch-${Date.now()}` };
    const first = await batch(t, body, key);
    const again = await batch(t, body, key);
    expect(again.status).toBe(200);
    expect(again.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(again.raw).toBe(first.raw);
    expect(await balances(t.api, b)).toEqual({ current: '3', available: '3' });
    expectError(await batch(t, { ...body, atomic: true }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('stores a large answer compressed with lz4 where PostgreSQL has it (migration 0057), and replays it byte for byte', async () => {
    const { app, t, a, b } = await setup('100.00');
    const body = { execute: true, transfers: Array.from({ length: 20 }, () => item(a, b, '1.00')) };
    const key = `batch-lz4-${Date.now()}`;
    const first = await batch(t, body, { 'x-l2f-idempotency-id': key });
    expect(first.raw.length).toBeGreaterThan(4000); // above TOAST's threshold: compressed when stored
    const [row] = await queryRows<{ method: string }>(
      app.ledgerline.database.db,
      sql`SELECT pg_column_compression(response_body) AS method FROM idempotency_keys WHERE client_id = ${t.clientId} AND key = ${key}`,
    );
    // The embedded PostgreSQL is built without lz4: it keeps pglz.
    expect(row?.method).toBe(app.ledgerline.database.kind === 'pg' ? 'lz4' : 'pglz');
    const again = await batch(t, body, { 'x-l2f-idempotency-id': key });
    expect(again.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(again.raw).toBe(first.raw);
  });

  it('refuses a duplicate id, a frozen account and a batch over 1,000', async () => {
    const { t, a, b } = await setup('10.00');
    await ok(batch(t, { transfers: [item(a, b, '1.00', { id: 'dup-1' })] }));
    const frozen = (await fundedAccount(t, USD, '1.00')).id;
    await ok(t.api.patch(`/v1/accounts/deposits/${frozen}`, { status: 'FROZEN' }));
    const { results } = await ok(
      batch(t, {
        execute: true,
        transfers: [
          item(a, b, '1.00', { id: 'dup-1' }),
          item(a, b, '1.00', { id: 'dup-2' }),
          item(a, b, '1.00', { id: 'dup-2' }),
          item(frozen, b, '1.00'),
        ],
      }),
    );
    expect(results[0].errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_ID', field: 'transfers.0.id' })]);
    expect(results[1].transfer).toMatchObject({ id: 'dup-2', status: 'EXECUTED' });
    expect(results[2].errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_ID', field: 'transfers.2.id' })]);
    expect(results[3].errors).toEqual([expect.objectContaining({ code: 'NOT_TRANSACTABLE', field: 'transfers.3' })]);
    const tooMany = await batch(t, { transfers: Array.from({ length: 1001 }, () => item(a, b, '0.01')) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'transfers' });
  });

  it('another tenant cannot move money from these accounts', async () => {
    const { a, b } = await setup('10.00');
    const stranger = await newTenant(await getApp());
    const { results } = await ok(batch(stranger, { execute: true, transfers: [item(a, b, '1.00')] }));
    expect(results[0].errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'transfers.0.source_account_id' })]);
  });
});

describe('POST /v1/transfers/batch for a client with signing_required', () => {
  it('executing needs a signature, as accept does; creating alone does not; a signed batch executes', async () => {
    const { app, t, a, b } = await setup('10.00');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    await ok(t.api.post('/v1/signing-keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }) }));
    await ok((await operatorApi(app)).patch(`/v1/admin/clients/${t.clientId}`, { signing_required: true }));

    const executing = { execute: true, transfers: [item(a, b, '1.00')] };
    expectError(await batch(t, executing), 401, 'SIGNATURE_REQUIRED', 'x-signature');
    expect(await balances(t.api, b)).toEqual({ current: '0', available: '0' });

    const created = (await ok(batch(t, { transfers: [item(a, b, '2.00')] }))) as { results: { transfer: { status: string } }[] };
    expect(created.results.map((r) => r.transfer.status)).toEqual(['REQUESTED']);

    const raw = JSON.stringify(executing);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}POST/v1/transfers/batch${raw}`), privateKey).toString('hex');
    const done = (await ok(
      t.api.post('/v1/transfers/batch', raw, { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': ts }),
    )) as { results: { transfer: { status: string } }[] };
    expect(done.results.map((r) => r.transfer.status)).toEqual(['EXECUTED']);
    expect(await balances(t.api, b)).toEqual({ current: '1', available: '1' });
  });
});
