/**
 * The webhook dispatcher's queue (event_outbox, migrations 0054, 0055): every event enters it with
 * its insert, whoever writes it, in one row per statement; the dispatcher takes it off in the
 * transaction that makes its deliveries; the event row itself is written once and never updated
 * (before, dispatching set events.dispatched_at, a second version of every event with an entry in
 * each of its indexes).
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, fund, ok, USD } from '../money/_fixtures.js';
import { newCustomer, pass, subscribe } from './_support.js';

type Row = Record<string, unknown>;

/** A tenant with two USD accounts, `a` funded; `raw` runs SQL on the app's database. */
async function twoAccounts(funds: string) {
  const app = await getApp();
  const t = await newTenant(app);
  const raw = (text: string, params: unknown[] = []) => app.ledgerline.database.rawTransaction((s) => s.query<Row>(text, params));
  const a = (await customerWithAccount(t, USD)).accountId;
  const b = (await customerWithAccount(t, USD)).accountId;
  await fund(t, a, funds);
  return { app, t, raw, a, b };
}

/** Dispatches until the queue is empty (the dispatcher alone: no attempt is sent). */
async function drain(app: Awaited<ReturnType<typeof getApp>>) {
  const { delivery } = app.ledgerline.webhookWorker;
  for (let round = 0; round < 100; round++) if ((await delivery.dispatch()) === 0) return;
}

/** A fresh embedded database migrated to just before `version`, with one client, 'old'. */
async function databaseBefore(version: string) {
  const database = await openDatabase({});
  await migrate(
    database,
    listMigrations().filter((m) => m.version < version),
    [],
  );
  await database.rawTransaction((s) =>
    s.query(
      `INSERT INTO clients (id, name, secret_hash, regulated, scopes, signing_required, is_operator, tokens_valid_after, created_at, updated_at)
       VALUES ('old', 'old', 'x', true, '{}', false, false, now(), now(), now())`,
    ),
  );
  return database;
}

