/**
 * What PostgreSQL spends on each step of the signed transfer flow, measured on one connection
 * (sequentially: no group commit) by the CPU its backend uses (/proc), beside the baseline's
 * post_transfer. Run by bench/transfers.bench.ts after its HTTP cases, on the bench database.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { databaseName, databaseUrl } from '../src/db/admin.js';
import { sqlLiteral as lit } from '../src/db/client.js';
import { type BatchItem, transfersRepository } from '../src/modules/transfers/transfers.repository.js';
import { newId } from '../src/shared/ids.js';
import { canTransact, STATUSES } from '../src/shared/status.js';
import { cpuSeconds } from './_lib.js';

export interface StepCost {
  step: string;
  'postgres ms': string;
}

/** Steps of one transfer, as the API runs them, for `clientId` between two of its accounts. */
export async function transferStepCosts(url: string, clientId: string, n = 300): Promise<StepCost[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const backend = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p;
  const cpuMs = () => cpuSeconds([backend as number]) * 1000;
  const accounts = (
    await c.query<{ id: string; ledger_account_id: string }>(
      'SELECT id, ledger_account_id::text FROM accounts WHERE client_id = $1 ORDER BY id LIMIT 2',
      [clientId],
    )
  ).rows as [{ id: string; ledger_account_id: string }, { id: string; ledger_account_id: string }];
  const [a, b] = accounts;
  const out: StepCost[] = [];
  // per: how many transfers one call of fn handles (its cost is shown per transfer). At least
  // `atLeast` calls: /proc counts CPU in 10 ms ticks, and three batch calls were three to five of them.
  const measure = async (step: string, fn: () => Promise<unknown>, per = 1, atLeast = 30) => {
    const calls = Math.max(atLeast, Math.ceil(n / per));
    for (let i = 0; i < Math.min(20, calls); i++) await fn();
    const t0 = cpuMs();
    for (let i = 0; i < calls; i++) await fn();
    out.push({ step, 'postgres ms': ((cpuMs() - t0) / (calls * per)).toFixed(3) });
  };
  const key = () => lit(randomUUID());
  const claim = () =>
    `SELECT l.locked, k.fingerprint FROM (SELECT pg_try_advisory_xact_lock(${Math.floor(Math.random() * 1e15)}::bigint) AS locked) l
       LEFT JOIN idempotency_keys k ON k.client_id = ${lit(clientId)} AND k.key = ${key()}`;
  const store = () =>
    `INSERT INTO idempotency_keys (client_id, key, fingerprint, response_status, response_body, response_content_type, created_at, expires_at)
     VALUES (${lit(clientId)}, ${key()}, ${lit('f'.repeat(64))}, 200, ${lit(JSON.stringify({ data: { pad: 'x'.repeat(600) } }))},
             'application/json; charset=utf-8', now(), now() + interval '30 days')`;
  const newTransfer = (id: string) =>
    `INSERT INTO transfers (client_id, id, source_account_id, destination_account_id, asset_type_id, amount, status, valid_until, created_at, updated_at)
     VALUES (${lit(clientId)}, ${lit(id)}, ${lit(a.id)}, ${lit(b.id)}, 'FIAT_TESTNET_USD', 1, 'REQUESTED', now() + interval '1 hour', now(), now())`;

  await measure('round trip: SELECT 1', () => c.query('SELECT $1::int', [1]), 1, 3000); // 0.03 ms: 300 were a tick or none
  await measure('create: BEGIN + claim + parties read', async () => {
    await c.query(
      `BEGIN; ${claim()}; SELECT a.id, a.status, c.status FROM accounts a LEFT JOIN customers c ON c.client_id = a.client_id AND c.id = a.customer_id WHERE a.client_id = ${lit(clientId)} AND a.id IN (${lit(a.id)}, ${lit(b.id)})`,
    );
    await c.query('ROLLBACK');
  });
  await measure('create: insert transfer + stored response + COMMIT', async () => {
    await c.query('BEGIN');
    await c.query(`${newTransfer(`trf_${randomUUID()}`)}; ${store()}; COMMIT`);
  });
  await measure('accept: BEGIN + claim + signature use + SAVEPOINT', async () => {
    await c.query(
      `BEGIN; ${claim()}; INSERT INTO signature_uses (client_id, digest, expires_at) VALUES (${lit(clientId)}, ${key()}, now() + interval '10 minutes') ON CONFLICT DO NOTHING RETURNING digest; SAVEPOINT unit_of_work`,
    );
    await c.query('ROLLBACK');
  });
  const GROUP = 16;
  const ids = Array.from({ length: 2 * (n + 20 * GROUP) }, () => `trf_${randomUUID()}`);
  await c.query(ids.map(newTransfer).join(';\n'));
  let next = 0;
  const acceptMany = (count: number) => {
    const group = ids.slice(next, next + count);
    next += count;
    return c.query('SELECT transfer_accept_many($1, $2::text[], now(), $3::text[], $4::text[], $5::text[], $6::text[])', [
      clientId,
      `{${group.join(',')}}`,
      '{REQUESTED}',
      '{ACTIVE,OPEN,DORMANT}',
      `{${Array.from({ length: 2 * count }, () => `txn_${randomUUID()}`).join(',')}}`,
      `{${Array.from({ length: 2 * count }, () => `evt_${randomUUID()}`).join(',')}}`,
    ]);
  };
  await measure('accept: transfer_accept_many, one transfer (lock, check, post, update, events)', async () => {
    await c.query('BEGIN');
    await acceptMany(1);
    await c.query('ROLLBACK');
  });
  await measure(
    `accept: transfer_accept_many, a group of ${GROUP} (per transfer)`,
    async () => {
      await c.query('BEGIN');
      await acceptMany(GROUP);
      await c.query('ROLLBACK');
    },
    GROUP,
  );
  await measure('  of which ledger_post, 2 lines', async () => {
    await c.query('BEGIN');
    await c.query(`SELECT ledger_post($1, 'TRANSFER', $2, NULL, now(), $3::jsonb)`, [
      clientId,
      `trf_${randomUUID()}`,
      JSON.stringify([
        { account: a.ledger_account_id, amount: '-0.01', type: 'INTERNAL_TRANSFER', account_ref: a.id, public_id: `txn_${randomUUID()}` },
        { account: b.ledger_account_id, amount: '0.01', type: 'INTERNAL_TRANSFER', account_ref: b.id, public_id: `txn_${randomUUID()}` },
      ]),
    ]);
    await c.query('ROLLBACK');
  });
  await measure('accept: stored response + COMMIT', async () => {
    await c.query('BEGIN');
    await c.query(`${store()}; COMMIT`);
  });
  // The batch route's call: 100 transfers between random accounts of the client, created and
  // executed in one call: the statement the route sends with its COMMIT (strict, literal SQL).
  const all = (await c.query<{ id: string }>('SELECT id FROM accounts WHERE client_id = $1', [clientId])).rows.map((r) => r.id);
  const pick = () => all[Math.floor(Math.random() * all.length)] as string;
  const BATCH = 100;
  const batchCall = () => {
    const items = Array.from({ length: BATCH }, (): BatchItem => {
      const source = pick();
      let destination = pick();
      while (destination === source) destination = pick();
      return {
        id: newId('transfer'),
        source,
        destination,
        asset: 'FIAT_TESTNET_USD',
        amount: '1',
        description: null,
        txn_ids: [newId('transaction'), newId('transaction')],
        event_ids: [newId('event'), newId('event')],
      };
    });
    const now = new Date();
    return transfersRepository.executeBatchPredictedSql({
      clientId,
      items,
      at: now,
      validUntil: new Date(now.getTime() + 3_600_000),
      transactable: STATUSES.filter(canTransact),
      atomic: false,
      slots: 0,
    });
  };
  // Rolled back, then committed: the second is the batch's whole cost in PostgreSQL, its WAL
  // flushed as the route's COMMIT does, beside the baseline's post_transfer with its commit below.
  for (const end of ['ROLLBACK', 'COMMIT']) {
    await measure(
      `batch: transfers_execute_batch of ${BATCH}${end === 'COMMIT' ? ' + COMMIT' : ''} (per transfer)`,
      () => c.query(`BEGIN; ${batchCall()}; ${end}`),
      BATCH,
    );
  }
  await c.end();

  // The baseline's whole transfer (post_transfer and its commit), on its own database.
  const base = new pg.Client({ connectionString: databaseUrl(url, `${databaseName(url)}_baseline`) });
  await base.connect();
  const baseBackend = (await base.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p;
  const baseCpu = () => cpuSeconds([baseBackend as number]) * 1000;
  for (let i = 0; i < 20; i++) await base.query('SELECT post_transfer(1, 2, 1)');
  const t0 = baseCpu();
  for (let i = 0; i < n; i++) await base.query('SELECT post_transfer($1, $2, 1)', [1 + (i % 5), 6 + (i % 5)]);
  out.push({ step: 'baseline: post_transfer + COMMIT (one round trip)', 'postgres ms': ((baseCpu() - t0) / n).toFixed(3) });
  await base.end();
  return out;
}