describe('the dispatcher queue (event_outbox)', () => {
  it('queues events as they are written and takes them off when dispatched, without updating the event', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const raw = (text: string, params: unknown[] = []) => app.ledgerline.database.rawTransaction((s) => s.query<Row>(text, params));
    const { accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '5.00'); // writeEvents (TypeScript) and the ledger's SQL both write events

    const queuedSql = `SELECT e.id, e.xmin::text AS xmin,
                              EXISTS (SELECT 1 FROM event_outbox o WHERE o.client_id = e.client_id AND e.id = ANY (o.event_ids)) AS queued
                         FROM events e WHERE e.client_id = $1 ORDER BY e.seq`;
    const events = await raw(queuedSql, [t.clientId]);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.queued === true)).toBe(true);

    await pass(app, t.clientId);
    const after = await raw(queuedSql, [t.clientId]);
    // Off the queue, and the same row versions as written.
    expect(after).toEqual(events.map((e) => ({ ...e, queued: false })));
    expect(await raw('SELECT seq FROM event_outbox WHERE client_id = $1', [t.clientId])).toEqual([]);
  });

  it("queues one row per statement: a batch's events are one row, in their order", async () => {
    const { app, t, raw, a, b } = await twoAccounts('10.00');
    await pass(app, t.clientId); // the set-up's events off the queue
    const { results } = await ok(
      t.api.post('/v1/transfers/batch', {
        execute: true,
        transfers: [1, 2, 3].map(() => ({ source_account_id: a, destination_account_id: b, amount: '1.00' })),
      }),
    );
    const written = await raw(
      `SELECT id, event_type FROM events WHERE client_id = $1 AND event_data->'transaction'->>'category_id' = ANY ($2) ORDER BY seq`,
      [t.clientId, results.map((r: any) => r.transfer.id)],
    );
    expect(written).toHaveLength(6);
    const queue = await raw('SELECT event_ids, event_types FROM event_outbox WHERE client_id = $1 ORDER BY seq', [t.clientId]);
    expect(queue).toEqual([{ event_ids: written.map((e) => e.id), event_types: written.map(() => 'TRANSACTION_POSTED') }]);
  });

  it("a batch's refused items leave no event, and the dispatcher delivers only those that exist", async () => {
    const { app, t, raw, a, b } = await twoAccounts('10.00');
    const sub = await subscribe(t.api, 'TRANSACTION_POSTED', 'http://127.0.0.1:9/hook');
    // The second item is more than what the first leaves: refused under the ledger's locks.
    const { results } = await ok(
      t.api.post('/v1/transfers/batch', {
        execute: true,
        transfers: [
          { source_account_id: a, destination_account_id: b, amount: '6.00' },
          { source_account_id: a, destination_account_id: b, amount: '6.00' },
        ],
      }),
    );
    expect(results[0].transfer.status).toBe('EXECUTED');
    expect(results[1].errors[0].code).toBe('INSUFFICIENT_FUNDS');
    // Both items' events were queued by one statement; the refused one's were deleted since.
    const [queued] = await raw(
      `SELECT cardinality(o.event_ids) AS ids,
              (SELECT count(*)::int FROM unnest(o.event_ids) x WHERE EXISTS (SELECT 1 FROM events e WHERE e.client_id = o.client_id AND e.id = x)) AS existing
         FROM event_outbox o WHERE o.client_id = $1 ORDER BY o.seq DESC LIMIT 1`,
      [t.clientId],
    );
    expect(queued).toEqual({ ids: 4, existing: 2 });

    await drain(app);
    const delivered = await raw(
      `SELECT count(*)::int AS deliveries,
              count(*) FILTER (WHERE e.event_data->'transaction'->>'category_id' = $3)::int AS of_the_batch,
              count(*) FILTER (WHERE e.id IS NULL)::int AS of_no_event
         FROM webhook_deliveries d LEFT JOIN events e ON e.client_id = d.client_id AND e.id = d.event_id
        WHERE d.client_id = $1 AND d.subscription_id = $2`,
      [t.clientId, sub.id, results[0].transfer.id],
    );
    // The executed item's two lines, and nothing for the refused one (the funding came before the subscription).
    expect(delivered).toEqual([{ deliveries: 2, of_the_batch: 2, of_no_event: 0 }]);
    expect(await raw('SELECT seq FROM event_outbox WHERE client_id = $1', [t.clientId])).toEqual([]);
  });

  it("a redelivery before the dispatcher takes only its event out of its statement's row: one delivery per event", async () => {
    const { app, t, raw, a, b } = await twoAccounts('10.00');
    await pass(app, t.clientId);
    const sub = await subscribe(t.api, 'TRANSACTION_POSTED', 'http://127.0.0.1:9/hook');
    const { results } = await ok(
      t.api.post('/v1/transfers/batch', {
        execute: true,
        transfers: [1, 2].map(() => ({ source_account_id: a, destination_account_id: b, amount: '1.00' })),
      }),
    );
    const written = (
      await raw(`SELECT id FROM events WHERE client_id = $1 AND event_data->'transaction'->>'category_id' = ANY ($2) ORDER BY seq`, [
        t.clientId,
        results.map((r: any) => r.transfer.id),
      ])
    ).map((e) => e.id as string);
    expect(written).toHaveLength(4);

    const re = await t.api.post(`/v1/events/${written[1]}/redeliver`, {});
    expect(re.body).toEqual({ data: { id: written[1], deliveries: 1 } });
    const queue = await raw('SELECT event_ids FROM event_outbox WHERE client_id = $1', [t.clientId]);
    expect(queue).toEqual([{ event_ids: [written[0], written[2], written[3]] }]);

    await drain(app);
    const delivered = await raw(
      'SELECT event_id, count(*)::int AS n FROM webhook_deliveries WHERE client_id = $1 AND subscription_id = $2 GROUP BY event_id',
      [t.clientId, sub.id],
    );
    expect(Object.fromEntries(delivered.map((d) => [d.event_id, d.n]))).toEqual(Object.fromEntries(written.map((id) => [id, 1])));
  });

  it('the worker drains the queue though rows, taken whole, leave a dispatch short of its 100 events', async () => {
    const { app, t, raw, a, b } = await twoAccounts('100.00');
    const sub = await subscribe(t.api, 'TRANSACTION_POSTED', 'http://127.0.0.1:9/hook');
    await pass(app, t.clientId); // the queue drained
    for (let round = 0; round < 2; round++) {
      await ok(
        t.api.post('/v1/transfers/batch', {
          execute: true,
          transfers: Array.from({ length: 30 }, () => ({ source_account_id: a, destination_account_id: b, amount: '1.00' })),
        }),
      );
    }
    // Two rows of 60 events: a dispatch of up to 100 takes the first alone.
    expect(await raw('SELECT cardinality(event_ids) AS n FROM event_outbox WHERE client_id = $1 ORDER BY seq', [t.clientId])).toEqual([
      { n: 60 },
      { n: 60 },
    ]);
    const { dispatched } = await pass(app, t.clientId);
    expect(dispatched).toBeGreaterThanOrEqual(120);
    expect(await raw('SELECT seq FROM event_outbox WHERE client_id = $1', [t.clientId])).toEqual([]);
    const [delivered] = await raw('SELECT count(*)::int AS n FROM webhook_deliveries WHERE client_id = $1 AND subscription_id = $2', [
      t.clientId,
      sub.id,
    ]);
    expect(delivered).toEqual({ n: 120 });
  });

  it('migration 0054 queues the events an earlier version had not dispatched, and only those', async () => {
    const database = await databaseBefore('0054');
    try {
      await database.rawTransaction(async (s) => {
        for (const [id, dispatched] of [
          ['evt_done', true],
          ['evt_waiting', false],
        ] as const) {
          await s.query(
            `INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at, dispatched_at)
             VALUES ('old', $1, 'CUSTOMER_ACTIVE', 'customer', 'c1', '{}', now(), CASE WHEN $2 THEN now() END)`,
            [id, dispatched],
          );
        }
      });
      await migrate(database, listMigrations());
      const queued = await database.rawTransaction((s) =>
        s.query<Row>('SELECT o.event_ids, o.event_types FROM event_outbox o ORDER BY o.seq'),
      );
      expect(queued).toEqual([{ event_ids: ['evt_waiting'], event_types: ['CUSTOMER_ACTIVE'] }]);
      const columns = await database.rawTransaction((s) =>
        s.query<Row>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'dispatched_at'`),
      );
      expect(columns).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('migration 0055 keeps what the per-event queue held, in its order, one row each', async () => {
    const database = await databaseBefore('0055');
    try {
      await database.rawTransaction(async (s) => {
        for (const [id, type] of [
          ['evt_sent', 'CUSTOMER_ACTIVE'],
          ['evt_first', 'ACCOUNT_OPEN'],
          ['evt_second', 'CUSTOMER_FROZEN'],
        ] as const) {
          await s.query(
            `INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at)
             VALUES ('old', $1, $2, 'customer', 'c1', '{}', now())`,
            [id, type],
          );
        }
        // The per-event queue (0054): the two not yet dispatched.
        await s.query(`INSERT INTO event_outbox (seq, client_id, event_id) SELECT seq, client_id, id FROM events WHERE id <> 'evt_sent'`);
      });
      await migrate(database, listMigrations());
      const queued = await database.rawTransaction((s) =>
        s.query<Row>('SELECT o.client_id, o.event_ids, o.event_types FROM event_outbox o ORDER BY o.seq'),
      );
      expect(queued).toEqual([
        { client_id: 'old', event_ids: ['evt_first'], event_types: ['ACCOUNT_OPEN'] },
        { client_id: 'old', event_ids: ['evt_second'], event_types: ['CUSTOMER_FROZEN'] },
      ]);
    } finally {
      await database.close();
    }
  });
});

// Concurrent transactions need PostgreSQL (the embedded database has one connection).
describe.runIf(!!process.env.TEST_DATABASE_URL)('dispatchers racing (PostgreSQL)', () => {
  it('two dispatchers taking small batches at once make exactly one delivery per event', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', 'http://127.0.0.1:9/hook');
    for (let i = 0; i < 20; i++) await newCustomer(t.api);
    const { delivery } = app.ledgerline.webhookWorker;
    const drain = async () => {
      for (let round = 0; round < 500; round++) if ((await delivery.dispatch(3)) === 0) return;
    };
    await Promise.all([drain(), drain()]);
    const count = () =>
      app.ledgerline.database.rawTransaction((s) =>
        s.query<Row>(
          `SELECT count(*)::int AS deliveries, count(DISTINCT event_id)::int AS events,
                  (SELECT count(*)::int FROM events WHERE client_id = $1 AND event_type = 'CUSTOMER_ACTIVE') AS written
             FROM webhook_deliveries WHERE client_id = $1 AND subscription_id = $2`,
          [t.clientId, sub.id],
        ),
      );
    // The test files share one PostgreSQL database, and another file's worker may hold some of these
    // events' queue rows when both drains find nothing left to take (they skip locked rows): its
    // deliveries land when it commits. Wait for them (a second delivery of an event would show too).
    let rows = await count();
    for (let i = 0; i < 50 && Number(rows[0]?.deliveries ?? 0) < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await drain();
      rows = await count();
    }
    expect(rows).toEqual([{ deliveries: 20, events: 20, written: 20 }]);
  });
});
